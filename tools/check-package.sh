#!/usr/bin/env bash
# Builds the Debian package and the tarball from a configured build directory,
# checks what they hold, installs the .deb with apt-get, runs the installed
# programs on the installed sample, and removes the package again.
#   tools/check-package.sh BUILD_DIR
# Installing needs root; without it (outside CI) only the package checks run.
set -euo pipefail

build="$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)"
root="$(cd "$(dirname "$0")/.." && pwd)"
version="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")"
[ -n "$version" ] || { echo "check-package: no project version in $build/CMakeCache.txt" >&2; exit 1; }
fail() { echo "check-package: $*" >&2; exit 1; }

cd "$build"
rm -f flowsift_*.deb flowsift-*.tar.gz
cpack -G "DEB;TGZ" >cpack.log 2>&1 || { cat cpack.log >&2; fail "cpack failed"; }
deb="$build/flowsift_${version}_$(dpkg --print-architecture).deb"
tarball="$(ls "$build"/flowsift-"$version"-*.tar.gz)"
[ -f "$deb" ] || fail "no $deb"

# Depends: every runtime library the executables link, as Debian 12 packages them.
info="$(dpkg-deb -I "$deb")"
echo "$info" | sed -n 's/^ \(Package\|Version\|Depends\|Installed-Size\):/\1:/p'
depends="$(echo "$info" | sed -n 's/^ Depends: //p')"
for lib in libqt6core6 libqt6gui6 libqt6widgets6 'libqcustomplot2\.[0-9]*-qt6' \
           libsqlite3-0 libpcap0.8 zlib1g liblzo2-2 libbz2-1.0 liblz4-1 libzstd1 libc6 'libstdc\+\+6'; do
  echo "$depends" | grep -Eq "(^|, )$lib( |,|$)" || fail "Depends lacks $lib: $depends"
done

# Files: both programs, desktop entry, metainfo, MIME types, icons, man pages, sample.
contents="$(dpkg-deb -c "$deb" | awk '{print $6}')"
for f in ./usr/bin/flowsift ./usr/bin/flowsift-cli \
         ./usr/share/applications/invalid.flowsift.Flowsift.desktop \
         ./usr/share/metainfo/invalid.flowsift.Flowsift.metainfo.xml \
         ./usr/share/mime/packages/flowsift.xml \
         ./usr/share/icons/hicolor/scalable/apps/flowsift.svg \
         ./usr/share/icons/hicolor/16x16/apps/flowsift.png ./usr/share/icons/hicolor/48x48/apps/flowsift.png \
         ./usr/share/icons/hicolor/256x256/apps/flowsift.png \
         ./usr/share/man/man1/flowsift-cli.1.gz ./usr/share/man/man1/flowsift.1.gz \
         ./usr/share/flowsift/samples/enterprise4h__softflowd-v9.pcap; do
  echo "$contents" | grep -qx "$f" || fail "$deb lacks $f"
done
tar -tzf "$tarball" | grep -q '/bin/flowsift-cli$' || fail "$tarball lacks bin/flowsift-cli"

# Metadata as the desktop tools read it.
unpacked="$build/package-check"
rm -rf "$unpacked" && mkdir -p "$unpacked" && dpkg-deb -x "$deb" "$unpacked"
appstreamcli validate --no-net "$unpacked/usr/share/metainfo/invalid.flowsift.Flowsift.metainfo.xml"
desktop-file-validate "$unpacked/usr/share/applications/invalid.flowsift.Flowsift.desktop"
man_out="$(MANWIDTH=80 man --warnings -l "$unpacked/usr/share/man/man1/flowsift-cli.1.gz" 2>&1 >/dev/null)"
[ -z "$man_out" ] || fail "man page warnings: $man_out"
MANWIDTH=80 man -l "$unpacked/usr/share/man/man1/flowsift-cli.1.gz" | grep -q "flowsift-cli analyze" \
  || fail "man page does not render the synopsis"

if [ "$(id -u)" -ne 0 ]; then
  if [ "${CI:-}" = "true" ]; then
    fail "installing the package needs root, and CI must install it"
  fi
  echo "check-package: not root: package built and checked, not installed"
  exit 0
fi

installed=0
cleanup() { [ "$installed" -eq 0 ] || apt-get remove -y -qq flowsift >/dev/null 2>&1 || true; }
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "$deb" >apt-install.log 2>&1 || { cat apt-install.log >&2; fail "apt-get install $deb failed"; }
installed=1

# The installed programs, not the build's: run from elsewhere, by PATH.
cd /
[ "$(command -v flowsift-cli)" = /usr/bin/flowsift-cli ] || fail "flowsift-cli is not /usr/bin/flowsift-cli"
[ "$(flowsift-cli --version)" = "flowsift-cli $version" ] || fail "flowsift-cli --version says '$(flowsift-cli --version)'"
gui_version="$(QT_QPA_PLATFORM=offscreen flowsift --version)"
[ "$gui_version" = "Flowsift $version" ] || fail "flowsift --version says '$gui_version'"
report="$(mktemp)"
flowsift-cli analyze --flow-file /usr/share/flowsift/samples/enterprise4h__softflowd-v9.pcap --output - --quiet >"$report"
# The sample's labelled C2 beacon and exfiltration (../shared/corpus/labels/enterprise4h.labels.json).
grep -Eq '"summary": "10\.0\.5\.23 beacons to 203\.0\.113\.77 every' "$report" \
  || fail "the installed analysis of the sample does not report the beacon 10.0.5.23 -> 203.0.113.77"
grep -Eq '"summary": "10\.0\.3\.7 sent [^"]* to 198\.51\.100\.200 ' "$report" \
  || fail "the installed analysis of the sample does not report the exfiltration to 198.51.100.200"
rm -f "$report"

apt-get remove -y -qq flowsift >/dev/null
installed=0
[ ! -e /usr/bin/flowsift-cli ] && [ ! -e /usr/share/flowsift ] || fail "files left after apt-get remove"
echo "check-package: $(basename "$deb") built, installed, ran the sample analysis and was removed"
