#!/bin/sh
# bench/risk_vs_scram.sh: fault-tree analysis, twingraph vs SCRAM 0.16.2, same
# files, same run.
#
#   BUILD=build sh bench/risk_vs_scram.sh [MODEL ...]
#
# Ours: build/bench/bench_risk --importance FILES (read + BDD + ZBDD minimal
# cut sets + probability + importance).  Peer: scram --bdd --probability true
# --importance true FILES (the same work; its report goes to a temporary
# file).  Wall time of each process, best of 3 (1 for runs over 10 s); SCRAM
# is stopped after BENCH_SCRAM_TIMEOUT seconds (default 120) and cea9601 is
# only given to SCRAM with BENCH_SCRAM_CEA=1 (it runs for many minutes).
# Products and probability of both are printed side by side.  Skips SCRAM
# gracefully when it is not installed.  Always exits 0.
set -u
BUILD=${BUILD:-build}
OURS=$BUILD/bench/bench_risk
TO=${BENCH_SCRAM_TIMEOUT:-120}
D=data/faulttrees
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
HAVE_SCRAM=1
command -v scram >/dev/null 2>&1 || HAVE_SCRAM=0
[ $HAVE_SCRAM = 1 ] || echo "risk bench: scram not installed (apt-get install scram): peer column skipped"

files_of() {
    case $1 in
    baobab1|baobab2) echo "$D/scram/$1.xml $D/scram/$1-basic-events.xml" ;;
    chinese) echo "$D/scram/chinese.xml $D/scram/chinese-basic-events.xml" ;;
    bscu) echo "$D/scram/BSCU.xml" ;;
    hipps) echo "$D/scram/HIPPS.xml" ;;
    smalltree) echo "$D/scram/SmallTree.xml" ;;
    lift|theatre|three_motor|two_train|ne574|common_cause) echo "$D/scram/$1.xml" ;;
    cea9601) echo "$D/scram/CEA9601.xml.gz $D/scram/CEA9601-basic-events.xml.gz" ;;
    *) echo "$D/aralia/$1.xml.gz" ;;
    esac
}

now() { date +%s.%N; }

# best wall time of N runs of a command; prints "seconds status"
timeit() {
    n=$1; shift
    best=""
    st=0
    i=0
    while [ $i -lt "$n" ]; do
        t0=$(now)
        "$@" > "$TMP/out" 2>&1
        st=$?
        t1=$(now)
        t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
        if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
        [ $st -eq 0 ] || break
        if awk -v a="$t" 'BEGIN { exit !(a > 10) }'; then break; fi
        i=$((i + 1))
    done
    echo "$best $st"
}

MODELS=${*:-"baobab1 baobab2 chinese bscu hipps lift smalltree theatre three_motor two_train ne574 common_cause baobab3 das9201 das9202 das9205 das9601 edf9201 edf9205 elf9601 ftr10 isp9601 isp9605 isp9606 jbd9601 cea9601 das9701 edfpa14b nus9601"}

