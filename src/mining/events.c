/* events.c: event logs (CSV, alarm exports) into transactions by time
 * windows or by group (asset, plant section, work order).  Rows are parsed
 * into (time, item, row) triples, sorted by time; each row's fields are
 * kept, interned, by column for grouping.  A bad row is never dropped
 * silently: the policy is to fail with its line, or to skip it and count
 * it in the report; rows dropped for their alarm state are counted too. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zlib.h>

#include "mining_internal.h"

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool tg_mining_parse_time(const char *s, size_t len, double *out)
{
    while (len && isspace((unsigned char)*s)) s++, len--;
    while (len && isspace((unsigned char)s[len - 1])) len--;
    if (len == 0 || len > 63) return false;
    char buf[64];
    memcpy(buf, s, len);
    buf[len] = '\0';
    /* Epoch seconds: a plain number (an ISO date stops strtod at its '-');
     * beyond +-1e12 s (31,700 years) it is not a time, and window indices
     * computed from it would overflow. */
    char *end;
    double v = strtod(buf, &end);
    if (end != buf && *end == '\0') {
        if (!(fabs(v) <= 1e12)) return false;
        *out = v;
        return true;
    }
    /* dd/mm/yyyy hh:mm:ss[.fff] (alarm exports): rewritten as ISO. */
    if (len >= 19 && buf[2] == '/' && buf[5] == '/' && buf[10] == ' ') {
        char iso[64];
        memcpy(iso, buf + 6, 4);
        iso[4] = '-';
        memcpy(iso + 5, buf + 3, 2);
        iso[7] = '-';
        memcpy(iso + 8, buf, 2);
        memcpy(iso + 10, buf + 10, len - 10 + 1);
        memcpy(buf, iso, len + 1);
        if (strpbrk(buf + 19, "Z+-")) return false;     /* no zones in this form */
    }
    /* YYYY-MM-DD[T ]hh:mm:ss[.fff][Z|+hh:mm|-hh:mm] */
    int Y, M, D, h, m, sec;
    if (len < 19 || !digits(buf, 4, &Y) || buf[4] != '-' || !digits(buf + 5, 2, &M) || buf[7] != '-' ||
        !digits(buf + 8, 2, &D) || (buf[10] != 'T' && buf[10] != ' ') || !digits(buf + 11, 2, &h) ||
        buf[13] != ':' || !digits(buf + 14, 2, &m) || buf[16] != ':' || !digits(buf + 17, 2, &sec))
        return false;
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60) return false;
    const char *p = buf + 19;
    double frac = 0;
    if (*p == '.') {
        double scale = 0.1;
        p++;
        if (!isdigit((unsigned char)*p)) return false;
        while (isdigit((unsigned char)*p)) frac += scale * (*p++ - '0'), scale /= 10;
    }
    int offset = 0;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 || om > 59) return false;
        offset = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
        p += 6;
    }
    if (*p) return false;
    struct tm tm = {.tm_year = Y - 1900, .tm_mon = M - 1, .tm_mday = D, .tm_hour = h, .tm_min = m,
                    .tm_sec = sec};
    time_t t = timegm(&tm);
    /* timegm normalises 31 February into March: refuse dates that moved. */
    struct tm back;
    gmtime_r(&t, &back);
    if (back.tm_mday != D || back.tm_mon != M - 1) return false;
    *out = (double)t + frac - offset;
    return true;
}

/* ---- CSV fields --------------------------------------------------------- */

/* Split one line (no newline) into fields, in place; RFC 4180 quotes.
 * Returns the number of fields (<= max), or -1 on an unterminated quote. */
static int split(char *line, char **field, size_t *flen, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max) return n + 1;   /* too many: caller reports */
        if (*p == '"') {
            char *w = ++p, *start = p;
            for (;;) {
                if (*p == '\0') return -1;
                if (*p == '"' && p[1] == '"') *w++ = '"', p += 2;
                else if (*p == '"') break;
                else *w++ = *p++;
            }
            field[n] = start;
            flen[n++] = (size_t)(w - start);
            p++;
            if (*p != ',' && *p != '\0') return -1;
        } else {
            char *start = p;
            while (*p && *p != ',') p++;
            field[n] = start;
            flen[n++] = (size_t)(p - start);
        }
        if (*p == '\0') return n;
        p++;   /* the comma */
    }
}

