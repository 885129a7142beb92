#!/bin/sh
# Event-loop stalls of the flows table, timeline and host drill-downs with a
# 1M-flow case open (issue 6: none over 100 ms). Makes the case once from the
# bench capture with flowsift-cli import, then runs bench/gui_stall offscreen
# (or under Xvfb when xvfb-run is there and FLOWSIFT_BENCH_XVFB=1).
#   bench/gui_stall.sh [BUILD_DIR] [CAPTURE]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
capture=${2:-/work/bench-data/flows-1m.pcap}
cases=/work/bench-data/cases
name=$(basename "$capture" .pcap)
case_file=$cases/$name.flowsift
mkdir -p "$cases"
if [ ! -f "$case_file" ]; then
    echo "importing $capture into $case_file"
    "$build/app/flowsift-cli" import "$capture" --db "$case_file"
fi
if [ "${FLOWSIFT_BENCH_XVFB:-0}" = 1 ] && command -v xvfb-run >/dev/null; then
    exec xvfb-run -a -s "-screen 0 1600x1000x24" "$build/bench/gui_stall" "$case_file" --hosts 6
fi
QT_QPA_PLATFORM=offscreen exec "$build/bench/gui_stall" "$case_file" --hosts 6
