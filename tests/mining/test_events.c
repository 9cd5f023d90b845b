/* test_events.c: event logs grouped by column (asset, section, work
 * order), a component -> section map, and the generic alarm export
 * (column mapping, ACK/RTN rows filtered, dd/mm/yyyy times, bad rows by
 * line under both policies).  Expected values are worked out by hand from
 * the small files in tests/mining/files/ (the comments give the reasoning). */
#include "../test_util.h"

#include "mining/tg_mining.h"

/* The transactions of db as sorted text "a|b|c", in order. */
static void tx_text(const tg_txdb *db, int64_t t, char *out, size_t cap)
{
    const int32_t *it;
    int32_t n;
    tg_txdb_transaction(db, t, &it, &n);
    const char *names[16];
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_by_column),
        cmocka_unit_test(test_alarm_export),
        cmocka_unit_test(test_alarm_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
