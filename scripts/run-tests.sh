#!/bin/sh
# Run every C test binary given as arguments and every Lua test under
# tests/, then print one closing line "N passed, N failed".
# A binary that crashes or prints no cmocka summary counts as one failure.
BUILD=${BUILD:-build}
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$@"; do
    "$t" >"$log" 2>&1
    rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    p=${p:-0}
    f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" -ne 0 ]; then
        echo "FAIL $t (exit $rc)"
        cat "$log"
    else
        echo "ok   $t ($p)"
    fi
done

# Lua tests: tests/lua/run.lua runs each file and prints "lua: N passed, N failed".
if [ -x "$BUILD/twingraph" ] && [ -f tests/lua/run.lua ]; then
    "$BUILD/twingraph" tests/lua/run.lua >"$log" 2>&1
    rc=$?
    p=$(sed -n 's/^lua: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$log")
    f=$(sed -n 's/^lua: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$log")
    p=${p:-0}
    f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" -ne 0 ]; then
        echo "FAIL lua tests (exit $rc)"
        cat "$log"
    else
        echo "ok   lua tests ($p)"
    fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
