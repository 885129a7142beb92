#!/bin/bash
# bench/collect.sh: the live collector's lossless rate on loopback, beside nfcapd on the same stream.
#
#   bench/collect.sh [--seconds 30] [--rates "100000 200000 ..."] [--no-install]
#
# The 1M-flow bench capture (bench/gen_exports.py: 16 exporters, NetFlow v9 and IPFIX, ~24 flows per
# datagram) is replayed in a loop by `flowsift-cli replay --rate R --loop --duration S` (one source
# socket per exporter on 127.0.0.2-17) into `flowsift-cli collect` on 127.0.0.1, then, at the same
# rate, into `nfcapd`. Rates go up through the list until both collectors lose flows; then the
# highest rate at which flowsift lost nothing is run again at twice that rate. Loss = datagrams and
# flows the replayer sent that the collector did not store (socket buffer overflows, queue drops).
# Each trial waits until the collector has stored what it received, reads its CPU time from /proc,
# then kills it (the index build at a normal stop is measured once, on the highest lossless run).
#
# Environment: FLOWSIFT_BENCH_DATA (inputs and results, default /work/bench-data; the input is made
# if missing), FLOWSIFT_BENCH_COLLECT_BUILD (Release build, default /work/build-bench-collect).
# Results: $FLOWSIFT_BENCH_DATA/results/collect-<timestamp>.{tsv,md}. Not part of ./test.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$(cd "$HERE/.." && pwd)"
BUILD="${FLOWSIFT_BENCH_COLLECT_BUILD:-/work/build-bench-collect}"
DATA="${FLOWSIFT_BENCH_DATA:-/work/bench-data}"
PY=/usr/bin/python3
SECONDS_PER_RUN=30
RATES="100000 200000 300000 400000 500000 600000 800000 1000000"
INSTALL=1
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) SECONDS_PER_RUN="$2"; shift ;;
        --rates) RATES="$2"; shift ;;
        --no-install) INSTALL=0 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "collect.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

