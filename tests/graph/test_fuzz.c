/* test_fuzz.c: seeded mutation fuzzing of every reader.  Each good fixture
 * is mutated (byte flips, insertions of syntax characters, truncation,
 * duplicated spans) a few thousand times; every read must either succeed or
 * fail with a message naming the file, never crash (run under ASan by
 * `make check SANITIZE=1`) and never leak library memory. */
#include "../test_util.h"

#include <stdio.h>
#include <unistd.h>

#include "graph/tg_graph.h"

static void fuzz_file(const char *fixture, const char *suffix, const char *format, int rounds,
                      uint64_t seed)
{
    size_t n;
    char *src = tg_test_slurp(fixture, &n);
    size_t cap = 2 * n + 64;
    char *buf = malloc(cap);
    char path[256];
    snprintf(path, sizeof path, "/tmp/tg_fuzz_%d%s", (int)getpid(), suffix);
    tg_rng r;
    tg_rng_seed(&r, seed);
    tg_read_opts o = {.format = format, .directed = -1};
    int ok = 0, failed = 0;
    for (int i = 0; i < rounds; i++) {
        size_t len = tg_test_mutate(&r, src, n, buf, cap);
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
