#!/bin/bash
# Regenerates the hard-case scenarios in this folder (labels/*.labels.json, exports/*.pcap.gz).
# Traffic comes from ../shared/corpus/gen_traffic.py (seeded; gen_scenario.py wraps it to add a
# distributed scan), flows from softflowd 1.1.0 reading that pcap, exactly as the corpus was made
# (../shared/corpus/make_corpus.sh): the export datagrams are captured on lo by tcpdump through
# corpus_tools.py capture. Needs root (tcpdump on lo), softflowd, tcpdump, python3.
#   apt-get install softflowd tcpdump
# The same seeds give the same traffic and labels; the export pcaps differ only in capture times
# (wall clock) and softflowd's datagram boundaries, never in flow records.
#
# usage: tests/data/scenarios/make_scenarios.sh [SCENARIO...]   (default: all)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CORPUS=${FLOWSIFT_CORPUS:-$HERE/../../../../shared/corpus}
CORPUS=$(cd "$CORPUS" && pwd)
PY=/usr/bin/python3
# softflowd writes the first 16 characters of its input path into the options record: keep it fixed.
WORK=/tmp/flowsift-scen
mkdir -p "$WORK" "$HERE/labels" "$HERE/exports"

# name | exporter (v9|ipfix) | generator arguments. Start 2026-03-02T08:00:00Z (a Monday) for all.
scenarios() {
  cat <<'LIST'
jitter4h|v9|--seed 21 --hours 4 --hosts 12 --scenarios beacon,beacon2,deadretry --beacon-jitter 0.5 --beacon-drop 0.15 --beacon2-jitter 0.35 --beacon2-drop 0.1 --dead-retry-dst 198.51.100.9 --dead-retry-port 443 --dead-retry-period 60 --dead-retry-jitter 1 --dead-retry-start 1200 --dead-retry-duration 10800 --dead-retry-retrans 2
slowscan6h|v9|--seed 22 --hours 6 --hosts 12 --scenarios hscan,vscan,exfil,deadretry --hscan-net 10.0.0.0/27 --hscan-port 3389 --hscan-start 3600 --hscan-duration 5400 --vscan-dst 10.0.0.20 --vscan-p0 20 --vscan-p1 60 --vscan-start 12600 --vscan-duration 4200 --exfil-bytes 60000000 --exfil-flows 200 --exfil-start 1800 --exfil-spread 14400 --dead-retry-start 600 --dead-retry-duration 18000
multiday3d|ipfix|--seed 23 --hours 72 --hosts 14 --web-interval 1800 --scenarios beacon2,beacon3,ddos --beacon2-period 300 --beacon2-jitter 0.2 --beacon2-drop 0 --beacon2-active-hours 9-17 --beacon3-period 21600 --beacon3-jitter 0.1 --beacon3-start 1800 --ddos-start 93600 --ddos-duration 300 --ddos-sources 200 --ddos-pkts 40
distscan2h|v9|--seed 24 --hours 2 --hosts 12 --scenarios none --distscan-sources 40 --distscan-net 10.0.0.0/24 --distscan-port 22 --distscan-start 2400 --distscan-duration 600
LIST
}

want=" $* "
scenarios | while IFS='|' read -r name exporter args; do
  [ $# -eq 0 ] || [[ "$want" == *" $name "* ]] || continue
  echo "[scenarios] $name: gen_scenario.py $args" >&2
  # shellcheck disable=SC2086
  "$PY" "$HERE/gen_scenario.py" --corpus "$CORPUS" $args --out "$WORK/$name.pcap" --labels "$WORK/$name.labels.json" >&2
  case $exporter in v9) port=2055 v=9 ;; ipfix) port=4739 v=10 ;; esac
  out="$WORK/${name}__softflowd-$exporter.pcap"
  "$PY" "$CORPUS/corpus_tools.py" capture "$out" $port -- \
    softflowd -d -a -c none -p "$WORK/softflowd.pid" -r "$WORK/$name.pcap" -n 127.0.0.1:$port -v $v >"$WORK/$name.log" 2>&1
  grep -E "^capture" "$WORK/$name.log" >&2 || true
  gzip -n -9 -c "$out" >"$HERE/exports/${name}__softflowd-$exporter.pcap.gz"
  # Labels keep the generator's metadata; the output paths in it are this script's.
  "$PY" - "$WORK/$name.labels.json" "$HERE/labels/$name.labels.json" "$name" <<'PYEOF'
import json, sys
m = json.load(open(sys.argv[1]))
m["args"]["out"] = sys.argv[3] + ".pcap"
m["args"]["labels"] = sys.argv[3] + ".labels.json"
json.dump(m, open(sys.argv[2], "w"), indent=1)
open(sys.argv[2], "a").write("\n")
PYEOF
done
ls -l "$HERE/exports" >&2
