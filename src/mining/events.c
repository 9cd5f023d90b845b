/* events.c: event logs (CSV) into transactions by time windows.  Rows are
 * parsed into (time, item) pairs, sorted by time, then cut into fixed
 * windows or one sliding window per event.  A bad row is never dropped
 * silently: the policy is to fail with its line, or to skip it and count
 * it in the report. */
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
    /* Epoch seconds: a plain number. */
    /* Epoch seconds: a plain number (an ISO date stops strtod at its '-'). */
    char *end;
    double v = strtod(buf, &end);
    if (end != buf && *end == '\0') {
        if (!isfinite(v)) return false;
        *out = v;
        return true;
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

typedef struct event { double t; int32_t item; } event;

struct tg_eventlog {
    event *ev;          /* sorted by time, then item */
    size_t n;
    tg_txdb *names;     /* item names (a names-only database) */
};

void tg_eventlog_free(tg_eventlog **log)
{
    if (!log || !*log) return;
    tg_free((*log)->ev);
    tg_txdb_free(&(*log)->names);
    tg_free(*log);
    *log = NULL;
}

int64_t tg_eventlog_count(const tg_eventlog *log) { return (int64_t)log->n; }
const char *tg_eventlog_item_name(const tg_eventlog *log, int32_t item) { return tg_txdb_item_name(log->names, item); }
int32_t tg_eventlog_item_index(const tg_eventlog *log, const char *name) { return tg_txdb_item_index(log->names, name); }

static int by_time(const void *a, const void *b)
{
    const event *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return (x->item > y->item) - (x->item < y->item);
}

enum { MAX_FIELDS = 64 };

tg_status tg_eventlog_read(const char *path, tg_item_kind item_kind, bool skip_bad, tg_eventlog **out,
                           tg_event_report *rep, char *msg)
{
    tg_msg_clear(msg);
    *out = NULL;
    tg_event_report local;
    if (!rep) rep = &local;
    memset(rep, 0, sizeof *rep);
    if (!path || item_kind < TG_ITEM_COMPONENT_EVENT || item_kind > TG_ITEM_EVENT)
        return tg_msg(msg, TG_ERR_ARG, "mining.events: bad arguments");
    gzFile z = gzopen(path, "rb");
    if (!z) return tg_msg(msg, TG_ERR_IO, "%s: cannot open", path);
    tg_txdb *names = NULL;
    tg_eventlog *log = NULL;
    event *ev = NULL;
    size_t nev = 0, evcap = 0;
    char *line = NULL;
    size_t cap = 1 << 16;
    tg_status s = TG_OK;
    int ci[3] = {-1, -1, -1};     /* timestamp, component, event */
    long lineno = 0;
    if (!(line = tg_malloc(cap)) || tg_txdb_new(&names, msg) != TG_OK) {
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
            if (len + 1 < cap) continue;   /* short read at end of file */
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
            int nf = split(line, field, flen, MAX_FIELDS);
            static const char *want[] = {"timestamp", "component", "event"};
            for (int f = 0; f < nf && f < MAX_FIELDS; f++)
                for (int k = 0; k < 3; k++)
                    if (flen[f] == strlen(want[k]) && strncasecmp(field[f], want[k], flen[f]) == 0) ci[k] = f;
            for (int k = 0; k < 3; k++)
                if (ci[k] < 0) {
                    s = tg_msg(msg, TG_ERR_PARSE, "%s:1: header lacks a '%s' column (need timestamp,"
                               "component,event[,...])", path, want[k]);
                    goto done;
                }
            continue;
        }
        if (len == 0) continue;   /* blank lines are not rows */
        rep->rows++;
        char why[TG_MSG_LEN] = "";
        int nf = split(line, field, flen, MAX_FIELDS);
        int need = (ci[0] > ci[1] ? ci[0] : ci[1]) > ci[2] ? (ci[0] > ci[1] ? ci[0] : ci[1]) : ci[2];
        double t = 0;
        if (nf < 0) snprintf(why, sizeof why, "unterminated quoted field");
        else if (nf <= need) snprintf(why, sizeof why, "%d fields, the header needs at least %d", nf, need + 1);
        else if (!tg_mining_parse_time(field[ci[0]], flen[ci[0]], &t))
            snprintf(why, sizeof why, "timestamp '%.*s' is neither epoch seconds nor ISO-8601",
                     (int)(flen[ci[0]] < 60 ? flen[ci[0]] : 60), field[ci[0]]);
        else if (flen[ci[1]] == 0) snprintf(why, sizeof why, "empty component");
        else if (flen[ci[2]] == 0) snprintf(why, sizeof why, "empty event");
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
        /* Intern through a one-item transaction of a names-only database. */
        const char *one[1] = {item};
        int32_t id = tg_txdb_item_index(names, item);
        if (id < 0) {
            if ((s = tg_txdb_add(names, 1, one, msg)) != TG_OK) goto done;
            id = tg_txdb_item_index(names, item);
        }
        void *p = ev;
        if (tg_grow(&p, &evcap, nev + 1, sizeof *ev) != TG_OK) {
            s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path);
            goto done;
        }
        ev = p;
        ev[nev++] = (event){t, id};
        rep->events++;
    }
    /* zlib reports a truncated or corrupt stream only at the end. */
    if ((s = tg_mining_i_gz_check(z, path, msg)) != TG_OK) goto done;
    if (lineno == 0) {
        s = tg_msg(msg, TG_ERR_PARSE, "%s:1: file is empty (need a header timestamp,component,event)", path);
        goto done;
    }
    qsort(ev, nev, sizeof *ev, by_time);
    if (!(log = tg_calloc(1, sizeof *log))) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path);
        goto done;
    }
    log->ev = ev;
    log->n = nev;
    log->names = names;
    ev = NULL;
    names = NULL;
    *out = log;
done:
    gzclose(z);
    tg_free(line);
    tg_free(ev);
    tg_txdb_free(&names);
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
            while (j < log->n && ev[j].t < ev[i].t + window) row[n++] = tg_txdb_item_name(log->names, ev[j++].item);
        }
        s = tg_txdb_add(db, (int)n, row, msg);
    }
    tg_free(row);
    if (s == TG_OK) *out = db;
    else tg_txdb_free(&db);
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
