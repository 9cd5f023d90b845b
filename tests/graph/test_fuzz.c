/* test_fuzz.c: seeded mutation fuzzing of every reader.  Each good fixture
 * is mutated (byte flips, insertions of syntax characters, truncation,
 * duplicated spans) a few thousand times; every read must either succeed or
 * fail with a message naming the file, never crash (run under ASan by
 * `make check SANITIZE=1`) and never leak library memory. */
#include "../test_util.h"

#include <stdio.h>
#include <unistd.h>

#include "graph/tg_graph.h"

static char *slurp(const char *path, size_t *len)
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

static size_t mutate(tg_rng *r, const char *src, size_t n, char *dst, size_t cap)
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

static void fuzz_file(const char *fixture, const char *suffix, const char *format, int rounds,
                      uint64_t seed)
{
    size_t n;
    char *src = slurp(fixture, &n);
    size_t cap = 2 * n + 64;
    char *buf = malloc(cap);
    char path[256];
    snprintf(path, sizeof path, "/tmp/tg_fuzz_%d%s", (int)getpid(), suffix);
    tg_rng r;
    tg_rng_seed(&r, seed);
    tg_read_opts o = {.format = format, .directed = -1};
    int ok = 0, failed = 0;
    for (int i = 0; i < rounds; i++) {
        size_t len = mutate(&r, src, n, buf, cap);
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fwrite(buf, 1, len, f);
        fclose(f);
        char msg[TG_MSG_LEN] = "";
        tg_graph *g = NULL;
        tg_status s = tg_graph_read(path, &o, &g, msg);
        if (s == TG_OK) {
            assert_non_null(g);
            ok++;
        } else {
            assert_null(g);
            assert_msg_has(msg, path);
            failed++;
        }
        tg_graph_free(&g);
        TG_CHECK_NO_LEAK();
    }
    remove(path);
    /* Both outcomes must occur, or the mutations are not exercising the parser. */
    assert_true(ok > 0 && failed > 0);
    free(buf);
    free(src);
}

static void test_fuzz_graphml(void **state)
{
    (void)state;
    tg_test_install_allocator();
    fuzz_file("tests/graph/files/small.graphml", ".graphml", NULL, 3000, 1);
}

static void test_fuzz_csv(void **state)
{
    (void)state;
    tg_test_install_allocator();
    fuzz_file("tests/graph/files/small.csv", ".csv", NULL, 3000, 2);
}

static void test_fuzz_matrix(void **state)
{
    (void)state;
    tg_test_install_allocator();
    fuzz_file("tests/graph/files/sym3.csv", ".csv", "matrix", 3000, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fuzz_graphml),
        cmocka_unit_test(test_fuzz_csv),
        cmocka_unit_test(test_fuzz_matrix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
