#!/usr/bin/env bash
# Screenshots of every view on the corpus scenario, into docs/screenshots/.
# Builds nothing: runs the built `flowsift --screenshots` (app/gui/ScreenshotTour)
# under Xvfb, with settings and cases in a scratch home so that neither the
# user's layout nor their preferences show in the pictures.
#
#   tools/screenshots.sh [BUILD_DIR] [CAPTURE]
#
# BUILD_DIR defaults to build/, CAPTURE to the bundled sample (the labelled
# enterprise4h scenario: beacon 10.0.5.23, scans from 10.0.8.14, …).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
capture="${2:-$root/resources/sample/enterprise4h__softflowd-v9.pcap}"
out="${FLOWSIFT_SCREENSHOT_DIR:-$root/docs/screenshots}"
binary="$build/app/flowsift"

[ -x "$binary" ] || { echo "screenshots: $binary not built (cmake --build $build)" >&2; exit 1; }
[ -f "$capture" ] || { echo "screenshots: $capture not found" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "screenshots: xvfb-run missing (apt-get install xvfb xauth)" >&2; exit 1; }

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$out"

# A fixed font and scale, UTC, the xcb platform with no desktop theme: the same pictures on every machine.
env -u QT_QPA_PLATFORMTHEME -u QT_SCALE_FACTOR \
  HOME="$scratch" XDG_CONFIG_HOME="$scratch/.config" XDG_DATA_HOME="$scratch/.local/share" XDG_CACHE_HOME="$scratch/.cache" \
  TZ=UTC QT_QPA_PLATFORM=xcb QT_STYLE_OVERRIDE=Fusion \
  xvfb-run -a -s "-screen 0 1600x1000x24 -dpi 96" \
  "$binary" --screenshots "$out" "$capture"
echo "screenshots: written to $out"
