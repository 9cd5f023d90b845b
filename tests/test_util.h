/* test_util.h: shared helpers for the cmocka tests.
 *
 * A counting allocator installed with tg_set_allocator catches leaks of
 * library memory (every test ends with TG_CHECK_NO_LEAK), and can fail the
 * k-th allocation for out-of-memory injection (TG_OOM_LOOP).
 */
#ifndef TG_TEST_UTIL_H
#define TG_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/tg_core.h"

static long tg_test_live = 0;        /* blocks currently allocated */
static long tg_test_fail_after = -1; /* fail when this many more succeed; -1 never */

static void *tg_test_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        if (ptr) tg_test_live--;
        free(ptr);
        return NULL;
    }
    if (tg_test_fail_after == 0) return NULL;
    if (tg_test_fail_after > 0) tg_test_fail_after--;
    void *q = realloc(ptr, nsize);
    if (q && !ptr) tg_test_live++;
    return q;
}

static inline void tg_test_install_allocator(void)
{
    tg_set_allocator(tg_test_alloc, NULL);
    tg_test_live = 0;
    tg_test_fail_after = -1;
}

#define TG_CHECK_NO_LEAK() assert_int_equal(tg_test_live, 0)

/* Run `body` (which must free everything it made and may fail cleanly)
 * with the k-th allocation failing, k = 0, 1, 2, ... until it succeeds;
 * `ok` is the expression that tells success.  Checks no leak each time. */
#define TG_OOM_LOOP(body, ok)                                              \
    do {                                                                   \
        for (long k_ = 0; k_ < 100000; k_++) {                             \
            tg_test_fail_after = k_;                                       \
            body;                                                          \
            tg_test_fail_after = -1;                                       \
            TG_CHECK_NO_LEAK();                                            \
            if (ok) break;                                                 \
        }                                                                  \
    } while (0)

/* Assert that msg contains the substring s. */
#define assert_msg_has(msg, s)                                             \
    do {                                                                   \
        if (!strstr((msg), (s)))                                           \
            fail_msg("message \"%s\" lacks \"%s\"", (msg), (s));           \
    } while (0)

/* Whole file into a malloc'd buffer (for fuzzing fixtures). */
static inline char *tg_test_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Mutate src into dst (capacity cap): byte flips, syntax characters
 * replaced or inserted, truncation, duplicated spans; returns the length. */
static inline size_t tg_test_mutate(tg_rng *r, const char *src, size_t n, char *dst, size_t cap)
{
    static const char syntax[] = "<>/\"'=&;,\t\n\r#-.0123456789eEnNaAiI \\\0\xff";
    size_t len = n < cap ? n : cap;
    memcpy(dst, src, len);
    int edits = 1 + (int)tg_rng_below(r, 4);
    for (int k = 0; k < edits && len > 0; k++) {
        size_t at = (size_t)tg_rng_below(r, len);
        switch (tg_rng_below(r, 5)) {
        case 0: dst[at] = syntax[tg_rng_below(r, sizeof syntax - 1)]; break;   /* replace */
        case 1: dst[at] ^= (char)(1u << tg_rng_below(r, 8)); break;             /* bit flip */
        case 2: len = at; break;                                                /* truncate */
        case 3:                                                                  /* insert */
            if (len < cap) {
                memmove(dst + at + 1, dst + at, len - at);
                dst[at] = syntax[tg_rng_below(r, sizeof syntax - 1)];
                len++;
            }
            break;
        default: {                                                               /* duplicate */
            size_t span = 1 + (size_t)tg_rng_below(r, 40);
            if (at + span <= len && len + span <= cap) {
                memmove(dst + at + span, dst + at, len - at);
                len += span;
            }
        }
        }
    }
    return len;
}

#endif
