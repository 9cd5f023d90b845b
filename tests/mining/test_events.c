/* test_events.c: event logs grouped by column (asset, section, work
 * order), a component -> section map, and the generic alarm export
 * (column mapping, ACK/RTN rows filtered, dd/mm/yyyy times, bad rows by
 * line under both policies).  Expected values are worked out by hand from
 * the small files in tests/mining/files/ (the comments give the reasoning). */
#include "../test_util.h"

#include <unistd.h>

#include "mining/tg_mining.h"

/* The transactions of db as sorted text "a|b|c", in order. */
static void tx_text(const tg_txdb *db, int64_t t, char *out, size_t cap)
{
    const int32_t *it;
    int32_t n;
    tg_txdb_transaction(db, t, &it, &n);
    const char *names[16];
    assert_true(n <= 16);
    for (int32_t k = 0; k < n && k < 16; k++) names[k] = tg_txdb_item_name(db, it[k]);
    for (int a = 1; a < n; a++)
        for (int b = a; b > 0 && strcmp(names[b - 1], names[b]) > 0; b--) {
            const char *x = names[b];
            names[b] = names[b - 1];
            names[b - 1] = x;
        }
    out[0] = '\0';
    for (int32_t k = 0; k < n; k++) {
        size_t l = strlen(out);
        snprintf(out + l, cap - l, "%s%s", k ? "|" : "", names[k]);
    }
}

static void expect_tx(const tg_txdb *db, int64_t t, const char *want)
{
    char got[512];
    tx_text(db, t, got, sizeof got);
    assert_string_equal(got, want);
}

static void test_group_by_column(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    tg_eventlog *log = NULL;
    tg_event_report rep;
    assert_int_equal(tg_eventlog_read("tests/mining/files/events_groups.csv", TG_ITEM_COMPONENT_EVENT, false, &log,
                                      &rep, msg), TG_OK);
    assert_int_equal(rep.events, 7);
    /* Every header column is kept, lower-cased. */
    assert_int_equal(tg_eventlog_columns(log), 6);
    assert_string_equal(tg_eventlog_column_name(log, 4), "asset");
    assert_string_equal(tg_eventlog_column_name(log, 5), "work_order");
    tg_txdb *db = NULL;
    int64_t un = -1;
    /* By asset (header "Asset"): compressor_1 holds C1 trip (twice) and
     * vibration, then cold_compressor_1, heat_exchanger in order of first
     * event; GHOST has no asset. */
    assert_int_equal(tg_eventlog_transactions_by(log, "ASSET", NULL, 0, &db, &un, msg), TG_OK);
    assert_int_equal(tg_txdb_count(db), 3);
    assert_int_equal(un, 1);
    expect_tx(db, 0, "C1:trip|C1:vibration");
    expect_tx(db, 1, "CC1:trip");
    expect_tx(db, 2, "HX1:alarm");
    tg_txdb_free(&db);
    /* By work order: WO-1 (00:00-00:02), WO-2, WO-3; CC1 at 05:03 has none. */
    assert_int_equal(tg_eventlog_transactions_by(log, "work_order", NULL, 0, &db, &un, msg), TG_OK);
    assert_int_equal(tg_txdb_count(db), 3);
    assert_int_equal(un, 1);
    expect_tx(db, 0, "C1:trip|CC1:trip|HX1:alarm");
    expect_tx(db, 1, "C1:trip|C1:vibration");
    expect_tx(db, 2, "GHOST:alarm");
    tg_txdb_free(&db);
    /* By asset and hour: compressor_1 at 00h and 05h, cold_compressor_1 at
     * 00h and 05h, heat_exchanger at 00h. */
    assert_int_equal(tg_eventlog_transactions_by(log, "asset", NULL, 3600, &db, &un, msg), TG_OK);
    assert_int_equal(tg_txdb_count(db), 5);
    expect_tx(db, 0, "C1:trip");
    expect_tx(db, 1, "C1:trip|C1:vibration");
    tg_txdb_free(&db);
    /* Component -> section map; GHOST is not in it. */
    const char *keys[] = {"C1", "CC1", "HX1"}, *groups[] = {"compressors", "cold box", "cold box"};
    tg_group_map map = {3, keys, groups};
    assert_int_equal(tg_eventlog_transactions_by(log, "component", &map, 0, &db, &un, msg), TG_OK);
    assert_int_equal(tg_txdb_count(db), 2);
    assert_int_equal(un, 1);
    expect_tx(db, 0, "C1:trip|C1:vibration");
    expect_tx(db, 1, "CC1:trip|HX1:alarm");
    tg_txdb_free(&db);
    /* Errors: unknown column (the message lists the columns), a key twice. */
    assert_int_equal(tg_eventlog_transactions_by(log, "plant", NULL, 0, &db, &un, msg), TG_ERR_ARG);
    assert_msg_has(msg, "no column 'plant' in the log (columns: timestamp, component, event, severity, asset, work_order)");
    assert_null(db);
    const char *dup[] = {"C1", "C1"};
    tg_group_map bad = {2, dup, groups};
    assert_int_equal(tg_eventlog_transactions_by(log, "component", &bad, 0, &db, &un, msg), TG_ERR_ARG);
    assert_msg_has(msg, "map key 'C1' given twice");
    assert_int_equal(tg_eventlog_transactions_by(log, "asset", NULL, -1, &db, &un, msg), TG_ERR_ARG);
    /* Out of memory at every allocation: clean failure, no leak.  (With
     * hourly windows: compressors 00h, 05h; cold box 00h, 05h.) */
    long base = tg_test_live;
    for (long k = 0;; k++) {
        tg_test_fail_after = k;
        tg_status st = tg_eventlog_transactions_by(log, "component", &map, 3600, &db, &un, msg);
        tg_test_fail_after = -1;
        if (st == TG_OK) {
            assert_int_equal(tg_txdb_count(db), 4);
            tg_txdb_free(&db);
            assert_int_equal(tg_test_live, base);
            break;
        }
        assert_int_equal(st, TG_ERR_NOMEM);
        assert_null(db);
        assert_int_equal(tg_test_live, base);
    }
    tg_eventlog_free(&log);
    TG_CHECK_NO_LEAK();
}