log() { echo "[collect $(date +%H:%M:%S)] $*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
if [ "$INSTALL" = 1 ] && ! have nfcapd && [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nfdump >&2
fi

log "building flowsift-cli (Release) in $BUILD"
cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=-g >"$BUILD.cmake.log" 2>&1
nice cmake --build "$BUILD" --target flowsift-cli -j2 >"$BUILD.build.log" 2>&1 || { tail -20 "$BUILD.build.log" >&2; exit 1; }
CLI="$BUILD/app/flowsift-cli"

INPUT="$DATA/flows-1m.pcap"
if [ ! -f "$INPUT" ]; then
    log "generating $INPUT"
    "$PY" "$HERE/gen_exports.py" --flows 1000000 --out "$DATA" --name flows-1m --formats pcap >&2
fi
mkdir -p "$DATA/results"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RAW="$DATA/results/collect-$STAMP.tsv"
WORK="$(mktemp -d "$DATA/results/.collect-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
printf 'collector\trate\tsent_datagrams\tsent_flows\treplay_flows_per_s\treceived_datagrams\tstored_flows\tlost_flows\tloss_pct\tkernel_drops\tqueue_drops\tcpu_s\tload\tstored_during_s\tpeak_queue_mb\tcatch_up_s\n' >"$RAW"
ticks="$(getconf CLK_TCK)"
cpu_of() { awk -v t="$ticks" '{printf "%.2f", ($14 + $15) / t}' "/proc/$1/stat" 2>/dev/null || echo "?"; }
load() { cut -d' ' -f1 /proc/loadavg; }

# replay RATE PORT: the replayer's summary line in $WORK/replay.txt.
replay() {
    # Exits 1 after any failed send: those datagrams count as lost below, the run goes on.
    "$CLI" replay "$INPUT" --to "127.0.0.1:$2" --rate "$1" --loop --duration "$SECONDS_PER_RUN" --quiet \
        >"$WORK/replay.txt" 2>&1 || true
    # "replayed D datagrams (F flows, B bytes) in T s: X flows/s, ..."
    read -r SENT_D SENT_F REPLAY_RATE < <(awk '/^replayed/ {gsub(/[(,]/, " "); print $2, $4, $11}' "$WORK/replay.txt")
}

# trial_flowsift RATE [stop|BUFFER_MB]: one run, appends a row. With "stop", Ctrl+C at the end and
# time the flush and index build instead of killing; a number sets --buffer-mb.
trial_flowsift() {
    local rate="$1" port=$((19000 + RANDOM % 1000)) casefile="$WORK/live.flowsift" buffer=32 name=flowsift
    case "${2:-}" in stop|"") ;; *) buffer="$2"; name="flowsift-${2}MB" ;; esac
    rm -f "$casefile" "$casefile-wal" "$casefile-shm"
    "$CLI" collect --bind 127.0.0.1 --port "$port" --db "$casefile" --status 1 --buffer-mb "$buffer" \
        >"$WORK/collect.out" 2>"$WORK/collect.err" &
    local pid=$! i=0 l
    while ! grep -q "collecting NetFlow" "$WORK/collect.err" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    grep -m1 "receive buffer" "$WORK/collect.err" >&2 || true
    l="$(load)"
    replay "$rate" "$port"
    local replayEnd during
    replayEnd="$(date +%s.%N)"
    # Flows stored while the replay ran (the writer's sustained rate): the last status line by then.
    during="$(grep '^collect:' "$WORK/collect.err" | tail -1 | sed -n 's/.*(stored \([0-9]*\)[,)].*/\1/p')"
    CATCH_UP=""
    # Wait until what arrived is stored: a newer status line with the same counts, stored == decoded.
    local status="" prev="" t=""
    for i in $(seq 1 120); do
        sleep 1.2
        status="$(grep '^collect:' "$WORK/collect.err" | tail -1)"
        local now counts flows stored
        now="$(sed -n 's/^collect: \([0-9]*\) s.*/\1/p' <<<"$status")"
        counts="$(sed 's/^collect: [0-9]* s, //; s/, [0-9]*\/s)/)/' <<<"$status")"
        flows="$(sed -n 's/.*flows \([0-9]*\) (stored.*/\1/p' <<<"$status")"
        stored="$(sed -n 's/.*(stored \([0-9]*\)[,)].*/\1/p' <<<"$status")"
        if [ -z "$CATCH_UP" ] && [ -n "$flows" ] && [ "$flows" = "$stored" ] && grep -q "queue 0.0 MB$" <<<"$status"; then
            CATCH_UP="$("$PY" -c "print(round($(date +%s.%N) - $replayEnd, 1))")"
        fi
        if [ -n "$counts" ] && [ "$counts" = "$prev" ] && [ "$now" != "$t" ] && [ "$flows" = "$stored" ]; then break; fi
        prev="$counts"
        t="$now"
    done
    local cpu
    cpu="$(cpu_of $pid)"
    if [ "${2:-}" = stop ]; then
        local t0 t1
        t0="$(date +%s.%N)"
        kill -INT "$pid"
        wait "$pid" || true
        t1="$(date +%s.%N)"
        STOP_SECONDS="$("$PY" -c "print(round($t1 - $t0, 1))")"
        STOP_FLOWS="$(awk '/collected/ {print $3}' "$WORK/collect.out")"
    else
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    local got_d got_f kdrops qdrops
    got_d="$(sed -n 's/.*datagrams \([0-9]*\), flows.*/\1/p' <<<"$status")"
    got_f="$(sed -n 's/.*(stored \([0-9]*\)[,)].*/\1/p' <<<"$status")"
    kdrops="$(sed -n 's/.*kernel drops \([0-9]*\).*/\1/p' <<<"$status")"
    qdrops="$(sed -n 's/.*queue drops \([0-9]*\),.*/\1/p' <<<"$status")"
    PEAK_QUEUE="$(sed -n 's/.*queue \([0-9.]*\) MB$/\1/p' "$WORK/collect.err" | sort -n | tail -1)"
    STORED_DURING="${during:-0}"
    row "$name" "$rate" "$got_d" "$got_f" "$kdrops" "$qdrops" "$cpu" "$l"
}

