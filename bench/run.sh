#!/bin/bash
# bench/run.sh: Flowsift decode and import benchmarks, measured side by side with tshark, nfdump
# and sqlite3's own CSV import on the same flows. Prints one table at the end; see bench/README.md.
#
#   bench/run.sh [--quick] [--head] [--no-install] [--sizes "1m 10m"] [--detect]
#
#   --quick        1M flows only (3-5 minutes). The default is 1M and 10M: about 16 min on 2 idle
#                  cores once the inputs exist (+2-5 min to generate them), most of it importing
#                  10M flows six times.
#   --no-install   do not apt-get missing tools (tshark, nfdump, sqlite3, time); the columns of the
#                  missing ones stay empty.
#   --sizes LIST   sizes to run, from 1m 2m 5m 10m 20m ... (Nm = N million flows).
#   --head         measure the committed HEAD (exported with `git archive`, bench/ copied in) instead
#                  of the working tree; also the fallback when the working tree does not build.
#   --detect       only the detector benchmark (default size 10m): every detector over the flows of
#                  a case, `flowsift-cli analyze --db CASE` under /usr/bin/time (seconds, peak RSS),
#                  then bench/detect_bench for the time of each step (sizes under 10m, or all with
#                  FLOWSIFT_BENCH_DETECT_STEPS=all). The case
#                  ($FLOWSIFT_BENCH_DETECT_CASE, default $FLOWSIFT_BENCH_DATA/cases/detect-<size>.flowsift)
#                  is imported from flows-<size>.pcap once and reused. No decode or import runs.
#
# Environment:
#   FLOWSIFT_BENCH_BUILD   build directory (default /work/build-bench; Release, Ninja when present)
#   FLOWSIFT_BENCH_DATA    generated inputs, cases and results (default /work/bench-data). Inputs
#                          are made once (bench/gen_exports.py, seeded) and reused; delete them to
#                          regenerate.
#   FLOWSIFT_BENCH_REPEAT  runs per fast decode measurement, best kept (default 5: the machine may be
#                          shared, and the best run is the least disturbed one)
#   FLOWSIFT_BENCH_CPU     CPU that single-threaded measurements are pinned to (default 1)
#
# What runs, per size (1M, 10M):
#   decode   bench/decode_bench (openFlowSource + readBatch, and CaptureReader + ExportDecoder),
#            flowsift-cli decode --format csv >/dev/null, tshark -T fields (on 10M: the 1M file,
#            whose flows are the first 1M of the 10M file), nfcapd receiving the datagrams replayed
#            over loopback to 127.0.0.1 (flows per CPU-second of nfcapd), nfdump -r of that file.
#   import   flowsift-cli import into a fresh case for the pcap, NetFlow CSV, nfdump CSV, JSON lines
#            and nfcapd-file versions of the same flows (wall and CPU time, peak RSS from
#            /usr/bin/time); bench/import_bench's phase timings of the pcap import; sqlite3 .import
#            of the same flows as CSV into a table like Flowsift's, then the index Flowsift builds at import.
#   Rates are reported per CPU-second and per wall second; flow counts are checked against the
#   generator's manifest.
# Results: $FLOWSIFT_BENCH_DATA/results/<timestamp>.{tsv,txt,md}.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$(cd "$HERE/.." && pwd)"
BUILD="${FLOWSIFT_BENCH_BUILD:-/work/build-bench}"
DATA="${FLOWSIFT_BENCH_DATA:-/work/bench-data}"
REPEAT="${FLOWSIFT_BENCH_REPEAT:-5}"
CPU="${FLOWSIFT_BENCH_CPU:-1}"
PY=/usr/bin/python3
SIZES="1m 10m"
INSTALL=1
HEAD_ONLY=0
DETECT=0
SIZES_GIVEN=0

while [ $# -gt 0 ]; do
    case "$1" in
        --quick) SIZES="1m" ;;
        --no-install) INSTALL=0 ;;
        --head) HEAD_ONLY=1 ;;
        --sizes) SIZES="$2"; SIZES_GIVEN=1; shift ;;
        --detect) DETECT=1 ;;
        -h|--help) sed -n '2,41p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

