/* io.c: reading and writing graphs: dispatch by format name or file
 * extension, whole-file buffers, number parsing shared by the readers, and
 * atomic writes (a temporary file in the target's directory, renamed over
 * the target only once complete, so a failure leaves an existing file as it
 * was). */
#include "io_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- whole-file buffers ------------------------------------------------ */

tg_status tg_io_i_slurp(const char *path, char **buf, size_t *len, char *msg)
{
    *buf = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return tg_msg(msg, TG_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return tg_msg(msg, TG_ERR_IO, "%s: cannot read: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return tg_msg(msg, TG_ERR_IO, "%s: cannot read: %s", path,
                      S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
    }
    size_t size = (size_t)st.st_size;
    char *b = tg_malloc(size + 1);
    if (!b) {
        close(fd);
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory reading %zu bytes", path, size);
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, b + got, size - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            int e = errno;
            tg_free(b);
            close(fd);
            return tg_msg(msg, TG_ERR_IO, "%s: read error: %s", path, strerror(e));
        }
        if (r == 0) break;          /* the file shrank: take what is there */
        got += (size_t)r;
    }
    close(fd);
    b[got] = '\0';
    *buf = b;
    *len = got;
    return TG_OK;
}

/* ---- numbers ----------------------------------------------------------- */

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

tg_num_kind tg_io_i_number(const char *s, size_t n, int64_t *iv, double *dv)
{
    while (n && is_blank(*s)) s++, n--;
    while (n && is_blank(s[n - 1])) n--;
    if (n == 0) return TG_NUM_NONE;
    /* Integer literal: [+-]digits. */
    size_t k = (s[0] == '+' || s[0] == '-') ? 1 : 0;
    bool digits = k < n;
    for (size_t j = k; j < n && digits; j++) digits = s[j] >= '0' && s[j] <= '9';
    if (digits) {
        bool neg = s[0] == '-';
        uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
        uint64_t u = 0;
        bool over = false;
        for (size_t j = k; j < n; j++) {
            unsigned dgt = (unsigned)(s[j] - '0');
            if (u > (lim - dgt) / 10) {
                over = true;
                break;
            }
            u = u * 10 + dgt;
        }
        if (!over) {
            *iv = neg ? (u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u) : (int64_t)u;
            *dv = neg && u == 0 ? -0.0 : (double)*iv;     /* "-0" keeps its sign */
            return TG_NUM_INT;
        }
    }
    /* strtod needs a terminator: copy short values, refuse absurdly long. */
    char tmp[400];
    if (n >= sizeof tmp) return digits ? TG_NUM_INT_RANGE : TG_NUM_NONE;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    char *end;
    errno = 0;
    double d = strtod(tmp, &end);
    if (end != tmp + n || end == tmp) return TG_NUM_NONE;
    *dv = d;
    if (isnan(d)) return TG_NUM_NAN;
    if (errno == ERANGE && isinf(d)) return TG_NUM_RANGE;
    if (digits) return TG_NUM_INT_RANGE;
    return TG_NUM_DOUBLE;
}

void tg_io_i_format_double(double v, bool force_point, char *buf)
{
    if (isnan(v)) {
        strcpy(buf, "NaN");
        return;
    }
    if (isinf(v)) {
        strcpy(buf, v > 0 ? "INF" : "-INF");
        return;
    }
    /* The shortest of 15, 16, 17 significant digits that reads back equal. */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, 32, "%.*g", prec, v);
        if (prec == 17 || strtod(buf, NULL) == v) break;
    }
    if (force_point && !strpbrk(buf, ".eEn")) strcat(buf, ".0");
}

/* ---- dispatch ---------------------------------------------------------- */

const char *tg_graph_format_from_path(const char *path)
{
    if (!path) return NULL;
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    if (!dot) return NULL;
    static const struct { const char *ext, *fmt; } map[] = {
        {".graphml", "graphml"}, {".xml", "graphml"}, {".csv", "csv"},  {".tsv", "csv"},
        {".txt", "csv"},         {".edges", "csv"},   {".dot", "dot"},  {".gv", "dot"},
        {".db", "sqlite"},       {".sqlite", "sqlite"}, {".twin", "sqlite"},
    };
    for (size_t k = 0; k < sizeof map / sizeof *map; k++)
        if (strcasecmp(dot, map[k].ext) == 0) return map[k].fmt;
    return NULL;
}