printf "%-12s %12s %12s %14s %14s %10s %10s %8s\n" model "ours s" "scram s" "products" "scram prod" "P" "scram P" "speedup"
for m in $MODELS; do
    F=$(files_of "$m")
    # shellcheck disable=SC2086
    set -- $(timeit 3 timeout 600 "$OURS" --importance $F)
    ot=$1; ost=$2
    if [ "$ost" = 0 ]; then
        oprod=$(sed -n 's/.* products \([0-9]*\) .*/\1/p' "$TMP/out")
        op=$(sed -n 's/.* probability \([^ ]*\) .*/\1/p' "$TMP/out")
    else
        oprod="fail($ost)"; op="-"; ot="-"
    fi
    st="-"; sprod="-"; sp="-"; ratio="-"
    if [ $HAVE_SCRAM = 1 ] && { [ "$m" != cea9601 ] || [ "${BENCH_SCRAM_CEA:-0}" = 1 ]; }; then
        PF=""
        for f in $F; do
            case $f in
            *.gz) b=$(basename "$f" .gz); gzip -dc "$f" > "$TMP/$b"; PF="$PF $TMP/$b" ;;
            *) PF="$PF $f" ;;
            esac
        done
        # shellcheck disable=SC2086
        CCF=""
        [ "$m" = common_cause ] && CCF="--ccf true"   # SCRAM expands CCF groups only when asked
        set -- $(timeit 3 timeout "$TO" scram --bdd --probability true --importance true $CCF -o "$TMP/report.xml" $PF)
        st=$1; sst=$2
        if [ "$sst" = 0 ]; then
            sprod=$(sed -n 's/.*<sum-of-products [^>]*products="\([0-9]*\)".*/\1/p' "$TMP/report.xml" | head -1)
            sp=$(sed -n 's/.*<sum-of-products [^>]*probability="\([^"]*\)".*/\1/p' "$TMP/report.xml" | head -1)
            [ "$ot" != "-" ] && ratio=$(awk -v a="$ot" -v b="$st" 'BEGIN { printf "%.1fx", b / a }')
        elif [ "$sst" = 124 ]; then
            st=">$TO"; sprod="timeout"
            [ "$ot" != "-" ] && ratio=$(awk -v a="$ot" -v b="$TO" 'BEGIN { printf ">%.1fx", b / a }')
        else
            st="fail($sst)"
        fi
    fi
    printf "%-12s %12s %12s %14s %14s %10s %10s %8s\n" "$m" "$ot" "$st" "$oprod" "$sprod" "$op" "$sp" "$ratio"
    echo "RESULT risk_${m}_ours $ot"
    echo "RESULT risk_${m}_peer $st"
done

# nus9601 through the bottom-up ZBDD, ours then SCRAM on the same arguments:
# nus_row LABEL "OUR ARGS" "SCRAM ARGS" sets ot, oprod, ore (rare-event of
# the sets kept), st, sprod and ratio (SCRAM stopped at $TO s: ">$TO").
nus_row() {
    oargs=$2; sargs=$3
    F=$(files_of nus9601)
    # shellcheck disable=SC2086
    set -- $(timeit 1 timeout 600 "$OURS" $oargs $F)
    ot=$1; ost=$2
    oprod=$(sed -n 's/.* products \([0-9]*\) .*/\1/p' "$TMP/out"); [ "$ost" = 0 ] || { oprod="fail($ost)"; ot="-"; }
    ore=$(sed -n 's/.* rare_event \([^ ]*\) .*/\1/p' "$TMP/out")
    st="-"; sprod="-"; ratio="-"
    [ $HAVE_SCRAM = 1 ] || return 0
    gzip -dc "$F" > "$TMP/nus9601.xml"
    # shellcheck disable=SC2086
    set -- $(timeit 1 timeout "$TO" scram $sargs -o "$TMP/report.xml" "$TMP/nus9601.xml")
    st=$1; sst=$2
    if [ "$sst" = 0 ]; then
        sprod=$(sed -n 's/.*<sum-of-products [^>]*products="\([0-9]*\)".*/\1/p' "$TMP/report.xml" | head -1)
        [ "$ot" != "-" ] && ratio=$(awk -v a="$ot" -v b="$st" 'BEGIN { printf "%.2fx", b / a }')
    elif [ "$sst" = 124 ]; then
        st=">$TO"; sprod="timeout"
        [ "$ot" != "-" ] && ratio=$(awk -v a="$ot" -v b="$TO" 'BEGIN { printf ">%.1fx", b / a }')
    else
        st="fail($sst)"
    fi
}