if [ "$DETECT" = 1 ] && [ "$SIZES_GIVEN" = 0 ]; then SIZES="10m"; fi
# Sizes the decode and import phases run on (none with --detect).
CODEC_SIZES="$SIZES"
[ "$DETECT" = 0 ] || CODEC_SIZES=""

log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

# Pin single-threaded measurements to one CPU when taskset works (targets are per core).
PIN=()
if have taskset && taskset -c "$CPU" true 2>/dev/null; then PIN=(taskset -c "$CPU"); fi

# --- tools -----------------------------------------------------------------------------------
if [ "$INSTALL" = 1 ]; then
    missing=()
    have tshark || missing+=(tshark)
    have nfdump || missing+=(nfdump)
    have sqlite3 || missing+=(sqlite3)
    [ -x /usr/bin/time ] || missing+=(time)
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        if [ "$(id -u)" = 0 ]; then
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq >&2 || true
            apt-get install -y -qq "${missing[@]}" >&2
        else
            echo "run.sh: missing ${missing[*]} (run as root, or install them)" >&2
        fi
    fi
fi
[ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time is required (apt-get install time)" >&2; exit 1; }

# --- build -----------------------------------------------------------------------------------
# The working tree is what gets measured. Other people edit it at the same time: when it does not
# build (a half-written file), the committed HEAD is exported with `git archive` (read-only for
# git) next to the build directory, bench/ is copied in, and that is measured instead (the report
# says which).
build_tree() { # source dir, build dir
    local gen=()
    if [ ! -f "$2/CMakeCache.txt" ] && have ninja; then gen=(-G Ninja); fi
    # -g: debug info only (same code), so that perf can name file:line on these very binaries.
    cmake -S "$1" -B "$2" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=-g -DFLOWSIFT_BUILD_BENCH=ON \
        >"$2.cmake.log" 2>&1 \
        && cmake --build "$2" --target decode_bench import_bench detect_bench flowsift-cli -j2 >"$2.build.log" 2>&1
}
BUILT="working tree"
BUILT_COMMIT="$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ "$HEAD_ONLY" = 1 ] || ! { log "building decode_bench and flowsift-cli (Release) in $BUILD"; build_tree "$SRC" "$BUILD"; }; then
    [ "$HEAD_ONLY" = 1 ] || grep -m5 -B2 'error' "$BUILD.build.log" "$BUILD.cmake.log" >&2 || true
    SNAP="$BUILD-head-src"
    head="$(git -C "$SRC" rev-parse HEAD)"
    log "measuring a snapshot of HEAD ${head:0:7} ($SNAP)"
    if [ "$(cat "$SNAP/.bench-head" 2>/dev/null)" != "$head" ]; then
        rm -rf "$SNAP" && mkdir -p "$SNAP"
        git -C "$SRC" archive HEAD | tar -x -C "$SNAP"
        echo "$head" >"$SNAP/.bench-head"
    fi
    # Copy bench/ file by file, only what changed (unchanged files keep their time: no rebuild).
    mkdir -p "$SNAP/bench"
    for f in "$HERE"/*; do
        [ -f "$f" ] || continue
        cmp -s "$f" "$SNAP/bench/${f##*/}" || cp "$f" "$SNAP/bench/"
    done
    grep -q 'add_subdirectory(bench)' "$SNAP/CMakeLists.txt" || printf '%s\n' \
        'option(FLOWSIFT_BUILD_BENCH "Build benchmarks" ON)' 'if(FLOWSIFT_BUILD_BENCH)' '  add_subdirectory(bench)' \
        'endif()' >>"$SNAP/CMakeLists.txt"
    BUILD="$BUILD-head"
    build_tree "$SNAP" "$BUILD" || { tail -30 "$BUILD.build.log" >&2; exit 1; }
    BUILT="HEAD snapshot"
    BUILT_COMMIT="${head:0:7}"
    [ "$HEAD_ONLY" = 1 ] || BUILT="HEAD snapshot (the working tree did not build)"