static void test_alarm_export(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    const char *path = "tests/mining/files/alarms_export.csv";
    tg_event_opts o = {.item = TG_ITEM_COMPONENT_EVENT, .time_col = "time", .component_col = "TAG",
                       .event_col = "Description", .state_col = "State", .drop_states = "ACK, RTN"};
    tg_eventlog *log = NULL;
    tg_event_report rep;
    /* Fail policy: line 7 has 31 November. */
    assert_int_equal(tg_eventlog_read_opts(path, &o, &log, &rep, msg), TG_ERR_PARSE);
    assert_msg_has(msg, "alarms_export.csv:7: timestamp '31/11/2026 08:09:00' is neither");
    assert_null(log);
    /* Skip policy: 9 data rows (line 8 is blank): ACK (line 3) and RTN
     * (line 5) filtered; line 7 (date) and line 10 (empty Tag) skipped;
     * "alm" (line 9) is not a dropped state; 5 events remain. */
    o.skip_bad = true;
    assert_int_equal(tg_eventlog_read_opts(path, &o, &log, &rep, msg), TG_OK);
    assert_int_equal(rep.rows, 9);
    assert_int_equal(rep.filtered, 2);
    assert_int_equal(rep.skipped, 2);
    assert_int_equal(rep.events, 5);
    assert_int_equal(rep.first_bad_line, 7);
    assert_int_equal(tg_eventlog_count(log), 5);
    assert_true(tg_eventlog_item_index(log, "PT-204:Low pressure, suction") >= 0);
    /* By the extra column Area, hourly: Cold box 08h {TT-101, FV-310} and
     * 09h {TT-101}; Compressor hall 08h and 09h {PT-204}. */
    tg_txdb *db = NULL;
    int64_t un = -1;
    assert_int_equal(tg_eventlog_transactions_by(log, "area", NULL, 3600, &db, &un, msg), TG_OK);
    assert_int_equal(tg_txdb_count(db), 4);
    assert_int_equal(un, 0);
    expect_tx(db, 0, "FV-310:Valve stuck|TT-101:High temperature");
    expect_tx(db, 1, "TT-101:High temperature");
    expect_tx(db, 2, "PT-204:Low pressure, suction");
    tg_txdb_free(&db);
    tg_eventlog_free(&log);
    /* A mapping naming a column the file lacks. */
    o.state_col = "Status";
    assert_int_equal(tg_eventlog_read_opts(path, &o, &log, &rep, msg), TG_ERR_PARSE);
    assert_msg_has(msg, "alarms_export.csv:1: header lacks a 'Status' column");
    /* A header and no rows: an empty log, and no transactions. */
    o.state_col = "State";
    assert_int_equal(tg_eventlog_read_opts("tests/mining/files/alarms_header_only.csv", &o, &log, &rep, msg), TG_OK);
    assert_int_equal(tg_eventlog_count(log), 0);
    assert_int_equal(tg_eventlog_transactions_by(log, "tag", NULL, 60, &db, &un, msg), TG_OK);
    assert_int_equal(tg_txdb_count(db), 0);
    tg_txdb_free(&db);
    tg_eventlog_free(&log);
    /* dd/mm/yyyy is day first, UTC, and agrees with ISO-8601. */
    double a, b;
    assert_true(tg_mining_parse_time("23/11/2026 08:00:00.25", 22, &a));
    assert_true(tg_mining_parse_time("2026-11-23T08:00:00.25Z", 23, &b));
    assert_true(a == b);
    assert_false(tg_mining_parse_time("11/23/2026 08:00:00", 19, &a));     /* month 23 */
    assert_false(tg_mining_parse_time("23/11/2026 08:00:00Z", 20, &a));
    assert_false(tg_mining_parse_time("23/11/2026T08:00:00", 19, &a));
    TG_CHECK_NO_LEAK();
}

