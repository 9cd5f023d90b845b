/* tg_core.h: the foundation every twingraph module builds on.
 *
 * Status codes and the caller-owned message buffer, the one replaceable
 * allocator, a seeded random generator that gives the same stream on every
 * machine, a progress bar that only draws on a terminal, timers and logging,
 * and a string-to-index hash map used for stable ids.
 */
#ifndef TG_CORE_H
#define TG_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TG_VERSION "0.1.0"
#define TG_MSG_LEN 512

/* ---- status ------------------------------------------------------------ */

/* 0 ok, < 0 error, > 0 informational (as GrB_Info and SQLite result codes). */
typedef enum tg_status {
    TG_OK = 0,
    TG_NOT_FOUND = 1,           /* a lookup found nothing; not an error */
    TG_ERR_ARG = -1,            /* bad argument from the caller */
    TG_ERR_NOMEM = -2,          /* allocation failed */
    TG_ERR_IO = -3,             /* file could not be opened, read or written */
    TG_ERR_PARSE = -4,          /* malformed input: message has file and line */
    TG_ERR_ID = -5,             /* unknown or duplicate id */
    TG_ERR_TYPE = -6,           /* attribute of the wrong type */
    TG_ERR_NUMERIC = -7,        /* NaN, overflow, no convergence */
    TG_ERR_LIB = -8,            /* a dependency (igraph, GraphBLAS, SQLite) failed */
    TG_ERR_LIMIT = -9,          /* a size or resource limit was hit */
} tg_status;

/* A short constant name for a status ("TG_ERR_PARSE"). */
const char *tg_status_name(tg_status s);

/* Write a message into msg (TG_MSG_LEN bytes, may be NULL) only if it is
 * still empty: the first error wins.  Returns s so callers can
 * `return tg_msg(msg, TG_ERR_ARG, "...")`. */
tg_status tg_msg(char *msg, tg_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Clear msg on entry to a public function. */
static inline void tg_msg_clear(char *msg) { if (msg) msg[0] = '\0'; }

/* ---- allocator --------------------------------------------------------- */

/* One allocator for the whole library, in the shape of lua_Alloc:
 * nsize == 0 frees ptr and returns NULL; otherwise it (re)allocates.
 * osize is the old size when known, else 0. */
typedef void *(*tg_alloc_fn)(void *ud, void *ptr, size_t osize, size_t nsize);
/* Replace the allocator (NULL restores the default).  Call before any
 * object exists: memory must be freed by the allocator that made it. */
void tg_set_allocator(tg_alloc_fn fn, void *ud);

void *tg_malloc(size_t n);
void *tg_calloc(size_t count, size_t size);     /* checks count*size overflow */
void *tg_realloc(void *p, size_t n);
void tg_free(void *p);
char *tg_strdup(const char *s);
char *tg_strndup(const char *s, size_t n);
/* Grow *p (an array of *cap elements of size sz) to hold at least need. */
tg_status tg_grow(void **p, size_t *cap, size_t need, size_t sz);

/* ---- random numbers ---------------------------------------------------- */

/* xoshiro256** (Blackman & Vigna 2018), seeded by splitmix64 from one
 * 64-bit seed.  Pure integer arithmetic: the same seed gives the same
 * stream on every machine and compiler. */
typedef struct tg_rng { uint64_t s[4]; } tg_rng;

void tg_rng_seed(tg_rng *r, uint64_t seed);
uint64_t tg_rng_u64(tg_rng *r);
double tg_rng_uniform(tg_rng *r);               /* [0, 1), 53 random bits */
uint64_t tg_rng_below(tg_rng *r, uint64_t n);   /* [0, n), unbiased; n > 0 */
double tg_rng_normal(tg_rng *r);                /* standard normal (polar method) */

/* ---- time and logging -------------------------------------------------- */

double tg_now(void);                            /* monotonic seconds */

typedef enum tg_log_level { TG_LOG_ERROR, TG_LOG_WARN, TG_LOG_INFO, TG_LOG_DEBUG } tg_log_level;
void tg_log_set_level(tg_log_level level);
tg_log_level tg_log_get_level(void);
void tg_log(tg_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- progress bar ------------------------------------------------------ */

/* Draws "label [#####.....] 42% 1.2s" on stderr, at most every 0.1 s, from
 * half a second into the work (quick work stays silent), and only when
 * stderr is a terminal (silent in pipes and CI). */
typedef struct tg_progress {
    const char *label;
    int64_t total;
    double start, last_draw;
    bool enabled, drawn;
} tg_progress;

void tg_progress_start(tg_progress *p, const char *label, int64_t total);
void tg_progress_update(tg_progress *p, int64_t done);
void tg_progress_finish(tg_progress *p);
/* Force drawing on or off (tests, --progress flags); -1 = auto (isatty). */
void tg_progress_force(int on);

/* ---- string -> index map ----------------------------------------------- */

/* Open-addressing hash map from borrowed NUL-terminated keys to int64
 * values.  Keys are not copied: they must outlive the map (ids live in
 * the graph's string pool). */
typedef struct tg_strmap tg_strmap;

tg_status tg_strmap_new(tg_strmap **m, size_t expected);
void tg_strmap_free(tg_strmap **m);
/* Insert key -> value.  If the key exists, *old receives its value and
 * TG_ERR_ID is returned with the map unchanged. */
tg_status tg_strmap_put(tg_strmap *m, const char *key, int64_t value, int64_t *old);
/* Value of key, or -1 if absent. */
int64_t tg_strmap_get(const tg_strmap *m, const char *key);
int64_t tg_strmap_getn(const tg_strmap *m, const char *key, size_t len);
void tg_strmap_clear(tg_strmap *m);
size_t tg_strmap_count(const tg_strmap *m);

/* ---- string pool ------------------------------------------------------- */

/* Append-only arena of strings: one allocation per 64 KiB block, not per
 * string, so a million ids cost a few hundred allocations. */
typedef struct tg_pool tg_pool;
tg_status tg_pool_new(tg_pool **p);
void tg_pool_free(tg_pool **p);
const char *tg_pool_add(tg_pool *p, const char *s, size_t len);  /* NULL on OOM */

/* ---- untrusted XML (libxml2) -------------------------------------------- */

/* Read an XML document from path, or from buf/len (path then only names
 * it in messages), with the rules every twingraph reader of XML keeps: no
 * network, no DTD internal subset, no entity declaration or reference
 * (billion-laughs and XXE documents are refused during parsing, with their
 * line), elements nested at most max_depth deep, attribute values and
 * texts at most max_value bytes.  *doc (OUT) is an xmlDoc to free with
 * xmlFreeDoc.  Errors name path and line: TG_ERR_PARSE, TG_ERR_LIMIT,
 * TG_ERR_NOMEM.  GraphML and Open-PSA MEF read through it. */
struct _xmlDoc;
tg_status tg_xml_read(const char *path, const char *buf, size_t len, int max_depth, size_t max_value,
                      struct _xmlDoc **doc, char *msg);

#endif