fi
BENCH="$BUILD/bench/decode_bench"
IMPORT_BENCH="$BUILD/bench/import_bench"
DETECT_BENCH="$BUILD/bench/detect_bench"
CLI="$BUILD/app/flowsift-cli"

mkdir -p "$DATA/results" "$DATA/cases"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RAW="$DATA/results/$STAMP.tsv"
: >"$RAW"
put() { printf '%s\t%s\n' "$1" "$2" >>"$RAW"; }

# Context for the report: the machine and the state of the tree that was built.
put machine.nproc "$(nproc)"
put machine.cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
put machine.ram_gb "$(awk '/MemTotal/ {printf "%.1f", $2/1048576}' /proc/meminfo)"
put machine.date "$(date -u '+%Y-%m-%d %H:%M UTC')"
put tree.head "$BUILT_COMMIT"
put tree.built "$BUILT"
put tree.dirty "$(git -C "$SRC" --no-optional-locks status --porcelain 2>/dev/null | grep -v ' bench/' | awk '{print $2}' | tr '\n' ' ')"
put tools.tshark "$(tshark -v 2>/dev/null | head -1 || true)"
put tools.nfdump "$(nfdump -V 2>/dev/null | head -1 || true)"
put tools.sqlite3 "$(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || true)"
put pin "${PIN[*]:-none}"

flows_of() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["flows"])' "$1"; }
num() { "$PY" -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m[sys.argv[2]])' "$1" "$2"; }
calc() { "$PY" -c "print($1)"; }
TMP="$DATA/results/.tmp-$$"
mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT

# measure KEY FLOWS CMD...: runs CMD under /usr/bin/time (stdout to $MEASURE_OUT, /dev/null unless
# set) and records the rate
# per wall second (KEY), per CPU-second of user+sys time (KEY.cpu: on a shared machine other
# processes stretch wall time but not this one's CPU time), seconds and peak RSS.
measure() {
    local key="$1" flows="$2"
    shift 2
    if ! /usr/bin/time -f "%e %U %S %M" -o "$TMP/time" "$@" >"${MEASURE_OUT:-/dev/null}" 2>"$TMP/err"; then
        put "$key.mismatch" "failed: $(grep -v '^Command exited' "$TMP/err" | head -1)"
        return 1
    fi
    local wall user sys rss
    read -r wall user sys rss <"$TMP/time"
    put "$key" "$(calc "round($flows / max($wall, 0.001))")"
    put "$key.cpu" "$(calc "round($flows / max($user + $sys, 0.001))")"
    put "$key.seconds" "$wall"
    put "$key.cpu_s" "$(calc "round($user + $sys, 2)")"
    put "$key.rss_mb" "$(calc "round($rss / 1024, 1)")"
}
pressure() { awk '/^some/ {sub("avg60=", "", $3); print $3 "%"}' /proc/pressure/cpu 2>/dev/null || echo "?"; }
note_load() { put "load.$1" "loadavg $(cut -d' ' -f1 /proc/loadavg), CPU pressure $(pressure)"; }

# --- inputs ----------------------------------------------------------------------------------
for size in $SIZES; do
    n="${size%m}"
    stem="$DATA/flows-$size"
    if [ ! -f "$stem.manifest.json" ]; then
        log "generating $size flows into $stem.* (seeded, stdlib Python)"
        "$PY" "$HERE/gen_exports.py" --flows $((n * 1000000)) --out "$DATA" --name "flows-$size" >&2
    fi
done
if [ -n "$CODEC_SIZES" ] && [ "$SIZES" != 1m ] && [ ! -f "$DATA/flows-1m.manifest.json" ]; then
    # tshark's subset for the larger sizes: the first 1M flows of the same stream.
    "$PY" "$HERE/gen_exports.py" --flows 1000000 --out "$DATA" --name flows-1m --formats pcap >&2
fi

