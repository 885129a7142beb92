#!/usr/bin/env bash
# Runs every libFuzzer target of a FLOWSIFT_FUZZ build for a bounded time and
# fails on any crash, leak, timeout or out-of-memory. Seeds come from the
# reference corpus (../shared/corpus, ../shared/labeled), tests/data and the
# kept regressions (tests/data/fuzz-regressions/<target>/); each run starts
# from them afresh. Writes BUILD_DIR/fuzz/summary.md (runs, cov, ft per target).
#   tools/fuzz.sh BUILD_DIR [SECONDS_PER_TARGET]
# FLOWSIFT_FUZZ_JOBS targets run at once (default: the number of cores).
set -euo pipefail

build="$(cd "${1:?usage: $0 BUILD_DIR [SECONDS]}" && pwd)"
seconds="${2:-${FLOWSIFT_FUZZ_SECONDS:-45}}"
jobs="${FLOWSIFT_FUZZ_JOBS:-$(nproc)}"
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="$root/../shared"
data="$root/tests/data"
work="$build/fuzz/work"
targets=(export_decoder capture_reader json_lines csv nfdump_file flow_filter)

rm -rf "$work"
for t in "${targets[@]}"; do
  [ -x "$build/fuzz/fuzz_$t" ] || { echo "fuzz: $build/fuzz/fuzz_$t not built (configure with -DFLOWSIFT_FUZZ=ON)" >&2; exit 1; }
  mkdir -p "$work/seeds/$t" "$work/corpus/$t" "$work/artifacts/$t"
  if [ -d "$data/fuzz-regressions/$t" ]; then cp "$data/fuzz-regressions/$t"/* "$work/seeds/$t/" 2>/dev/null || true; fi
done

# Sample a text file (plain or gzip): its first lines, a small valid input.
head_of() { zcat -f "$1" | head -n "${2:-40}" | head -c 4000 > "$3" || true; }
n=0
pcaps=("$shared"/corpus/exports/*.pcap "$data"/vendor/*/*.pcap)
"$build/fuzz/fuzz_decoder_seeds" "$work/seeds/export_decoder" "${pcaps[@]}" >/dev/null
for f in "${pcaps[@]}"; do
  head -c 65536 "$f" > "$work/seeds/capture_reader/$(basename "$f")" # a capture cut short is a capture
done
gzip -c "$data/vendor/logstash/ctx10_IPFIX.pcap" > "$work/seeds/capture_reader/ctx10_IPFIX.pcap.gz"
for f in "$shared"/corpus/json/*.json.gz "$shared"/labeled/slips/test9-mixed-zeek-dir/conn.log \
         "$shared"/labeled/slips/port-scans/vertical/conn.log; do
  head_of "$f" 30 "$work/seeds/json_lines/$((n++)).json"
done
for f in "$data"/nfdump/*.csv.gz "$shared"/labeled/slips/*.binetflow "$shared"/labeled/slips/port-scans/horizontal/conn.log \
         "$shared"/corpus/reference/enterprise4h__softflowd-v9.nfdump.csv.gz; do
  head_of "$f" 40 "$work/seeds/csv/$((n++)).csv"
done
cp "$data"/nfdump/*.nfcapd "$work/seeds/nfdump_file/"
i=0
for e in "src host 10.0.5.23 and dst port 443" "net 10.0.0.0/8 or net 2001:db8::/32" "not (port 53 or port 123)" \
         "proto udp and bytes > 1M" "flags S and not flags A" "dst port in [ 22 80 443 ]" "src net 10.0.0.0 255.255.0.0" \
         "packets >= 3 && duration < 1000 || inet6" "exporter 192.0.2.1 and any"; do
  printf '%s' "$e" > "$work/seeds/flow_filter/$((i++)).txt"
done
for t in "${targets[@]}"; do
  find "$work/seeds/$t" -type f -empty -delete
done

# Short inputs run fast and find most bugs: text lines are short, a datagram
# is at most 64 KiB (and a dozen of them fill the decoder's inputs).
max_len() {
  case "$1" in
    capture_reader|nfdump_file) echo 65536 ;;
    export_decoder) echo 16384 ;;
    *) echo 4096 ;;
  esac
}

run() {
  local t="$1" rc=0
  # Leaks and undefined behaviour are failures; a unit slower than 10 s is a hang.
  ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$t")" \
    -print_final_stats=1 -artifact_prefix="$work/artifacts/$t/" "$work/corpus/$t" "$work/seeds/$t" \
    >"$work/$t.log" 2>&1 || rc=$?
  echo "$rc" >"$work/$t.status"
}

echo "fuzz: ${#targets[@]} targets, ${seconds} s each, $jobs at a time"
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 1; done
  run "$t" &
done
wait
failed=()
for t in "${targets[@]}"; do
  [ "$(cat "$work/$t.status" 2>/dev/null)" = 0 ] || failed+=("$t")
done

summary="$build/fuzz/summary.md"
{
  echo "| target | runs | exec/s | cov | ft | corpus |"
  echo "|---|---:|---:|---:|---:|---:|"
  for t in "${targets[@]}"; do
    log="$work/$t.log"
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    speed="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
    last="$(grep -E '^#[0-9]+' "$log" | grep ' cov: ' | tail -1)"
    cov="$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')"
    ft="$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')"
    corp="$(echo "$last" | sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p')"
    echo "| $t | ${runs:-?} | ${speed:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} |"
  done
} > "$summary"
cat "$summary"

if [ ${#failed[@]} -gt 0 ]; then
  for t in "${failed[@]}"; do
    echo "fuzz: $t FAILED; the end of its log ($work/$t.log):" >&2
    grep -v '^#[0-9]' "$work/$t.log" | tail -40 >&2
    ls -l "$work/artifacts/$t" >&2
  done
  echo "fuzz: keep each input of $work/artifacts/<target>/ in tests/data/fuzz-regressions/<target>/ with its fix" >&2
  exit 1
fi
echo "fuzz: every target ran ${seconds} s without a crash, leak or timeout"