if [ -z "${*:-}" ] || [ "${BENCH_NUS_ZBDD:-0}" = 1 ]; then
    # Minimal cut sets of order <= K (ours: bench_risk --zbdd-order K;
    # SCRAM: scram --zbdd --limit-order K), counts side by side.
    for K in ${BENCH_NUS_ORDERS:-6 7 8}; do
        nus_row "$K" "--zbdd-order $K" "--zbdd --limit-order $K"
        printf "%-12s %12s %12s %14s %14s %8s   (order <= %s, bottom-up ZBDD)\n" nus9601 "$ot" "$st" "$oprod" "$sprod" "$ratio" "$K"
        echo "RESULT risk_nus9601_order${K}_ours $ot"
        echo "RESULT risk_nus9601_order${K}_peer $st"
    done
    # Truncated the way PSA tools solve such trees: the minimal cut sets of
    # probability >= 1e-12, no order limit (ours: --zbdd-order 4000
    # --cut-off 1e-12; SCRAM 0.16.2 does not apply its cut-off: it runs the
    # full family with its default order limit 20 and is stopped).
    nus_row cut12 "--zbdd-order 4000 --cut-off 1e-12" "--zbdd --cut-off 1e-12 --probability true"
    printf "%-12s %12s %12s %14s %14s %10s %8s   (cut-off 1e-12, no order limit; P = rare-event of the sets kept)\n" nus9601 "$ot" "$st" "$oprod" "$sprod" "$ore" "$ratio"
    echo "RESULT risk_nus9601_cut12_ours $ot"
    echo "RESULT risk_nus9601_cut12_peer $st"
fi

# Prime implicants (non-coherent trees): bench_risk --prime-implicants vs
# scram --prime-implicants --bdd, same files (order limit 20, as SCRAM's
# default; das9601's first implicants have 22 literals, so both count 0
# there: the row times the same work).
PI_MODELS=${BENCH_PI_MODELS:-"nc1 nc5 nc12 das9601"}
printf "%-12s %12s %12s %14s %14s %8s   (prime implicants)\n" model "ours s" "scram s" "implicants" "scram impl" "speedup"
for m in $PI_MODELS; do
    case $m in
    nc*) F="tests/risk/golden/pi/$m.xml" ;;
    *) F=$(files_of "$m") ;;
    esac
    # shellcheck disable=SC2086
    set -- $(timeit 3 timeout 600 "$OURS" --prime-implicants $F)
    ot=$1; ost=$2
    if [ "$ost" = 0 ]; then oprod=$(sed -n 's/.* products \([0-9]*\) .*/\1/p' "$TMP/out"); else oprod="fail($ost)"; ot="-"; fi
    st="-"; sprod="-"; ratio="-"
    if [ $HAVE_SCRAM = 1 ]; then
        PF=""
        for f in $F; do
            case $f in
            *.gz) b=$(basename "$f" .gz); gzip -dc "$f" > "$TMP/$b"; PF="$PF $TMP/$b" ;;
            *) PF="$PF $f" ;;
            esac
        done
        # shellcheck disable=SC2086
        set -- $(timeit 3 timeout "$TO" scram --prime-implicants --bdd -o "$TMP/report.xml" $PF)
        st=$1; sst=$2
        if [ "$sst" = 0 ]; then
            sprod=$(sed -n 's/.*<sum-of-products [^>]*products="\([0-9]*\)".*/\1/p' "$TMP/report.xml" | head -1)
            [ "$ot" != "-" ] && ratio=$(awk -v a="$ot" -v b="$st" 'BEGIN { printf "%.1fx", b / a }')
        elif [ "$sst" = 124 ]; then
            st=">$TO"; sprod="timeout"
            [ "$ot" != "-" ] && ratio=$(awk -v a="$ot" -v b="$TO" 'BEGIN { printf ">%.1fx", b / a }')
        else
            st="fail($sst)"
        fi
    fi
    printf "%-12s %12s %12s %14s %14s %8s\n" "$m" "$ot" "$st" "$oprod" "$sprod" "$ratio"
    echo "RESULT risk_pi_${m}_ours $ot"
    echo "RESULT risk_pi_${m}_peer $st"
done
exit 0
