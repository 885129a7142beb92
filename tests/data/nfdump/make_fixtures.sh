#!/usr/bin/env bash
# Rebuilds the nfdump binary-file fixtures in this folder (see README.md).
# Needs: Debian 12's nfdump 1.7.1 (apt-get install nfdump) for nfcapd/nfdump,
# an nfdump 1.6.25 build (for layout-1 files) in $NFD16 and an nfdump 1.7.8
# build (for ZSTD, which Debian's 1.7.1 lacks) in $NFD178. nfcapd listens on
# 127.0.0.1 only and is stopped after each file.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
corpus="${CORPUS:-$here/../../../../shared/corpus/exports}"
NFD16="${NFD16:-/tmp/nfd/inst16/bin}"
NFD178="${NFD178:-/tmp/nfd/inst178/bin}"
port="${PORT:-39995}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export TZ=UTC

# capture NFCAPD OUT ARGS..., then "SRC_ADDR PCAP SKIP COUNT" lines on stdin
capture() {
    local nfcapd="$1" out="$2"; shift 2
    local dir="$work/cap.$$.$RANDOM"; mkdir -p "$dir"
    local dirflag=-w # nfcapd 1.6 names the output directory with -l
    "$nfcapd" -V 2>&1 | grep -q 'Version: 1\.6' && dirflag=-l
    "$nfcapd" "$dirflag" "$dir" -b 127.0.0.1 -p "$port" -t 3600 "$@" >"$dir.log" 2>&1 &
    local pid=$!
    sleep 1
    while read -r src pcap skip count; do
        python3 "$here/replay_udp.py" "$corpus/$pcap" --port "$port" --source "$src" --skip "$skip" --count "$count" >/dev/null
    done
    sleep 1
    kill -TERM "$pid"
    wait "$pid" || true
    mv "$dir"/nfcapd.2* "$here/$out"
    rm -rf "$dir" "$dir.log"
}

reference() { # FILE [NFDUMP]: FILE.csv.gz (nfdump -o csv) and FILE.ms.gz (start|end with ms)
    local nfdump="${2:-nfdump}" csv=csv
    # nfdump 1.7.8's fixed csv lacks flags, tos, interfaces: name its columns.
    [ "$nfdump" = nfdump ] || csv='csv:%ts,%te,%td,%sa,%da,%sp,%dp,%pr,%flg,%stos,%ipkt,%ibyt,%opkt,%obyt,%in,%out,%ra'
    "$nfdump" -r "$here/$1" -o "$csv" | gzip -9n >"$here/$1.csv.gz"
    "$nfdump" -q -r "$here/$1" -o 'fmt:%ts|%te' | sed 's/ *$//' | gzip -9n >"$here/$1.ms.gz"
}

# nfcapd 1.7.1, layout 2
capture nfcapd v9.nfcapd <<<"127.0.0.1 enterprise4h__softflowd-v9.pcap 0 10"
nfdump -r "$here/v9.nfcapd" -z -w "$here/v9-lzo.nfcapd"
nfdump -r "$here/v9.nfcapd" -j -w "$here/v9-bz2.nfcapd"
nfdump -r "$here/v9.nfcapd" -y -w "$here/v9-lz4.nfcapd"
"$NFD178/nfdump" -r "$here/v9.nfcapd" -z=zstd -w "$here/v9-zstd.nfcapd"
capture nfcapd ipfix6-lz4.nfcapd -y <<<"127.0.0.1 dualstack2h__softflowd-ipfix-ipv6.pcap 0 8"
capture nfcapd bidir-lzo.nfcapd -z <<<"127.0.0.1 enterprise4h__softflowd-ipfix-bidir.pcap 0 6"
capture nfcapd sampled-2exp.nfcapd -s 10 <<EOT
127.0.0.2 enterprise4h__softflowd-v5.pcap 0 3
127.0.0.3 baseline2h__softflowd-ipfix.pcap 0 4
EOT
for f in v9 v9-lzo v9-bz2 v9-lz4 ipfix6-lz4 bidir-lzo sampled-2exp; do reference $f.nfcapd; done
reference v9-zstd.nfcapd "$NFD178/nfdump"

# nfcapd 1.6.25, layout 1
capture "$NFD16/nfcapd" v16-v9.nfcapd <<<"127.0.0.1 enterprise4h__softflowd-v9.pcap 0 10"
"$NFD16/nfdump" -r "$here/v16-v9.nfcapd" -z -w "$here/v16-v9-lzo.nfcapd"
"$NFD16/nfdump" -r "$here/v16-v9.nfcapd" -j -w "$here/v16-v9-bz2.nfcapd"
"$NFD16/nfdump" -r "$here/v16-v9.nfcapd" -y -w "$here/v16-v9-lz4.nfcapd"
capture "$NFD16/nfcapd" v16-sampled-2exp.nfcapd -s 10 <<EOT
127.0.0.2 enterprise4h__softflowd-v5.pcap 0 3
127.0.0.4 dualstack2h__softflowd-ipfix-ipv6.pcap 0 6
EOT
for f in v16-v9 v16-v9-lzo v16-v9-bz2 v16-v9-lz4 v16-sampled-2exp; do reference $f.nfcapd; done
ls -l "$here"