trial_nfcapd() {
    local rate="$1" port=$((20000 + RANDOM % 1000)) dir="$WORK/nfcapd"
    rm -rf "$dir" && mkdir -p "$dir/files"
    nfcapd -w "$dir/files" -b 127.0.0.1 -p "$port" -t 86400 -B 67108864 -P "$dir/nfcapd.pid" >"$dir/log" 2>&1 &
    local i=0 l pid
    while [ ! -s "$dir/nfcapd.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    sleep 0.3
    pid="$(cat "$dir/nfcapd.pid")"
    l="$(load)"
    replay "$rate" "$port"
    sleep 2
    local cpu
    cpu="$(cpu_of "$pid")"
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    local got_f
    got_f="$(nfdump -R "$dir/files" -I 2>/dev/null | awk '/^Flows:/ {print $2}')"
    PEAK_QUEUE="" STORED_DURING="" CATCH_UP=""
    row nfcapd "$rate" "" "${got_f:-0}" "" "" "$cpu" "$l"
}

# row COLLECTOR RATE RECEIVED_D STORED_F KDROPS QDROPS CPU LOAD (uses SENT_D, SENT_F, REPLAY_RATE)
row() {
    local lost=$((SENT_F - ${4:-0}))
    local pct
    pct="$("$PY" -c "print(round(100.0 * $lost / max($SENT_F, 1), 3))")"
    local sustained=""
    [ -n "${STORED_DURING:-}" ] && sustained="$("$PY" -c "print(round($STORED_DURING / $SECONDS_PER_RUN))")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$SENT_D" "$SENT_F" "$REPLAY_RATE" "$3" "$4" \
        "$lost" "$pct" "$5" "$6" "$7" "$8" "$sustained" "${PEAK_QUEUE:-}" "${CATCH_UP:-}" >>"$RAW"
    log "$1 at $2 flows/s (replayer reached $REPLAY_RATE): sent $SENT_F flows, stored $4, lost $lost ($pct %), cpu $7 s, load $8${sustained:+, stored $sustained/s while sending, queue peak ${PEAK_QUEUE:-?} MB, caught up ${CATCH_UP:-?} s after}"
    LAST_LOST=$lost
}

log "machine: $(nproc) CPUs, load $(cat /proc/loadavg | cut -d' ' -f1-3); input $INPUT; $SECONDS_PER_RUN s per run"
BEST=0
fs_lossy=0
nf_lossy=0
for rate in $RATES; do
    if [ $fs_lossy = 0 ]; then
        trial_flowsift "$rate"
        if [ "$LAST_LOST" = 0 ]; then BEST=$rate; else fs_lossy=1; fi
    fi
    if [ $nf_lossy = 0 ] && have nfcapd; then
        trial_nfcapd "$rate"
        [ "$LAST_LOST" = 0 ] || nf_lossy=1
    fi
    [ $fs_lossy = 1 ] && { [ $nf_lossy = 1 ] || ! have nfcapd; } && break
done
if [ "$BEST" -gt 0 ]; then
    double=$((BEST * 2))
    grep -q "^flowsift	$double	" "$RAW" || trial_flowsift "$double"
    if have nfcapd && ! grep -q "^nfcapd	$double	" "$RAW"; then trial_nfcapd "$double"; fi
    # nfcapd's -B 64 MB is capped by net.core.rmem_max (it asks with SO_RCVBUF); flowsift as root
    # gets its 32 MB (SO_RCVBUFFORCE). The same rate with flowsift held to 4 MB, for comparison.
    trial_flowsift "$BEST" 4
    log "once more at $BEST flows/s, stopped with Ctrl+C: flush and index build"
    STOP_SECONDS="" STOP_FLOWS=""
    trial_flowsift "$BEST" stop
fi

MD="$DATA/results/collect-$STAMP.md"
{
    echo "Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), $(date -u '+%Y-%m-%d %H:%M UTC'); flowsift at $(git -C "$SRC" rev-parse --short HEAD); $(nfcapd -V 2>/dev/null | head -1)"
    echo
    echo "| collector | rate asked (flows/s) | replayer reached | flows sent | stored | lost | loss | kernel / queue drops (datagrams) | stored/s while sending | queue peak MB | caught up after (s) | CPU-s | flows per CPU-s | load |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    tail -n +2 "$RAW" | awk -F'\t' '{fpc = ($12 > 0) ? sprintf("%.0fk", $7 / $12 / 1000) : ""; kq = ($10 == "" && $11 == "") ? "" : $10 " / " $11;
        printf "| %s | %s | %s | %s | %s | %s | %s %% | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $5, $4, $7, $8, $9, kq, $14, $15, $16, $12, fpc, $13}'
    echo
    echo "Highest lossless flowsift rate in this run: $BEST flows/s over $SECONDS_PER_RUN s. net.core.rmem_max = $(cat /proc/sys/net/core/rmem_max) (caps nfcapd's -B; flowsift uses SO_RCVBUFFORCE when it may)."
    [ -n "${STOP_SECONDS:-}" ] && echo "Ctrl+C after that run: $STOP_SECONDS s to commit the rest and build the 4 flow indexes over ${STOP_FLOWS:-?} flows."
} >"$MD"
cat "$MD"
log "results: $RAW, $MD"