typedef struct event { double t; int32_t item; int32_t row; } event;

struct tg_eventlog {
    event *ev;          /* sorted by time, then item */
    size_t n;
    tg_txdb *names;     /* item names (a names-only database) */
    tg_txdb *cols;      /* column names, lower-cased, in header order */
    tg_txdb *values;    /* field values of every column */
    int ncols;
    int32_t *val;       /* val[row * ncols + c]: value index, -1 if empty */
};

void tg_eventlog_free(tg_eventlog **log)
{
    if (!log || !*log) return;
    tg_free((*log)->ev);
    tg_txdb_free(&(*log)->names);
    tg_txdb_free(&(*log)->cols);
    tg_txdb_free(&(*log)->values);
    tg_free((*log)->val);
    tg_free(*log);
    *log = NULL;
}

int tg_eventlog_columns(const tg_eventlog *log) { return log->ncols; }
const char *tg_eventlog_column_name(const tg_eventlog *log, int col) { return tg_txdb_item_name(log->cols, col); }

/* Index of name[0..len) in a names-only database, interned if new; -1 on
 * failure (msg set). */
static int32_t intern(tg_txdb *names, const char *s, size_t len, char *msg)
{
    char buf[1024];
    if (len >= sizeof buf) {
        tg_msg(msg, TG_ERR_PARSE, "value longer than %zu bytes", sizeof buf - 1);
        return -1;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    int32_t id = tg_txdb_item_index(names, buf);
    if (id >= 0) return id;
    const char *one[1] = {buf};
    if (tg_txdb_add(names, 1, one, msg) != TG_OK) return -1;
    return tg_txdb_item_index(names, buf);
}

/* Is s[0..len) one of the comma-separated words of list (any case)? */
static bool in_list(const char *list, const char *s, size_t len)
{
    while (list && *list) {
        const char *end = strchr(list, ',');
        size_t n = end ? (size_t)(end - list) : strlen(list);
        const char *a = list;
        size_t an = n;
        while (an && isspace((unsigned char)*a)) a++, an--;
        while (an && isspace((unsigned char)a[an - 1])) an--;
        if (an == len && an > 0 && strncasecmp(a, s, len) == 0) return true;
        list = end ? end + 1 : NULL;
    }
    return false;
}

int64_t tg_eventlog_count(const tg_eventlog *log) { return (int64_t)log->n; }
const char *tg_eventlog_item_name(const tg_eventlog *log, int32_t item) { return tg_txdb_item_name(log->names, item); }
int32_t tg_eventlog_item_index(const tg_eventlog *log, const char *name) { return tg_txdb_item_index(log->names, name); }

static int by_time(const void *a, const void *b)
{
    const event *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    if (x->item != y->item) return x->item < y->item ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

enum { MAX_FIELDS = 64 };

tg_status tg_eventlog_read(const char *path, tg_item_kind item_kind, bool skip_bad, tg_eventlog **out,
                           tg_event_report *rep, char *msg)
{
    tg_event_opts o = {.item = item_kind, .skip_bad = skip_bad};
    return tg_eventlog_read_opts(path, &o, out, rep, msg);
}

tg_status tg_eventlog_read_opts(const char *path, const tg_event_opts *o, tg_eventlog **out, tg_event_report *rep,
                                char *msg)
{
    tg_msg_clear(msg);
    *out = NULL;
    tg_event_report local;
    if (!rep) rep = &local;
    memset(rep, 0, sizeof *rep);
    if (!path || !o || o->item < TG_ITEM_COMPONENT_EVENT || o->item > TG_ITEM_EVENT)
        return tg_msg(msg, TG_ERR_ARG, "mining.events: bad arguments");
    const tg_item_kind item_kind = o->item;
    const bool skip_bad = o->skip_bad;
    const char *want[4] = {o->time_col ? o->time_col : "timestamp", o->component_col ? o->component_col : "component",
                           o->event_col ? o->event_col : "event", o->state_col};
    gzFile z = gzopen(path, "rb");
    if (!z) return tg_msg(msg, TG_ERR_IO, "%s: cannot open", path);
    tg_txdb *names = NULL, *cols = NULL, *values = NULL;
    tg_eventlog *log = NULL;
    event *ev = NULL;
    int32_t *val = NULL;
    size_t nev = 0, evcap = 0, valcap = 0, nrow = 0;
    char *line = NULL;
    size_t cap = 1 << 16;
    tg_status s = TG_OK;
    int ci[4] = {-1, -1, -1, -1};     /* time, component, event, state */
    int ncols = 0;
    long lineno = 0;
    if (!(line = tg_malloc(cap)) || tg_txdb_new(&names, msg) != TG_OK || tg_txdb_new(&cols, msg) != TG_OK ||
        tg_txdb_new(&values, msg) != TG_OK) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path);
        goto done;
    }
    for (;;) {
        /* Read one line (of any length). */
        size_t len = 0;
        bool eof = false;
        for (;;) {
            if (!gzgets(z, line + len, (int)(cap - len))) {
                eof = len == 0;
                break;
            }
            len += strlen(line + len);
            if (len && line[len - 1] == '\n') break;
            if (len + 1 < cap) {
                /* gzgets stops short of a newline only at the end of the
                 * file, or when the line holds a NUL byte (which would
                 * otherwise glue this line to the next one). */
                if (!gzeof(z)) {
                    s = tg_msg(msg, TG_ERR_PARSE, "%s:%ld: NUL byte in the line (binary data?)", path, lineno + 1);
                    goto done;
                }
                continue;
            }
            void *p = line;
            if (tg_grow(&p, &cap, cap * 2, 1) != TG_OK) {
                s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path);
                goto done;
            }
            line = p;
        }
        if (eof) break;
        lineno++;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
        char *field[MAX_FIELDS + 1];
        size_t flen[MAX_FIELDS + 1];
        if (lineno == 1) {
            /* A UTF-8 byte-order mark (spreadsheet exports) is not part of the first name. */
            char *h = line;
            if ((unsigned char)h[0] == 0xEF && (unsigned char)h[1] == 0xBB && (unsigned char)h[2] == 0xBF) h += 3;
            int nf = split(h, field, flen, MAX_FIELDS);
            if (nf < 0 || nf > MAX_FIELDS) {
                s = tg_msg(msg, TG_ERR_PARSE, "%s:1: %s", path,
                           nf < 0 ? "unterminated quoted field in the header" : "more than 64 columns");
                goto done;
            }
            for (int f = 0; f < nf; f++) {
                for (int k = 0; k < 4; k++)
                    if (want[k] && ci[k] < 0 && flen[f] == strlen(want[k]) && strncasecmp(field[f], want[k], flen[f]) == 0)
                        ci[k] = f;
                char lower[1024];
                size_t n = flen[f] < sizeof lower - 1 ? flen[f] : sizeof lower - 1;
                for (size_t q = 0; q < n; q++) lower[q] = (char)tolower((unsigned char)field[f][q]);
                if (n == 0) {
                    n = (size_t)snprintf(lower, sizeof lower, "column%d", f + 1);   /* unnamed column */
                }
                /* A repeated name keeps its first column; later ones get their position. */
                lower[n] = '\0';
                for (int v = 1; tg_txdb_item_index(cols, lower) >= 0; v++)   /* until unique */
                    n = (size_t)snprintf(lower, sizeof lower, v == 1 ? "column%d" : "column%d_%d", f + 1, v);
                if (intern(cols, lower, n, msg) < 0) {
                    s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path);
                    goto done;
                }
            }
            ncols = nf;
            for (int k = 0; k < 4; k++)
                if (want[k] && ci[k] < 0) {
                    s = tg_msg(msg, TG_ERR_PARSE, "%s:1: header lacks a '%s' column (need %s,%s,%s[,...])", path,
                               want[k], want[0], want[1], want[2]);
                    goto done;
                }
            continue;
        }
        if (len == 0) continue;   /* blank lines are not rows */
        rep->rows++;
        char why[TG_MSG_LEN] = "";
        int nf = split(line, field, flen, MAX_FIELDS);
        int need = 0;
        for (int k = 0; k < 4; k++)
            if (ci[k] > need) need = ci[k];
        double t = 0;
        if (nf < 0) snprintf(why, sizeof why, "unterminated quoted field");
        else if (nf <= need) snprintf(why, sizeof why, "%d fields, the header needs at least %d", nf, need + 1);
        else if (nf > ncols) snprintf(why, sizeof why, "%d fields, the header has %d (quote fields that hold commas)", nf, ncols);
        for (int f = 0; !why[0] && f < nf && f < ncols; f++)
            if (flen[f] > 1000) snprintf(why, sizeof why, "field %d is longer than 1000 bytes", f + 1);
        if (!why[0] && ci[3] >= 0 && in_list(o->drop_states, field[ci[3]], flen[ci[3]])) {
            rep->filtered++;        /* an acknowledgement or return, not an event */
            continue;
        }
        if (!why[0]) {
            if (!tg_mining_parse_time(field[ci[0]], flen[ci[0]], &t))
                snprintf(why, sizeof why, "timestamp '%.*s' is neither epoch seconds, ISO-8601 nor dd/mm/yyyy hh:mm:ss",
                         (int)(flen[ci[0]] < 60 ? flen[ci[0]] : 60), field[ci[0]]);
            else if (flen[ci[1]] == 0) snprintf(why, sizeof why, "empty %s", want[1]);
            else if (flen[ci[2]] == 0) snprintf(why, sizeof why, "empty %s", want[2]);
        }
        if (why[0]) {
            if (!skip_bad) {
                s = tg_msg(msg, TG_ERR_PARSE, "%s:%ld: %s", path, lineno, why);
                goto done;
            }
            rep->skipped++;
            if (!rep->first_bad_line) {
                rep->first_bad_line = lineno;
                snprintf(rep->first_bad, sizeof rep->first_bad, "%s", why);
            }
            continue;
        }
        /* The item text: component:event, component or event. */
        char item[1024];
        int il;
        if (item_kind == TG_ITEM_COMPONENT)
            il = snprintf(item, sizeof item, "%.*s", (int)flen[ci[1]], field[ci[1]]);
        else if (item_kind == TG_ITEM_EVENT)
            il = snprintf(item, sizeof item, "%.*s", (int)flen[ci[2]], field[ci[2]]);
        else
            il = snprintf(item, sizeof item, "%.*s:%.*s", (int)flen[ci[1]], field[ci[1]], (int)flen[ci[2]],
                          field[ci[2]]);
        if (il < 0 || (size_t)il >= sizeof item) {
            s = tg_msg(msg, TG_ERR_PARSE, "%s:%ld: item longer than %zu bytes", path, lineno, sizeof item - 1);
            goto done;
        }
        char imsg[TG_MSG_LEN];
        int32_t id = intern(names, item, (size_t)il, imsg);
        if (id < 0) {
            s = tg_msg(msg, TG_ERR_NOMEM, "%s:%ld: %s", path, lineno, imsg);
            goto done;
        }
        /* The row's fields by column (missing trailing fields are empty). */
        void *p = val;
        if (nrow >= (size_t)INT32_MAX ||
            tg_grow(&p, &valcap, (nrow + 1) * (size_t)(ncols ? ncols : 1), sizeof *val) != TG_OK) {
            s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path);
            goto done;
        }
        val = p;
        for (int c = 0; c < ncols; c++) {
            int32_t v = -1;
            if (c < nf && flen[c] > 0 && (v = intern(values, field[c], flen[c], imsg)) < 0) {
                s = tg_msg(msg, TG_ERR_NOMEM, "%s:%ld: column %d: %s", path, lineno, c + 1, imsg);
                goto done;
            }
            val[nrow * (size_t)ncols + (size_t)c] = v;
        }
        p = ev;
        if (tg_grow(&p, &evcap, nev + 1, sizeof *ev) != TG_OK) {
            s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path);
            goto done;
        }
        ev = p;
        ev[nev++] = (event){t, id, (int32_t)nrow++};
        rep->events++;
    }
    /* zlib reports a truncated or corrupt stream only at the end. */
    if ((s = tg_mining_i_gz_check(z, path, msg)) != TG_OK) goto done;
    if (lineno == 0) {
        s = tg_msg(msg, TG_ERR_PARSE, "%s:1: file is empty (need a header %s,%s,%s)", path, want[0], want[1], want[2]);
        goto done;
    }
    if (nev > 1) qsort(ev, nev, sizeof *ev, by_time);     /* ev is NULL when there are no rows */
    if (!(log = tg_calloc(1, sizeof *log))) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path);
        goto done;
    }
    *log = (tg_eventlog){ev, nev, names, cols, values, ncols, val};
    ev = NULL;
    val = NULL;
    names = cols = values = NULL;
    *out = log;