tg_status tg_graph_read(const char *path, const tg_read_opts *opts, tg_graph **g, char *msg)
{
    tg_msg_clear(msg);
    if (!g) return tg_msg(msg, TG_ERR_ARG, "graph.read: output pointer is NULL");
    *g = NULL;
    if (!path || !path[0]) return tg_msg(msg, TG_ERR_ARG, "graph.read: path is NULL or empty");
    tg_read_opts o = {.format = NULL, .directed = -1, .labels = NULL, .delimiter = 0};
    if (opts) o = *opts;
    if (o.directed < -1 || o.directed > 1)
        return tg_msg(msg, TG_ERR_ARG, "graph.read: directed must be -1, 0 or 1 (got %d)",
                      o.directed);
    const char *fmt = o.format ? o.format : tg_graph_format_from_path(path);
    if (!fmt)
        return tg_msg(msg, TG_ERR_ARG, "graph.read: %s: cannot tell the format from the "
                      "extension; give format (graphml, csv, matrix, sqlite)", path);
    tg_graph_i_init_igraph();
    tg_status s;
    if (strcmp(fmt, "graphml") == 0) s = tg_io_i_read_graphml(path, &o, g, msg);
    else if (strcmp(fmt, "csv") == 0) s = tg_io_i_read_csv(path, &o, g, msg);
    else if (strcmp(fmt, "matrix") == 0) s = tg_io_i_read_matrix(path, &o, g, msg);
    else if (strcmp(fmt, "sqlite") == 0) s = tg_io_i_read_sqlite(path, &o, g, msg);
    else if (strcmp(fmt, "dot") == 0)
        return tg_msg(msg, TG_ERR_ARG, "graph.read: %s: reading DOT is not supported", path);
    else
        return tg_msg(msg, TG_ERR_ARG, "graph.read: unknown format '%s' (use graphml, csv, "
                      "matrix, sqlite)", fmt);
    if (s != TG_OK) {
        tg_graph_free(g);
        if (msg && !msg[0]) tg_msg(msg, s, "%s: read failed (%s)", path, tg_status_name(s));
    }
    return s;
}

/* The mode a new file gets: 0666 less the process umask. */
static mode_t new_file_mode(void)
{
    mode_t m = umask(0);
    umask(m);
    return 0666 & ~m;
}

tg_status tg_graph_write(const tg_graph *g, const char *path, const char *format, char *msg)
{
    tg_msg_clear(msg);
    if (!g) return tg_msg(msg, TG_ERR_ARG, "graph.write: graph is NULL");
    if (!path || !path[0]) return tg_msg(msg, TG_ERR_ARG, "graph.write: path is NULL or empty");
    const char *fmt = format ? format : tg_graph_format_from_path(path);
    if (!fmt)
        return tg_msg(msg, TG_ERR_ARG, "graph.write: %s: cannot tell the format from the "
                      "extension; give format (graphml, csv, dot, sqlite)", path);
    enum { GML, CSV, DOT, SQL } kind;
    if (strcmp(fmt, "graphml") == 0) kind = GML;
    else if (strcmp(fmt, "csv") == 0) kind = CSV;
    else if (strcmp(fmt, "dot") == 0) kind = DOT;
    else if (strcmp(fmt, "sqlite") == 0) kind = SQL;
    else
        return tg_msg(msg, TG_ERR_ARG, "graph.write: unknown format '%s' (use graphml, csv, "
                      "dot, sqlite)", fmt);

    char *tmp = NULL;
    char *vbuf = NULL;
    FILE *f = NULL;
    int fd = -1;
    tg_status s = TG_OK;
    size_t plen = strlen(path);
    tmp = tg_malloc(plen + 16);
    if (!tmp) return tg_msg(msg, TG_ERR_NOMEM, "graph.write: out of memory");
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp.XXXXXX", 12);
    fd = mkstemp(tmp);
    if (fd < 0) {
        s = tg_msg(msg, TG_ERR_IO, "%s: cannot create temporary file: %s", path, strerror(errno));
        tg_free(tmp);
        return s;
    }
    /* Keep an existing file's permissions; else the usual umask default. */
    struct stat st;
    mode_t mode = stat(path, &st) == 0 ? (st.st_mode & 07777) : new_file_mode();
    (void)fchmod(fd, mode);

    if (kind == SQL) {
        close(fd);
        fd = -1;
        s = tg_io_i_write_sqlite(g, tmp, path, msg);
    } else {
        f = fdopen(fd, "w");
        if (!f) {
            s = tg_msg(msg, TG_ERR_IO, "%s: cannot open temporary file: %s", path,
                       strerror(errno));
            goto done;
        }
        fd = -1;
        enum { VBUF = 1 << 18 };
        vbuf = tg_malloc(VBUF);
        if (vbuf) setvbuf(f, vbuf, _IOFBF, VBUF);
        if (kind == GML) s = tg_io_i_write_graphml(g, f, path, msg);
        else if (kind == CSV) s = tg_io_i_write_csv(g, f, path, msg);
        else s = tg_io_i_write_dot(g, f, path, msg);
        if (s == TG_OK && (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0))
            s = tg_msg(msg, TG_ERR_IO, "%s: write error: %s", path, strerror(errno));
        if (fclose(f) != 0 && s == TG_OK)
            s = tg_msg(msg, TG_ERR_IO, "%s: write error: %s", path, strerror(errno));
        f = NULL;
    }
    if (s == TG_OK && rename(tmp, path) != 0)
        s = tg_msg(msg, TG_ERR_IO, "%s: cannot replace file: %s", path, strerror(errno));
done:
    if (fd >= 0) close(fd);
    if (f) fclose(f);
    if (s != TG_OK) unlink(tmp);
    tg_free(vbuf);
    tg_free(tmp);
    return s;
}

tg_status tg_io_i_probe(const char *path, char *msg)
{
    FILE *f = fopen(path, "rb");
    if (!f) return tg_msg(msg, TG_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    int c0 = fgetc(f);
    fclose(f);
    if (c0 == EOF) return tg_msg(msg, TG_ERR_PARSE, "%s:1: file is empty", path);
    return TG_OK;
}
