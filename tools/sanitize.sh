#!/usr/bin/env bash
# The checked build: everything, tests included, built by clang with
# AddressSanitizer and UndefinedBehaviorSanitizer (any undefined behaviour or
# leak fails the test that shows it) and libFuzzer's instrumentation, which also
# builds the fuzz targets for tools/fuzz.sh. Runs the whole test suite there.
#   tools/sanitize.sh [BUILD_DIR]     (default: build-asan in the checkout)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build-asan}"
# -O1 keeps the sanitized tests quick; line tables are enough for the stack traces.
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DFLOWSIFT_FUZZ=ON -DFLOWSIFT_BUILD_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=None "-DCMAKE_CXX_FLAGS=-O1 -gline-tables-only" >/dev/null
cmake --build "$build" -j"$(nproc)"

cd "$build"
# Suppressions only for third-party leaks (tools/lsan.supp, each with its reason),
# never for one of ours.
export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:check_initialization_order=1"
export LSAN_OPTIONS="suppressions=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lsan.supp"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j"$(nproc)"