/* Out of memory while reading an alarm export: clean failure, no leak. */
static void test_alarm_oom(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    tg_event_opts o = {.item = TG_ITEM_COMPONENT, .skip_bad = true, .time_col = "Time", .component_col = "Tag",
                       .event_col = "Description", .state_col = "State", .drop_states = "ACK,RTN"};
    tg_eventlog *log = NULL;
    tg_status st = TG_ERR_NOMEM;
    TG_OOM_LOOP(
        {
            st = tg_eventlog_read_opts("tests/mining/files/alarms_export.csv", &o, &log, NULL, msg);
            if (st == TG_OK) {
                assert_int_equal(tg_eventlog_count(log), 5);
                tg_eventlog_free(&log);
            } else {
                assert_int_equal(st, TG_ERR_NOMEM);
                assert_null(log);
            }
        },
        st == TG_OK);
    assert_int_equal(st, TG_OK);
    TG_CHECK_NO_LEAK();
}

/* Write len bytes to a scratch file; returns its path (static). */
static const char *scratch_file(const char *bytes, size_t len)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/tg_events_%d.csv", (int)getpid());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    fclose(f);
    return path;
}

/* Inputs a review found mishandled: each must be refused with its line, or
 * read as documented. */
static void test_edge_inputs(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    tg_eventlog *log = NULL;
    /* A NUL byte used to glue a line to the next one, losing a row. */
    static const char nul[] = "timestamp,component,event\n10,A,x\0junk\n20,B,y\n";
    const char *p = scratch_file(nul, sizeof nul - 1);
    assert_int_equal(tg_eventlog_read(p, TG_ITEM_COMPONENT_EVENT, true, &log, NULL, msg), TG_ERR_PARSE);
    assert_msg_has(msg, ":2: NUL byte");
    assert_null(log);
    /* More fields than the header: an unquoted comma, not a silent cut. */
    static const char extra[] = "timestamp,component,event,severity\n10,P1,Trip, high temp,3\n20,P2,trip,low\n";
    p = scratch_file(extra, sizeof extra - 1);
    assert_int_equal(tg_eventlog_read(p, TG_ITEM_COMPONENT_EVENT, false, &log, NULL, msg), TG_ERR_PARSE);
    assert_msg_has(msg, ":2: 5 fields, the header has 4");
    tg_event_report rep;
    assert_int_equal(tg_eventlog_read(p, TG_ITEM_COMPONENT_EVENT, true, &log, &rep, msg), TG_OK);
    assert_int_equal(rep.skipped, 1);
    assert_int_equal(tg_eventlog_count(log), 1);
    tg_eventlog_free(&log);
    /* Generated column names never collide with real ones. */
    static const char cols[] = "timestamp,component,event,column6,zone,\n10,A,x,1,2,3\n";
    p = scratch_file(cols, sizeof cols - 1);
    assert_int_equal(tg_eventlog_read(p, TG_ITEM_COMPONENT_EVENT, false, &log, NULL, msg), TG_OK);
    assert_int_equal(tg_eventlog_columns(log), 6);
    for (int c = 0; c < 6; c++) assert_non_null(tg_eventlog_column_name(log, c));
    assert_string_equal(tg_eventlog_column_name(log, 3), "column6");
    assert_string_equal(tg_eventlog_column_name(log, 5), "column6_2");
    tg_eventlog_free(&log);
    /* Sliding windows [t, t + w): events tied at t are all in t's window,
     * whatever order the sort left them in. */
    static const char tied[] = "timestamp,component,event\n10,B,e\n10,A,e\n30,C,e\n";
    p = scratch_file(tied, sizeof tied - 1);
    assert_int_equal(tg_eventlog_read(p, TG_ITEM_COMPONENT, false, &log, NULL, msg), TG_OK);
    tg_txdb *db = NULL;
    assert_int_equal(tg_eventlog_transactions(log, 15, TG_WINDOW_SLIDING, &db, msg), TG_OK);
    assert_int_equal(tg_txdb_count(db), 3);
    expect_tx(db, 0, "A|B");
    expect_tx(db, 1, "A|B");
    expect_tx(db, 2, "C");
    tg_txdb_free(&db);
    tg_eventlog_free(&log);
    /* Times beyond 1e12 s are not times (and would overflow window indices). */
    double t;
    assert_false(tg_mining_parse_time("1e300", 5, &t));
    assert_true(tg_mining_parse_time("1767225600", 10, &t) && t == 1767225600.0);
    remove(p);
    TG_CHECK_NO_LEAK();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_by_column),
        cmocka_unit_test(test_alarm_export),
        cmocka_unit_test(test_alarm_oom),
        cmocka_unit_test(test_edge_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