done:
    gzclose(z);
    tg_free(line);
    tg_free(ev);
    tg_free(val);
    tg_txdb_free(&names);
    tg_txdb_free(&cols);
    tg_txdb_free(&values);
    return s;
}

tg_status tg_eventlog_transactions(const tg_eventlog *log, double window, tg_window mode, tg_txdb **out,
                                   char *msg)
{
    tg_msg_clear(msg);
    *out = NULL;
    if (!log || !(window > 0) || !isfinite(window) || (mode != TG_WINDOW_FIXED && mode != TG_WINDOW_SLIDING))
        return tg_msg(msg, TG_ERR_ARG, "mining.transactions: need a window > 0 seconds");
    tg_txdb *db = NULL;
    tg_status s = tg_txdb_new(&db, msg);
    if (s != TG_OK) return s;
    const char **row = tg_malloc(sizeof *row * (log->n ? log->n : 1));
    if (!row) {
        tg_txdb_free(&db);
        return tg_msg(msg, TG_ERR_NOMEM, "mining.transactions: out of memory");
    }
    const event *ev = log->ev;
    for (size_t i = 0; i < log->n && s == TG_OK; i++) {
        size_t j = i, n = 0;
        if (mode == TG_WINDOW_FIXED) {
            double k = floor(ev[i].t / window);
            while (j < log->n && floor(ev[j].t / window) == k) row[n++] = tg_txdb_item_name(log->names, ev[j++].item);
            i = j - 1;
        } else {
            while (j > 0 && ev[j - 1].t == ev[i].t) j--;   /* events tied with this one are in its window */
            while (j < log->n && ev[j].t < ev[i].t + window) row[n++] = tg_txdb_item_name(log->names, ev[j++].item);
        }
        s = tg_txdb_add(db, (int)n, row, msg);
    }
    tg_free(row);
    if (s == TG_OK) *out = db;
    else tg_txdb_free(&db);
    return s;
}

