/* chains.c: failure chains that end in a critical event ("the turbine
 * trips, then a cold compressor within 10 minutes, then the magnets lose
 * their temperature").  The sequence rules give the candidate chains, as
 * the paths to the critical event in the graph of rules; each candidate is
 * then counted on the log, because a product of rule confidences assumes
 * the steps are independent, which failure chains are not. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mining_internal.h"

#define FREE_ALL                                                                                   \
    do {                                                                                           \
        tg_free(c.rules);                                                                          \
        tg_free(in_off);                                                                           \
        tg_free(in_rule);                                                                          \
        tg_free(t_off);                                                                            \
        tg_free(times);                                                                            \
        tg_free(delays);                                                                           \
        tg_free(cur);                                                                              \
        tg_free(nxt);                                                                              \
    } while (0)

typedef struct rules_acc { tg_seq_rule *rules; size_t n, cap; bool nomem; } rules_acc;

static int collect(void *ud, const tg_seq_rule *r)
{
    rules_acc *a = ud;
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 64;
        tg_seq_rule *p = tg_realloc(a->rules, sizeof *p * cap);
        if (!p) {
            a->nomem = true;
            return 1;
        }
        a->rules = p;
        a->cap = cap;
    }
    a->rules[a->n++] = *r;
    return 0;
}

/* The search state shared by the recursion. */
typedef struct search {
    const tg_chain_opts *o;
    const tg_seq_rule *rules;
    const size_t *in_off, *in_rule;   /* rules ending in item b: in_rule[in_off[b] .. in_off[b + 1]) */
    const size_t *t_off;              /* event times of item i: times[t_off[i] .. t_off[i + 1]) */
    const double *times;
    double *delays, *cur, *nxt;       /* scratch, as long as the log */
    int32_t path[TG_CHAIN_MAX];       /* path[0] = target, going back in time */
    double markov[TG_CHAIN_MAX];
    tg_chain *out;
    size_t n, cap;
    size_t candidates;
    tg_status status;
} search;

/* Count the chain path[len - 1] -> ... -> path[0] on the log. */
static void count_chain(search *s, int len)
{
    const tg_chain_opts *o = s->o;
    int32_t first = s->path[len - 1];
    const double *t0 = s->times + s->t_off[first];
    size_t n0 = s->t_off[first + 1] - s->t_off[first], nd = 0;
    for (size_t e = 0; e < n0; e++) {
        /* cur: the times at which the chain so far can stand (sorted). */
        size_t ncur = 1;
        s->cur[0] = t0[e];
        for (int k = len - 2; k >= 0 && ncur > 0; k--) {
            int32_t item = s->path[k];
            const double *u = s->times + s->t_off[item];
            size_t nu = s->t_off[item + 1] - s->t_off[item];
            /* first event of this item after cur[0] */
            size_t lo = 0, hi = nu;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (u[mid] <= s->cur[0]) lo = mid + 1;
                else hi = mid;
            }
            size_t nn = 0, p = 0;
            for (size_t q = lo; q < nu && u[q] <= s->cur[ncur - 1] + o->dt; q++) {
                while (p + 1 < ncur && s->cur[p + 1] < u[q]) p++;   /* latest stand before u[q] */
                if (s->cur[p] < u[q] && u[q] - s->cur[p] <= o->dt) s->nxt[nn++] = u[q];
            }
            double *t = s->cur;
            s->cur = s->nxt;
            s->nxt = t;
            ncur = nn;
        }
        if (ncur > 0) s->delays[nd++] = s->cur[0] - t0[e];
    }
    double conf = n0 ? (double)nd / (double)n0 : 0;
    if ((int64_t)nd < o->min_count || conf < o->min_confidence) return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        tg_chain *p = tg_realloc(s->out, sizeof *p * cap);
        if (!p) {
            s->status = TG_ERR_NOMEM;
            return;
        }
        s->out = p;
        s->cap = cap;
    }
    tg_chain *c = &s->out[s->n++];
    memset(c, 0, sizeof *c);
    c->len = len;
    for (int k = 0; k < len; k++) c->items[k] = s->path[len - 1 - k];
    c->support = (int64_t)nd;
    c->count_first = (int64_t)n0;
    c->confidence = conf;
    c->markov = s->markov[len - 1];
    /* median and maximum by one partial sort: the delays are few */
    for (size_t i = 1; i < nd; i++)
        for (size_t j = i; j > 0 && s->delays[j - 1] > s->delays[j]; j--) {
            double t = s->delays[j];
            s->delays[j] = s->delays[j - 1];
            s->delays[j - 1] = t;
        }
    c->delay_median = nd % 2 ? s->delays[nd / 2] : 0.5 * (s->delays[nd / 2 - 1] + s->delays[nd / 2]);
    c->delay_max = s->delays[nd - 1];
}

enum { MAX_CANDIDATES = 1000000 };

