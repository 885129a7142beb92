#!/usr/bin/env bash
# Installs the Debian 12 packages Flowsift needs (only those missing), then
# configures and builds. Sourced by ./run and ./test.
set -euo pipefail

FLOWSIFT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FLOWSIFT_BUILD="${FLOWSIFT_BUILD:-$FLOWSIFT_ROOT/build}"

FLOWSIFT_PACKAGES=(
  build-essential cmake pkg-config
  qt6-base-dev qt6-base-dev-tools libgl-dev libqcustomplot-dev
  libsqlite3-dev nlohmann-json3-dev libpcap-dev zlib1g-dev
  liblzo2-dev libbz2-dev liblz4-dev libzstd-dev libssl-dev python3-jsonschema
  fonts-dejavu-core xvfb xauth
  netbase # /etc/services: service names of the overview's top ports (ui/util/ServiceNames)
  poppler-utils # pdftotext, pdfinfo: the PDF report tests read the report back (tests/report)
  softflowd nfdump # real exporters for the collector tests (tests/collect/tst_realexporters)
)
# The full checks (./test under CI=true or FLOWSIFT_FULL=1): clang's sanitizers
# and libFuzzer, and what building and checking the Debian package needs
# (file for CPack's dpkg-shlibdeps step, appstreamcli, desktop-file-validate, man).
FLOWSIFT_CHECK_PACKAGES=(
  clang libclang-rt-14-dev
  file appstream desktop-file-utils man-db
)

flowsift_install_packages() {
  local missing=()
  for p in "${FLOWSIFT_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "flowsift: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

flowsift_build() {
  cmake -S "$FLOWSIFT_ROOT" -B "$FLOWSIFT_BUILD" -DCMAKE_BUILD_TYPE="${FLOWSIFT_BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
  cmake --build "$FLOWSIFT_BUILD" -j"$(nproc)"
}