/* An event's place in a grouped transaction list. */
typedef struct grouped { int32_t group; int64_t window; size_t ev; } grouped;

static int by_group(const void *a, const void *b)
{
    const grouped *x = a, *y = b;
    if (x->group != y->group) return x->group < y->group ? -1 : 1;
    if (x->window != y->window) return x->window < y->window ? -1 : 1;
    return (x->ev > y->ev) - (x->ev < y->ev);
}

tg_status tg_eventlog_transactions_by(const tg_eventlog *log, const char *column, const tg_group_map *map,
                                      double window, tg_txdb **out, int64_t *ungrouped, char *msg)
{
    static const char fname[] = "mining.transactions_by";
    tg_msg_clear(msg);
    *out = NULL;
    if (ungrouped) *ungrouped = 0;
    if (!log || !column || !(window >= 0) || !isfinite(window) || (map && map->n > 0 && (!map->keys || !map->groups)))
        return tg_msg(msg, TG_ERR_ARG, "%s: need a log, a column and a window >= 0 seconds (0: none)", fname);
    char lower[256];
    size_t cl = strlen(column);
    if (cl >= sizeof lower) return tg_msg(msg, TG_ERR_ARG, "%s: column name too long", fname);
    for (size_t q = 0; q <= cl; q++) lower[q] = (char)tolower((unsigned char)column[q]);
    int col = tg_txdb_item_index(log->cols, lower);
    if (col < 0) {
        char list[200] = "";
        for (int c = 0; c < log->ncols; c++) {
            size_t n = strlen(list);
            snprintf(list + n, sizeof list - n, "%s%s", c ? ", " : "", tg_txdb_item_name(log->cols, c));
        }
        return tg_msg(msg, TG_ERR_ARG, "%s: no column '%s' in the log (columns: %s)", fname, column, list);
    }
    tg_strmap *keys = NULL, *groups = NULL;
    grouped *gv = NULL;
    const char **row = NULL;
    tg_txdb *db = NULL;
    int32_t *gid_of_key = NULL;     /* map entry -> group id */
    int32_t *gid_of_value = NULL;   /* log value -> group id (no map) */
    tg_status s = TG_OK;
    int64_t nun = 0;
    int32_t nvalues = tg_txdb_item_count(log->values);
    if (tg_strmap_new(&keys, 64) != TG_OK || tg_strmap_new(&groups, 64) != TG_OK ||
        !(gv = tg_malloc(sizeof *gv * (log->n ? log->n : 1))) || !(row = tg_malloc(sizeof *row * (log->n ? log->n : 1))) ||
        !(gid_of_key = tg_malloc(sizeof *gid_of_key * (size_t)(map && map->n > 0 ? map->n : 1))) ||
        !(gid_of_value = tg_malloc(sizeof *gid_of_value * (size_t)(nvalues ? nvalues : 1))))
        goto nomem;
    /* Group ids in order of first sight; names borrowed from the map or the log. */
    int32_t ngroups = 0;
    if (map) {
        for (int64_t i = 0; i < map->n; i++) {
            int64_t old;
            if (!map->keys[i]) {
                s = tg_msg(msg, TG_ERR_ARG, "%s: map key %lld is NULL", fname, (long long)i + 1);
                goto done;
            }
            tg_status ps = tg_strmap_put(keys, map->keys[i], i, &old);
            if (ps == TG_ERR_ID) {
                s = tg_msg(msg, TG_ERR_ARG, "%s: map key '%s' given twice", fname, map->keys[i]);
                goto done;
            }
            if (ps != TG_OK) goto nomem;
            gid_of_key[i] = -2;     /* not met yet */
        }
    }
    for (int32_t v = 0; v < nvalues; v++) gid_of_value[v] = -2;
    size_t ng = 0;
    for (size_t i = 0; i < log->n; i++) {
        int32_t v = log->val[(size_t)log->ev[i].row * (size_t)log->ncols + (size_t)col];
        if (v < 0) {
            nun++;
            continue;
        }
        int32_t *slot;
        const char *gname;
        if (map) {
            int64_t k = tg_strmap_get(keys, tg_txdb_item_name(log->values, v));
            if (k < 0 || !map->groups[k] || !map->groups[k][0]) {
                nun++;
                continue;
            }
            slot = &gid_of_key[k];
            gname = map->groups[k];
        } else {
            slot = &gid_of_value[v];
            gname = tg_txdb_item_name(log->values, v);
        }
        if (*slot == -2) {
            int64_t g = tg_strmap_get(groups, gname);
            if (g < 0) {
                if (tg_strmap_put(groups, gname, ngroups, NULL) != TG_OK) goto nomem;
                g = ngroups++;
            }
            *slot = (int32_t)g;
        }
        gv[ng++] = (grouped){*slot, window > 0 ? (int64_t)floor(log->ev[i].t / window) : 0, i};
    }
    qsort(gv, ng, sizeof *gv, by_group);
    if ((s = tg_txdb_new(&db, msg)) != TG_OK) goto done;
    for (size_t i = 0; i < ng;) {
        size_t j = i, n = 0;
        while (j < ng && gv[j].group == gv[i].group && gv[j].window == gv[i].window)
            row[n++] = tg_txdb_item_name(log->names, log->ev[gv[j++].ev].item);
        if ((s = tg_txdb_add(db, (int)n, row, msg)) != TG_OK) goto done;
        i = j;
    }
    *out = db;
    db = NULL;
    if (ungrouped) *ungrouped = nun;
    goto done;
nomem:
    s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fname);
