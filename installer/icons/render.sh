#!/usr/bin/env bash
# Renders the hicolor PNGs from flowsift.svg (Debian: librsvg2-bin). Run after
# changing the SVG and commit the PNGs: the build does not need the renderer.
set -euo pipefail
cd "$(dirname "$0")"
for size in 16 22 24 32 48 64 128 256; do
  mkdir -p "${size}x${size}"
  rsvg-convert -w "$size" -h "$size" flowsift.svg -o "${size}x${size}/flowsift.png"
done