/* Extend the path (len items so far) back in time by one rule. */
static void extend(search *s, int len)
{
    int32_t b = s->path[len - 1];
    for (size_t k = s->in_off[b]; k < s->in_off[b + 1] && s->status == TG_OK; k++) {
        const tg_seq_rule *r = &s->rules[s->in_rule[k]];
        bool seen = false;
        for (int j = 0; j < len && !seen; j++) seen = s->path[j] == r->a;
        if (seen) continue;   /* simple paths only */
        if (++s->candidates > MAX_CANDIDATES) {
            s->status = TG_ERR_LIMIT;
            return;
        }
        s->path[len] = r->a;
        s->markov[len] = s->markov[len - 1] * r->confidence;
        count_chain(s, len + 1);
        if (len + 1 < s->o->max_len) extend(s, len + 1);
    }
}

static int by_strength(const void *a, const void *b)
{
    const tg_chain *x = a, *y = b;
    if (x->confidence != y->confidence) return x->confidence > y->confidence ? -1 : 1;
    if (x->support != y->support) return x->support > y->support ? -1 : 1;
    return x->len - y->len;
}

tg_status tg_mining_failure_chains(const tg_eventlog *log, const tg_chain_opts *o, tg_chain **chains, size_t *n,
                                   char *msg)
{
    static const char fn[] = "mining.failure_chains";
    tg_msg_clear(msg);
    if (chains) *chains = NULL;
    if (n) *n = 0;
    if (!log || !o || !chains || !n || !(o->dt > 0) || o->min_count < 1 || o->max_len < 2 ||
        o->max_len > TG_CHAIN_MAX || o->target < 0)
        return tg_msg(msg, TG_ERR_ARG, "%s: bad arguments (dt > 0, min_count >= 1, 2 <= max_len <= %d, a target)",
                      fn, TG_CHAIN_MAX);
    rules_acc c = {0};
    size_t *in_off = NULL, *in_rule = NULL, *t_off = NULL;
    double *times = NULL, *delays = NULL, *cur = NULL, *nxt = NULL;
    tg_seq_opts so = {o->dt, o->min_count, o->min_rule_confidence, o->min_lift, -1};
    tg_status st = tg_mining_sequence_rules(log, &so, collect, &c, NULL, msg);
    if (st == TG_OK && c.nomem) st = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    if (st != TG_OK) {
        FREE_ALL;
        return st;
    }
    size_t ne = (size_t)tg_eventlog_count(log);
    int32_t nitems = o->target + 1;
    for (size_t e = 0; e < ne; e++) {
        double t;
        int32_t it;
        tg_eventlog_event(log, (int64_t)e, &t, &it);
        if (it + 1 > nitems) nitems = it + 1;
    }
    in_off = tg_calloc((size_t)nitems + 1, sizeof *in_off);
    in_rule = tg_malloc(sizeof *in_rule * (c.n ? c.n : 1));
    t_off = tg_calloc((size_t)nitems + 1, sizeof *t_off);
    times = tg_malloc(sizeof *times * (ne ? ne : 1));
    delays = tg_malloc(sizeof *delays * (ne ? ne : 1));
    cur = tg_malloc(sizeof *cur * (ne ? ne : 1));
    nxt = tg_malloc(sizeof *nxt * (ne ? ne : 1));
    if (!in_off || !in_rule || !t_off || !times || !delays || !cur || !nxt) {
        FREE_ALL;
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    }
    /* Rules grouped by the item they end in; event times grouped by item
     * (the log is in time order, so each group is sorted). */
    for (size_t k = 0; k < c.n; k++) in_off[c.rules[k].b + 1]++;
    for (int32_t b = 0; b < nitems; b++) in_off[b + 1] += in_off[b];
    for (size_t k = 0; k < c.n; k++) in_rule[in_off[c.rules[k].b]++] = k;
    for (int32_t b = nitems; b > 0; b--) in_off[b] = in_off[b - 1];
    in_off[0] = 0;
    for (size_t e = 0; e < ne; e++) {
        double t;
        int32_t it;
        tg_eventlog_event(log, (int64_t)e, &t, &it);
        t_off[it + 1]++;
    }
    for (int32_t b = 0; b < nitems; b++) t_off[b + 1] += t_off[b];
    for (size_t e = 0; e < ne; e++) {
        double t;
        int32_t it;
        tg_eventlog_event(log, (int64_t)e, &t, &it);
        times[t_off[it]++] = t;
    }
    for (int32_t b = nitems; b > 0; b--) t_off[b] = t_off[b - 1];
    t_off[0] = 0;

    search s = {.o = o, .rules = c.rules, .in_off = in_off, .in_rule = in_rule, .t_off = t_off, .times = times,
                .delays = delays, .cur = cur, .nxt = nxt, .status = TG_OK};
    s.path[0] = o->target;
    s.markov[0] = 1;
    extend(&s, 1);
    cur = s.cur;   /* count_chain swaps the two scratch buffers */
    nxt = s.nxt;
    FREE_ALL;
    if (s.status != TG_OK) {
        tg_free(s.out);
        return s.status == TG_ERR_LIMIT
                   ? tg_msg(msg, TG_ERR_LIMIT, "%s: more than %d candidate chains; raise min_count or the rule "
                                               "thresholds, or lower max_len", fn, MAX_CANDIDATES)
                   : tg_msg(msg, s.status, "%s: out of memory", fn);
    }
    qsort(s.out, s.n, sizeof *s.out, by_strength);
    *chains = s.out;
    *n = s.n;
    return TG_OK;
}
