/* test_fuzz_mining.c: seeded mutation fuzzing of the mining readers (event
 * logs, alarm exports, FIMI transactions, redundancy-allocation problems),
 * as tests/graph/test_fuzz.c does for the graph readers: every mutated
 * file is read or refused with a message naming it; no crash (ASan in
 * `make check SANITIZE=1`), no leak, no partial result on failure. */
#include "../test_util.h"

#include <unistd.h>

#include "mining/tg_mining.h"

typedef enum reader { EVENTS, EVENTS_SKIP, ALARMS, FIMI, RAP } reader;

static tg_status read_one(reader k, const char *path, char *msg, bool *got)
{
    tg_status s;
    *got = false;
    if (k == FIMI) {
        tg_txdb *db = NULL;
        s = tg_txdb_read_fimi(path, &db, msg);
        *got = db != NULL;
        tg_txdb_free(&db);
    } else if (k == RAP) {
        tg_rap *p = NULL;
        s = tg_rap_read(path, &p, msg);
        *got = p != NULL;
        tg_rap_free(&p);
    } else {
        tg_event_opts o = {.skip_bad = k == EVENTS_SKIP};
        if (k == ALARMS)
            o = (tg_event_opts){.time_col = "Time", .component_col = "Tag", .event_col = "Description",
                                .state_col = "State", .drop_states = "ACK,RTN"};
        tg_eventlog *log = NULL;
        s = tg_eventlog_read_opts(path, &o, &log, NULL, msg);
        *got = log != NULL;
        tg_eventlog_free(&log);
    }
    return s;
}

static void fuzz(const char *fixture, reader k, int rounds, uint64_t seed)
{
    tg_test_install_allocator();
    size_t n;
    char *src = tg_test_slurp(fixture, &n);
    size_t cap = 2 * n + 64;
    char *buf = malloc(cap);
    char path[256];
    snprintf(path, sizeof path, "/tmp/tg_fuzz_mining_%d.txt", (int)getpid());
    tg_rng r;
    tg_rng_seed(&r, seed);
    int ok = 0, failed = 0;
    for (int i = 0; i < rounds; i++) {
        size_t len = tg_test_mutate(&r, src, n, buf, cap);
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fwrite(buf, 1, len, f);
        fclose(f);
        char msg[TG_MSG_LEN] = "";
        bool got;
        if (read_one(k, path, msg, &got) == TG_OK) {
            assert_true(got);
            ok++;
        } else {
            assert_false(got);
            assert_msg_has(msg, path);
            failed++;
        }
        TG_CHECK_NO_LEAK();
    }
    remove(path);
    assert_true(ok > 0 && failed > 0);   /* both outcomes, or the parser is not exercised */
    free(buf);
    free(src);
}

static void test_events(void **state)
{
    (void)state;
    fuzz("tests/mining/files/events_small.csv", EVENTS, 3000, 11);
}

static void test_events_skip(void **state)
{
    (void)state;
    fuzz("tests/mining/files/events_groups.csv", EVENTS_SKIP, 3000, 12);
}

static void test_alarms(void **state)
{
    (void)state;
    fuzz("tests/mining/files/alarms_export.csv", ALARMS, 3000, 13);
}

static void test_fimi(void **state)
{
    (void)state;
    fuzz("tests/mining/files/small.dat", FIMI, 3000, 14);
}

static void test_rap(void **state)
{
    (void)state;
    fuzz("data/rap/fyffe_nm33.txt", RAP, 2000, 15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_events), cmocka_unit_test(test_events_skip), cmocka_unit_test(test_alarms),
        cmocka_unit_test(test_fimi),   cmocka_unit_test(test_rap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