done:
    tg_strmap_free(&keys);
    tg_strmap_free(&groups);
    tg_free(gv);
    tg_free(row);
    tg_free(gid_of_key);
    tg_free(gid_of_value);
    tg_txdb_free(&db);
    return s;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

tg_status tg_mining_sequence_rules(const tg_eventlog *log, const tg_seq_opts *o, tg_seq_fn fn, void *ud,
                                   int64_t *count, char *msg)
{
    static const char fname[] = "mining.sequence_rules";
    tg_msg_clear(msg);
    if (count) *count = 0;
    if (!log || !o || !(o->dt > 0) || !isfinite(o->dt) || o->min_count < 1 ||
        !(o->min_confidence >= 0 && o->min_confidence <= 1) || !(o->min_lift >= 0))
        return tg_msg(msg, TG_ERR_ARG, "%s: need dt > 0, min_count >= 1, min_confidence in [0, 1]", fname);
    int32_t ni = tg_txdb_item_count(log->names);
    size_t nn = (size_t)ni * (size_t)ni;
    if (ni > 0 && nn / (size_t)ni != (size_t)ni) return tg_msg(msg, TG_ERR_LIMIT, "%s: too many items", fname);
    /* pair[a * ni + b]: A events followed by a B within dt; follow[b]: any
     * event followed by a B; seen[] marks items met in the current scan. */
    int64_t *pair = tg_calloc(nn ? nn : 1, sizeof *pair), *cnt = tg_calloc((size_t)ni + 1, sizeof *cnt),
            *follow = tg_calloc((size_t)ni + 1, sizeof *follow);
    size_t *seen = tg_calloc((size_t)ni + 1, sizeof *seen);
    double *delays = NULL;
    tg_status s = TG_OK;
    if (!pair || !cnt || !follow || !seen) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fname);
        goto done;
    }
    const event *ev = log->ev;
    for (size_t i = 0; i < log->n; i++) {
        int32_t a = ev[i].item;
        cnt[a]++;
        for (size_t j = i + 1; j < log->n && ev[j].t <= ev[i].t + o->dt; j++) {
            int32_t b = ev[j].item;
            if (seen[b] == i + 1 || ev[j].t <= ev[i].t) continue;   /* first B after A only; later in time */
            seen[b] = i + 1;
            pair[(size_t)a * (size_t)ni + (size_t)b]++;
            follow[b]++;
        }
    }
    double N = (double)log->n;
    int64_t nrules = 0;
    delays = tg_malloc(sizeof *delays * (log->n ? log->n : 1));
    if (!delays) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fname);
        goto done;
    }
    bool stop = false;
    for (int32_t a = 0; a < ni && !stop; a++)
        for (int32_t b = 0; b < ni && !stop; b++) {
            if (a == b || (o->target >= 0 && b != o->target)) continue;
            int64_t sup = pair[(size_t)a * (size_t)ni + (size_t)b];
            if (sup < o->min_count) continue;
            double conf = (double)sup / (double)cnt[a];
            double lift = conf / ((double)follow[b] / N);
            if (conf < o->min_confidence || lift < o->min_lift) continue;
            /* Delay distribution: a second pass over the A events. */
            size_t nd = 0;
            for (size_t i = 0; i < log->n; i++) {
                if (ev[i].item != a) continue;
                for (size_t j = i + 1; j < log->n && ev[j].t <= ev[i].t + o->dt; j++)
                    if (ev[j].item == b && ev[j].t > ev[i].t) {
                        delays[nd++] = ev[j].t - ev[i].t;
                        break;
                    }
            }
            qsort(delays, nd, sizeof *delays, cmp_double);
            double sum = 0;
            for (size_t k = 0; k < nd; k++) sum += delays[k];
            tg_seq_rule r = {a, b, sup, cnt[a], conf, lift, sum / (double)nd,
                             nd % 2 ? delays[nd / 2] : 0.5 * (delays[nd / 2 - 1] + delays[nd / 2]),
                             delays[0], delays[nd - 1]};
            nrules++;
            if (fn && fn(ud, &r)) stop = true;
        }
    if (count) *count = nrules;
done:
    tg_free(pair);
    tg_free(cnt);
    tg_free(follow);
    tg_free(seen);
    tg_free(delays);
    return s;
}

void tg_eventlog_event(const tg_eventlog *log, int64_t i, double *time, int32_t *item)
{
    *time = log->ev[i].t;
    *item = log->ev[i].item;
}