# nfcapd file of a pcap's flows: replays the datagrams over loopback into nfcapd and records the
# CPU time nfcapd spent (its decode rate). Made on every run (about 1 s per million flows, paced),
# checked against the manifest; the file is then read by nfdump and imported by Flowsift.
make_nfcapd() {
    local size="$1" stem="$DATA/flows-$1" dir="$DATA/nfcapd-$1" want pps=40000 got attempt
    want="$(flows_of "$stem.manifest.json")"
    for attempt in 1 2 3; do
        rm -rf "$dir" && mkdir -p "$dir/files"
        local port=$((19000 + RANDOM % 1000))
        /usr/bin/time -f "%e %U %S %M" -o "$dir/time.txt" \
            nfcapd -w "$dir/files" -b 127.0.0.1 -p "$port" -t 86400 -B 67108864 -P "$dir/nfcapd.pid" \
            >"$dir/nfcapd.log" 2>&1 &
        local timepid=$! i=0
        while [ ! -s "$dir/nfcapd.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        sleep 0.3
        "$PY" "$HERE/replay_udp.py" "$stem.pcap" --port "$port" --pps "$pps" >"$dir/replay.txt"
        sleep 1
        kill -TERM "$(cat "$dir/nfcapd.pid")" 2>/dev/null || true
        wait "$timepid" || true
        got="$(nfdump -R "$dir/files" -I 2>/dev/null | awk '/^Flows:/ {print $2}')"
        if [ "$got" = "$want" ]; then
            local wall user sys rss
            read -r wall user sys rss <"$dir/time.txt"
            printf 'flows\t%s\ncpu_s\t%s\nrss_kb\t%s\npps\t%s\n' "$got" "$(calc "round($user + $sys, 3)")" \
                "$rss" "$pps" >"$dir/ingest.tsv"
            return 0
        fi
        log "nfcapd stored ${got:-0} of $want flows at $pps datagrams/s; retrying slower"
        pps=$((pps / 2))
    done
    log "nfcapd could not ingest all flows of $size; nfdump columns stay empty"
    return 1
}

# --- decode ----------------------------------------------------------------------------------
for size in $CODEC_SIZES; do
    stem="$DATA/flows-$size"
    want="$(flows_of "$stem.manifest.json")"
    put "input.$size.flows" "$want"
    put "input.$size.pcap_mb" "$(calc "round(__import__('os').path.getsize('$stem.pcap') / 1e6)")"
    put "input.$size.datagrams" "$(num "$stem.manifest.json" datagrams)"
    wbytes="$(num "$stem.manifest.json" bytes)"
    note_load "$size.decode"

    for mode in source direct; do
        log "decode $size: decode_bench --mode $mode (best of $REPEAT)"
        line="$("${PIN[@]}" "$BENCH" "$stem.pcap" --mode "$mode" --repeat "$REPEAT")"
        echo "  $line" >&2
        field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<" $line"; }
        put "decode.$size.flowsift_$mode" "$(field flows_per_s)"
        put "decode.$size.flowsift_$mode.cpu" "$(field flows_per_cpu_s)"
        put "decode.$size.flowsift_$mode.rss_mb" "$(field vmhwm_mb)"
        if [ "$(field flows)" != "$want" ] || [ "$(field bytes)" != "$wbytes" ]; then
            put "decode.$size.flowsift_$mode.mismatch" "flows $(field flows)/$want bytes $(field bytes)/$wbytes"
        fi
    done

    log "decode $size: flowsift-cli decode --format csv >/dev/null"
    measure "decode.$size.flowsift_cli_csv" "$want" "${PIN[@]}" "$CLI" decode "$stem.pcap" --format csv || true

    if have tshark; then
        tstem="$stem" twant="$want"
        if [ "$size" != 1m ]; then
            tstem="$DATA/flows-1m" twant="$(flows_of "$DATA/flows-1m.manifest.json")"
            put "decode.$size.tshark_subset" "1m"
        fi
        log "decode $size: tshark -T fields on ${tstem##*/}.pcap"
        MEASURE_OUT="$TMP/out" measure "decode.$size.tshark" "$twant" "${PIN[@]}" tshark -n -r "$tstem.pcap" \
            -d udp.port==2055,cflow -d udp.port==4739,cflow -T fields \
            -e cflow.srcaddr -e cflow.srcaddrv6 -e cflow.dstaddr -e cflow.dstaddrv6 -e cflow.srcport \
            -e cflow.dstport -e cflow.protocol -e cflow.octets -e cflow.packets -e cflow.timestart \
            -e cflow.timeend -e cflow.abstimestart -e cflow.abstimeend -E occurrence=a -E aggregator=, || true
        # Records decoded = values of cflow.protocol (every template has it).
        tgot="$(awk -F'\t' '{n += split($7, a, ",")} END {print n + 0}' "$TMP/out")"
        [ "$tgot" = "$twant" ] || put "decode.$size.tshark.mismatch" "flows $tgot/$twant"
        : >"$TMP/out"
    fi

    if have nfcapd && have nfdump; then
        log "decode $size: nfcapd ingest (replay over loopback), nfdump -r"
        if make_nfcapd "$size"; then
            dir="$DATA/nfcapd-$size"
            cpu="$(awk '$1 == "cpu_s" {print $2}' "$dir/ingest.tsv")"
            put "decode.$size.nfcapd.cpu" "$(calc "round($want / max($cpu, 0.001))")"
            put "decode.$size.nfcapd.rss_mb" "$(awk '$1 == "rss_kb" {printf "%.1f", $2 / 1024}' "$dir/ingest.tsv")"
            # One run: formatting csv runs at ~100k flows/s, far above the noise.
            measure "decode.$size.nfdump_csv" "$want" "${PIN[@]}" nfdump -R "$dir/files" -q -o csv || true
            measure "decode.$size.nfdump_read" "$want" "${PIN[@]}" nfdump -R "$dir/files" -q -s proto || true
        fi
    fi
