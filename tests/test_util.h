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

#endif