done

# --- import ----------------------------------------------------------------------------------
SQLITE_SCHEMA="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
CREATE TABLE flows(
  import_id INTEGER NOT NULL, exporter_id INTEGER, version INTEGER NOT NULL,
  start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL, src BLOB NOT NULL, dst BLOB NOT NULL,
  src_port INTEGER NOT NULL, dst_port INTEGER NOT NULL, proto INTEGER NOT NULL,
  tcp_flags INTEGER NOT NULL, tos INTEGER NOT NULL, bytes INTEGER NOT NULL, packets INTEGER NOT NULL,
  rev_bytes INTEGER NOT NULL, rev_packets INTEGER NOT NULL, sampling INTEGER NOT NULL,
  in_if INTEGER NOT NULL, out_if INTEGER NOT NULL, extra TEXT);"
# The index an import ends with (FlowStore kImportIndexes; host/port lookup indexes come later, on
# first use).
SQLITE_INDEXES="BEGIN;
CREATE INDEX flows_start ON flows(start_ms);
COMMIT;"

for size in $CODEC_SIZES; do
    stem="$DATA/flows-$size"
    want="$(flows_of "$stem.manifest.json")"
    note_load "$size.import"
    for fmt in pcap netflow.csv nfdump.csv jsonl nfcapd; do
        input="$stem.$fmt"
        if [ "$fmt" = nfcapd ]; then
            # nfdump's own binary file (made above), when this Flowsift reads them.
            input="$(ls "$DATA/nfcapd-$size/files/"nfcapd.* 2>/dev/null | head -1 || true)"
            [ -n "$input" ] || continue
        fi
        key="import.$size.${fmt%.*}"
        db="$DATA/cases/import-$size-${fmt%.*}.flowsift"
        rm -f "$db" "$db-wal" "$db-shm"
        log "import $size $fmt"
        if ! measure "$key" "$want" "$CLI" import "$input" --db "$db"; then
            if [ "$fmt" = nfcapd ]; then
                log "  this build does not import nfcapd files ($(head -c 150 "$TMP/err"))"
                sed -i "/^$key.mismatch/d" "$RAW"
            else
                cat "$TMP/err" >&2
            fi
            rm -f "$db" "$db-wal" "$db-shm"
            continue
        fi
        got="$(sqlite3 "$db" 'SELECT count(*) FROM flows' 2>/dev/null || echo "?")"
        [ "$got" = "$want" ] || put "$key.mismatch" "flows in case $got/$want"
        put "$key.db_mb" "$(calc "round(__import__('os').path.getsize('$db') / 1e6)")"
        rm -f "$db" "$db-wal" "$db-shm"
    done

    # Where the pcap import's time goes: the same steps as FlowImporter, timed one by one.
    log "import $size pcap: phases (import_bench)"
    line="$("$IMPORT_BENCH" "$stem.pcap" "$DATA/cases/phases-$size.flowsift" || true)"
    echo "  $line" >&2
    for f in hash_s read_s insert_s commit_s total_s; do
        put "phases.$size.$f" "$(sed -n "s/.* $f=\([0-9.]*\).*/\1/p" <<<" $line")"
    done
    rm -f "$DATA/cases/phases-$size.flowsift"*

    if have sqlite3; then
        db="$DATA/cases/sqlite-$size.db"
        rm -f "$db" "$db-wal" "$db-shm"
        sqlite3 "$db" "$SQLITE_SCHEMA" >/dev/null
        log "import $size: sqlite3 .import of the same flows as CSV, then Flowsift's indexes"
        measure "import.$size.sqlite_import" "$want" sqlite3 "$db" -cmd "PRAGMA synchronous=NORMAL" \
            ".import --csv --skip 1 $stem.sqlite.csv flows" || true
        measure "import.$size.sqlite_indexes" "$want" sqlite3 "$db" -cmd "PRAGMA synchronous=NORMAL" \
            "$SQLITE_INDEXES" || true
        got="$(sqlite3 "$db" 'SELECT count(*) FROM flows')"
        [ "$got" = "$want" ] || put "import.$size.sqlite_import.mismatch" "rows $got/$want"
        rm -f "$db" "$db-wal" "$db-shm"
    fi
done

# --- detect ----------------------------------------------------------------------------------
# Every detector over the flows in a case: what `flowsift-cli analyze --db CASE` costs once the flows
# are stored (load, conversations, detectors, findings written back). The case is made once.
if [ "$DETECT" = 1 ]; then
    for size in $SIZES; do
        stem="$DATA/flows-$size"
        want="$(flows_of "$stem.manifest.json")"
        case="${FLOWSIFT_BENCH_DETECT_CASE:-$DATA/cases/detect-$size.flowsift}"
        put "detect.$size.flows" "$want"
        put "detect.$size.case" "$case"
        have_rows="$(sqlite3 "$case" 'SELECT count(*) FROM flows' 2>/dev/null || echo 0)"
        if [ "$have_rows" != "$want" ]; then
            rm -f "$case" "$case-wal" "$case-shm"
            log "detect $size: importing flows-$size.pcap into $case (once; reused by later runs)"
            measure "detect.$size.case_import" "$want" "$CLI" import "$stem.pcap" --db "$case" || { cat "$TMP/err" >&2; exit 1; }
        fi
        note_load "$size.detect"
        log "detect $size: flowsift-cli analyze --db $case"
        if measure "detect.$size.analyze" "$want" "$CLI" analyze --db "$case" --quiet --output "$TMP/detect.json"; then
            put "detect.$size.findings" "$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$TMP/detect.json")"
        else
            cat "$TMP/err" >&2
        fi
        # detect_bench runs every detector twice (alone, then all together): on the smaller sizes
        # only, unless FLOWSIFT_BENCH_DETECT_STEPS=all.
        if [ "${FLOWSIFT_BENCH_DETECT_STEPS:-small}" = all ] || [ "${size%m}" -lt 10 ]; then
            log "detect $size: detect_bench (each step alone)"
            line="$("$DETECT_BENCH" "$case" || true)"
            echo "  $line" >&2
            for kv in $line; do put "detect.$size.steps.${kv%%=*}" "${kv#*=}"; done
        fi
    done
fi

# --- report ----------------------------------------------------------------------------------
"$PY" "$HERE/report.py" "$RAW" --text "$DATA/results/$STAMP.txt" --markdown "$DATA/results/$STAMP.md"
log "results: $DATA/results/$STAMP.{tsv,txt,md}"
