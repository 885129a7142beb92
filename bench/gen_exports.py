#!/usr/bin/python3
"""Large, deterministic NetFlow v9 / IPFIX export captures for the benchmarks.

    /usr/bin/python3 bench/gen_exports.py --flows 1000000 --out /work/bench-data [--seed 7] [--jobs 2]
        [--formats pcap,netflow-csv,nfdump-csv,jsonl,sqlite-csv] [--name flows-1m]

Writes, into --out, for the same flows in the same order:
  NAME.pcap         classic pcap (Ethernet/IPv4/UDP, µs) of export datagrams from 16 exporters, half
                    NetFlow v9 and half IPFIX, to collector 192.0.2.1:2055 (v9) and :4739 (IPFIX)
  NAME.netflow.csv  NetFlow-named CSV, NF-UNSW-NB15 style (no timestamps, as in that dataset)
  NAME.nfdump.csv   `nfdump -o csv` layout (nfdump 1.7.1 header, 48 columns)
  NAME.jsonl        JSON lines with NetFlow v9 field names
  NAME.sqlite.csv   the columns of Flowsift's flows table, for sqlite3's own `.import` (the ceiling)
  NAME.manifest.json  flow/byte/packet totals, datagrams, per-exporter layout, for run.sh to check

Exporter layouts are copied from the real captures in /work/shared/corpus/exports (softflowd 1.1.0
v9/IPFIX, pmacct 1.7.7 nfprobe v9/IPFIX: same field lists, template ids, set/option layouts), plus a
Cisco IOS-style v9 layout (2-byte interfaces, masks, next hop, AS numbers) and an nProbe-style IPFIX
layout (absolute ms times, 64-bit counters, VLAN, end reason). Every exporter has its own source
address and port, its own templates (several reuse id 1024 with different layouts), refreshes them
periodically, and numbers its datagrams per RFC 3954 §5.1 (v9: export packets) and RFC 7011 §3.1
(IPFIX: data records). About 10 % of flows are IPv6 and 3 % ICMP; 20-30 flows per datagram.

The flow stream does not depend on --flows: a smaller file is a prefix of a larger one with the same
seed (the last datagram may be cut short). Times in the text formats are the times a collector
decodes: v9 headers carry whole seconds, so uptime-based v9 times lose the export time's milliseconds
(the decoded value is what is written).

With --jobs 2 each process regenerates the same stream (cheap) and writes some of the formats.
"""

import argparse
import json
import math
import os
import random
import struct
import sys
import time

START_EPOCH_MS = 1772409600000  # 2026-03-02T00:00:00Z
COLLECTOR = bytes([192, 0, 2, 1])
FORMATS = ("pcap", "netflow-csv", "nfdump-csv", "jsonl", "sqlite-csv")
SUFFIX = {"pcap": ".pcap", "netflow-csv": ".netflow.csv", "nfdump-csv": ".nfdump.csv", "jsonl": ".jsonl",
          "sqlite-csv": ".sqlite.csv"}

# ---------------------------------------------------------------------------------------------
# Template layouts: (field id, length) in wire order, and the struct that packs one record.
# Record "slots" name the flow values each field takes; pack order = field order.

SOFTFLOWD_V4 = [(8, 4), (12, 4), (22, 4), (21, 4), (1, 4), (2, 4), (10, 4), (14, 4), (61, 1), (136, 1),
                (7, 2), (11, 2), (4, 1), (6, 1), (60, 1), (5, 1)]
SOFTFLOWD_V4_ICMP = [(8, 4), (12, 4), (22, 4), (21, 4), (1, 4), (2, 4), (10, 4), (14, 4), (61, 1), (136, 1),
                     (32, 2), (4, 1), (60, 1), (5, 1)]
SOFTFLOWD_V6 = [(27, 16), (28, 16)] + SOFTFLOWD_V4[2:]
SOFTFLOWD_V6_ICMP = [(27, 16), (28, 16)] + SOFTFLOWD_V4_ICMP[2:10] + [(139, 2), (4, 1), (60, 1), (5, 1)]

PMACCT_V4 = [(153, 8), (152, 8), (1, 8), (2, 8), (60, 1), (10, 4), (14, 4), (61, 1), (8, 4), (12, 4), (7, 2),
             (11, 2), (5, 1), (6, 1), (4, 1)]
PMACCT_V6 = [(153, 8), (152, 8), (1, 8), (2, 8), (60, 1), (10, 4), (14, 4), (61, 1), (27, 16), (28, 16), (5, 1),
             (7, 2), (11, 2), (6, 1), (4, 1)]

CISCO_V4 = [(1, 4), (2, 4), (4, 1), (5, 1), (6, 1), (7, 2), (8, 4), (9, 1), (10, 2), (11, 2), (12, 4), (13, 1),
            (14, 2), (15, 4), (16, 2), (17, 2), (21, 4), (22, 4)]
CISCO_V6 = [(1, 4), (2, 4), (4, 1), (5, 1), (6, 1), (7, 2), (27, 16), (29, 1), (10, 2), (11, 2), (28, 16), (30, 1),
            (14, 2), (62, 16), (16, 2), (17, 2), (21, 4), (22, 4)]

NPROBE_V4 = [(152, 8), (153, 8), (1, 8), (2, 8), (8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (6, 1), (5, 1),
             (10, 4), (14, 4), (58, 2), (136, 1)]
NPROBE_V6 = [(152, 8), (153, 8), (1, 8), (2, 8), (27, 16), (28, 16), (7, 2), (11, 2), (4, 1), (6, 1), (5, 1),
             (10, 4), (14, 4), (58, 2), (136, 1)]

# Which flow value each field id carries (v6 addresses use the same slots as v4).
SLOT = {8: "src", 27: "src", 12: "dst", 28: "dst", 22: "first", 21: "last", 152: "start", 153: "end",
        1: "bytes", 2: "pkts", 10: "in_if", 14: "out_if", 61: "direction", 136: "end_reason", 7: "sport",
        11: "dport", 4: "proto", 6: "flags", 60: "ipver", 5: "tos", 32: "icmp", 139: "icmp", 9: "smask",
        29: "smask", 13: "dmask", 30: "dmask", 15: "nexthop", 62: "nexthop", 16: "src_as", 17: "dst_as",
        58: "vlan"}
FMT = {1: "B", 2: "H", 4: "I", 8: "Q"}


def record_struct(fields, v6):
    fmt = ">"
    for fid, length in fields:
        if SLOT[fid] in ("src", "dst", "nexthop"):
            fmt += "%ds" % length
        else:
            fmt += FMT[length]
    return struct.Struct(fmt)


class Profile:
    """One exporter software: version, templates by flow kind, time style, refresh period."""

    def __init__(self, name, version, templates, times, refresh, options=None, pad=False):
        self.name = name
        self.version = version  # 9 or 10
        self.templates = templates  # kind -> (template id, fields); kinds: v4, v4icmp, v6, v6icmp
        self.times = times  # "uptime" (IE 22/21) or "absolute" (IE 152/153)
        self.refresh = refresh  # datagrams between template (and options) refreshes
        self.options = options  # None, "softflowd-v9" or "softflowd-ipfix"
        self.pad = pad  # pad v9 sets to 4 bytes (RFC 3954 §5.3), as Cisco does


PROFILES = {
    "softflowd-v9": Profile("softflowd-v9", 9, {"v4": (1024, SOFTFLOWD_V4), "v4icmp": (1025, SOFTFLOWD_V4_ICMP),
                                                 "v6": (2048, SOFTFLOWD_V6), "v6icmp": (2049, SOFTFLOWD_V6_ICMP)},
                            "uptime", 16, options="softflowd-v9"),
    "softflowd-ipfix": Profile("softflowd-ipfix", 10, {"v4": (1024, SOFTFLOWD_V4), "v4icmp": (1025, SOFTFLOWD_V4_ICMP),
                                                       "v6": (2048, SOFTFLOWD_V6), "v6icmp": (2049, SOFTFLOWD_V6_ICMP)},
                               "uptime", 16, options="softflowd-ipfix"),
    "pmacct-v9": Profile("pmacct-v9", 9, {"v4": (1024, PMACCT_V4), "v6": (2048, PMACCT_V6)}, "absolute", 18),
    "pmacct-ipfix": Profile("pmacct-ipfix", 10, {"v4": (1024, PMACCT_V4), "v6": (2048, PMACCT_V6)}, "absolute", 18),
    "cisco-v9": Profile("cisco-v9", 9, {"v4": (256, CISCO_V4), "v6": (257, CISCO_V6)}, "uptime", 20, pad=True),
    "nprobe-ipfix": Profile("nprobe-ipfix", 10, {"v4": (258, NPROBE_V4), "v6": (259, NPROBE_V6)}, "absolute", 20),
}

# 16 exporters: 8 NetFlow v9, 8 IPFIX; relative weights make some busier than others.
EXPORTER_PROFILES = ["softflowd-v9", "softflowd-ipfix", "pmacct-v9", "pmacct-ipfix", "cisco-v9", "nprobe-ipfix",
                     "softflowd-v9", "softflowd-ipfix", "pmacct-v9", "pmacct-ipfix", "cisco-v9", "nprobe-ipfix",
                     "softflowd-v9", "softflowd-ipfix", "pmacct-v9", "pmacct-ipfix"]
EXPORTER_WEIGHTS = [8, 7, 6, 6, 5, 5, 4, 4, 3, 3, 3, 2, 2, 2, 1, 1]

TCP_FLAG_CHOICES = [0x1b] * 10 + [0x1a] * 3 + [0x02] * 2 + [0x12, 0x14, 0x10, 0x10, 0x19]
TCP_PORTS = [443] * 12 + [80] * 3 + [22, 25, 445, 3389, 8080, 993, 389, 88]
UDP_PORTS = [53] * 10 + [123] * 3 + [443] * 3 + [161, 514, 5353, 1900]
ICMP4 = [(8, 0)] * 4 + [(0, 0)] * 3 + [(3, 3), (11, 0), (3, 1)]
ICMP6 = [(128, 0)] * 4 + [(129, 0)] * 3 + [(1, 4), (135, 0), (136, 0)]
TOS_CHOICES = [0] * 28 + [0x28, 0xb8, 0x10, 0x48]


def v4_text(b):
    return "%d.%d.%d.%d" % (b[0], b[1], b[2], b[3])


def v6_text(b):
    # Addresses below have no zero runs longer than one group except the host part: keep it simple
    # and canonical by letting the stdlib do it.
    import ipaddress
    return str(ipaddress.IPv6Address(b))


class Exporter:
    def __init__(self, index, profile, rng):
        self.index = index
        self.profile = profile
        self.addr = bytes([10, 255, 0, index + 1])  # exporter source address
        self.addr_text = v4_text(self.addr)
        self.port = 40000 + 1013 * index % 20000  # exporter source port
        self.dport = 2055 if profile.version == 9 else 4739
        self.domain = 0 if profile.name.startswith("softflowd") else (index + 1)
        # Booted 1-20 days before the capture: sysUptime stays far from its 2^32 ms wrap.
        self.boot_ms = START_EPOCH_MS - rng.randint(86400000, 20 * 86400000)
        self.last_export_ms = 0
        self.sequence = 0  # v9: export packets sent; IPFIX: data records sent
        self.datagrams = 0
        self.structs = {kind: record_struct(fields, kind.startswith("v6"))
                        for kind, (tid, fields) in profile.templates.items()}
        self.template_ids = {kind: tid for kind, (tid, fields) in profile.templates.items()}
        self.has_icmp_template = "v4icmp" in profile.templates
        self.v6_share = 0.10
        self.site = 16 + index  # internal hosts live in 10.<site>.0.0/16 and 2001:db8:<site>::/48
        self.ifaces = (0, 0) if profile.name.startswith("softflowd") else (1 + index % 4, 5 + index % 3)
        self.template_bytes = self._template_sets()

    def _template_sets(self):
        p = self.profile
        recs = []
        for kind in ("v4", "v4icmp", "v6", "v6icmp"):
            if kind not in p.templates:
                continue
            tid, fields = p.templates[kind]
            body = struct.pack(">HH", tid, len(fields)) + b"".join(struct.pack(">HH", f, l) for f, l in fields)
            recs.append(body)
        set_id = 0 if p.version == 9 else 2
        body = b"".join(recs)
        out = struct.pack(">HH", set_id, 4 + len(body)) + body
        count = len(recs)
        if p.options == "softflowd-v9":
            # Options template 256 as softflowd 1.1.0 sends it (RFC 3954 §6.1): scope interface(4),
            # SAMPLING_INTERVAL(4), SAMPLING_ALGORITHM(1), IF_NAME(16).
            ob = bytes.fromhex("01000004000c00020004002200040023000100520010")
            out += struct.pack(">HH", 1, 4 + len(ob)) + ob
            count += 1
        elif p.options == "softflowd-ipfix":
            # Options template 256 as softflowd sends it (RFC 7011 §3.4.2.2): scope meteringProcessId,
            # systemInitTimeMilliseconds, samplingPacketInterval, samplingPacketSpace, selectorAlgorithm,
            # interfaceName.
            ob = bytes.fromhex("010000060001008f000400a0000801310004013200040130000200520010")
            out += struct.pack(">HH", 3, 4 + len(ob)) + ob
            count += 1
        return out, count

    def options_data(self):
        """(set bytes, records) of the options data that go with each template refresh."""
        p = self.profile
        name = ("bench-if%02d" % self.index).encode().ljust(16, b"\0")
        if p.options == "softflowd-v9":
            rec = struct.pack(">IIB16s", 0, 1, 0, name)  # interface 0, 1-in-1 (unsampled)
            body = rec + b"\0" * ((4 - (len(rec) + 4) % 4) % 4)
            return struct.pack(">HH", 256, 4 + len(body)) + body, 1
        if p.options == "softflowd-ipfix":
            rec = struct.pack(">IQIIH16s", 0, self.boot_ms, 1, 0, 1, name)
            return struct.pack(">HH", 256, 4 + len(rec)) + rec, 1
        return b"", 0


def build_pools(rng):
    """Addresses as (packed, text) pairs: internal hosts per site, public servers (Zipf-ish)."""
    import ipaddress
    internal4, internal6 = [], []
    for site in range(16, 32):
        hosts4, hosts6 = [], []
        for h in range(2000):
            b = bytes([10, site, 1 + h // 250, 1 + h % 250])
            hosts4.append((b, v4_text(b)))
        for h in range(400):
            b = ipaddress.IPv6Address("2001:db8:%x:%x::%x" % (site, 1 + h // 100, 16 + h % 100)).packed
            hosts6.append((b, v6_text(b)))
        internal4.append(hosts4)
        internal6.append(hosts6)
    public4, public6 = [], []
    seen = set()
    while len(public4) < 60000:
        a = rng.randint(0x01000000, 0xdfffffff)
        first = a >> 24
        if first in (10, 100, 127, 169, 172, 192, 198, 203) or a in seen:
            continue
        seen.add(a)
        b = a.to_bytes(4, "big")
        public4.append((b, v4_text(b)))
    for i in range(6000):
        b = ipaddress.IPv6Address((0x2a00 + rng.randint(0, 0x3ff)) << 112 | rng.getrandbits(64)).packed
        public6.append((b, v6_text(b)))
    return internal4, internal6, public4, public6


def lognormal_table(rng, mu, sigma, size, lo, hi):
    return [max(lo, min(hi, int(rng.lognormvariate(mu, sigma)))) for _ in range(size)]


class FlowStream:
    """Yields datagrams: (exporter, export_ms, capture_us, [flow, ...]) in capture order.

    A flow is a tuple:
      (kind, src_b, dst_b, src_t, dst_t, sport, dport, proto, flags, tos, bytes, pkts,
       start_ms, end_ms, in_if, out_if, icmp, end_reason, direction, dec_start, dec_end)
    dec_start/dec_end are the times a collector decodes (v9 uptime: export-time ms truncated).
    """

    def __init__(self, seed, rate):
        self.rng = random.Random(seed)
        rng = self.rng
        self.exporters = [Exporter(i, PROFILES[name], rng) for i, name in enumerate(EXPORTER_PROFILES)]
        self.internal4, self.internal6, self.public4, self.public6 = build_pools(rng)
        self.pkts_table = lognormal_table(rng, 1.6, 1.4, 8192, 1, 200000)
        self.fwd_size = lognormal_table(rng, 4.4, 0.6, 1024, 40, 1500)   # client -> server bytes/packet
        self.rev_size = lognormal_table(rng, 6.6, 0.5, 1024, 40, 1500)   # server -> client
        self.dur_table = lognormal_table(rng, 6.5, 2.0, 4096, 0, 300000)  # ms
        self.cum_weights = []
        total = 0
        for w in EXPORTER_WEIGHTS:
            total += w
            self.cum_weights.append(total)
        self.us_per_flow = 1e6 / rate
        self.clock_us = START_EPOCH_MS * 1000.0

    def datagrams(self, total_flows):
        rng = self.rng
        getrandbits = rng.getrandbits
        exporters = self.exporters
        cum = self.cum_weights
        wtotal = cum[-1]
        import bisect
        pick = bisect.bisect_right
        internal4, internal6, public4, public6 = self.internal4, self.internal6, self.public4, self.public6
        n4, n6 = len(public4), len(public6)
        log_n4, log_n6 = math.log(n4), math.log(n6)
        pkts_table, fwd_size, rev_size, dur_table = self.pkts_table, self.fwd_size, self.rev_size, self.dur_table
        tcp_flags, tcp_ports, udp_ports, tos_choices = TCP_FLAG_CHOICES, TCP_PORTS, UDP_PORTS, TOS_CHOICES
        n_flags, n_tcp, n_udp, n_tos = len(tcp_flags), len(tcp_ports), len(udp_ports), len(tos_choices)
        exp = math.exp
        made = 0
        while made < total_flows:
            e = exporters[pick(cum, rng.random() * wtotal)]
            n = min(20 + getrandbits(4) % 11, total_flows - made)
            self.clock_us += n * self.us_per_flow * (0.5 + rng.random())
            capture_us = int(self.clock_us)
            # Sent a few ms before capture; an exporter's clock never goes back (else v9 sysUptime
            # would look like a restart).
            export_ms = max(capture_us // 1000 - 1 - getrandbits(3), e.last_export_ms)
            e.last_export_ms = export_ms
            truncate = (export_ms % 1000) if (e.profile.version == 9 and e.profile.times == "uptime") else 0
            site = e.site - 16
            hosts4, hosts6 = internal4[site], internal6[site]
            in_if, out_if = e.ifaces
            flows = []
            for _ in range(n):
                r = getrandbits(96)
                v6 = (r & 1023) < 102  # ~10 %
                r >>= 10
                pr = r & 127
                r >>= 7
                if pr < 4:  # ~3 % ICMP
                    proto = 58 if v6 else 1
                elif pr < 26:  # ~17 % UDP
                    proto = 17
                else:
                    proto = 6
                if v6:
                    inside = hosts6[r % len(hosts6)]
                    outside = public6[int(exp(rng.random() * log_n6)) - 1]
                else:
                    inside = hosts4[r % len(hosts4)]
                    outside = public4[int(exp(rng.random() * log_n4)) - 1]
                r >>= 12
                outbound = r & 1  # client inside (half the records are the reverse direction)
                r >>= 1
                pkts = pkts_table[r & 8191]
                r >>= 13
                if proto == 6:
                    service = tcp_ports[r % n_tcp]
                    flags = tcp_flags[(r >> 5) % n_flags]
                    if flags in (0x02, 0x14, 0x12):
                        pkts = 1 + (pkts & 1)
                elif proto == 17:
                    service = udp_ports[r % n_udp]
                    flags = 0
                else:
                    service = 0
                    flags = 0
                    pkts = 1 + (pkts & 3)
                r >>= 10
                ephemeral = 32768 + (r & 0x7fff) % 28232
                r >>= 15
                rev = r & 1  # this record is server -> client
                r >>= 1
                tos = tos_choices[r % n_tos]
                r >>= 5
                size = (rev_size if rev else fwd_size)[r & 1023]
                bytes_ = pkts * size
                r2 = getrandbits(64)
                dur = dur_table[r2 & 4095] if pkts > 1 else 0
                end = export_ms - (r2 >> 12 & 32767)
                start = end - dur
                if proto in (1, 58):
                    icmp = (ICMP6 if v6 else ICMP4)[(r2 >> 27) % 10]
                    icmp = icmp[0] << 8 | icmp[1]
                    sport, dport = 0, icmp
                    if outbound ^ rev:
                        src, dst = inside, outside
                    else:
                        src, dst = outside, inside
                else:
                    icmp = 0
                    if outbound:  # inside host is the client
                        client, server = inside, outside
                    else:
                        client, server = outside, inside
                    if rev:
                        src, dst, sport, dport = server, client, service, ephemeral
                    else:
                        src, dst, sport, dport = client, server, ephemeral, service
                end_reason = 1 + (r2 >> 31) % 3 if proto == 6 else 1
                if proto in (1, 58):
                    kind = "v6icmp" if v6 else "v4icmp"
                else:
                    kind = "v6" if v6 else "v4"
                flows.append((kind, src[0], dst[0], src[1], dst[1], sport, dport, proto, flags, tos, bytes_, pkts,
                              start, end, in_if, out_if, icmp, end_reason, 1 - outbound, start - truncate,
                              end - truncate))
            made += n
            yield e, export_ms, capture_us, flows


# ---------------------------------------------------------------------------------------------
# Writers

def ip_checksum(header):
    s = sum(struct.unpack(">10H", header))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


class PcapWriter:
    def __init__(self, path):
        self.f = open(path, "wb", buffering=8 << 20)
        self.f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))  # Ethernet, µs
        self.rec = struct.Struct("<IIII")
        self.eth = bytes.fromhex("020000000001020000000002") + b"\x08\x00"
        self.ip_id = 0
        self.datagrams = 0

    def write(self, e, export_ms, capture_us, flows):
        p = e.profile
        v9 = p.version == 9
        refresh = e.datagrams % p.refresh == 0
        sets = []
        records = 0
        data_records = 0
        if refresh:
            tb, tcount = e.template_bytes
            sets.append(tb)
            records += tcount
            ob, ocount = e.options_data()
            if ob:
                sets.append(ob)
                records += ocount
                data_records += ocount
        # Group the flows by template, in first-seen order (one data set per template).
        groups = {}
        for fl in flows:
            kind = fl[0]
            if kind not in e.structs:  # profiles without an ICMP template carry ICMP in the main one
                kind = "v6" if kind == "v6icmp" else "v4"
            groups.setdefault(kind, []).append(fl)
        ordered = []
        boot = e.boot_ms
        for kind, fls in groups.items():
            pack = e.structs[kind].pack
            tid = e.template_ids[kind]
            fields = e.profile.templates[kind][1]
            recs = []
            if p.name.startswith("softflowd"):
                if kind in ("v4icmp", "v6icmp"):
                    for f in fls:
                        recs.append(pack(f[1], f[2], f[12] - boot, f[13] - boot, f[10], f[11], f[14], f[15], f[18],
                                         f[17], f[16], f[7], 6 if kind == "v6icmp" else 4, f[9]))
                else:
                    ipver = 6 if kind == "v6" else 4
                    for f in fls:
                        recs.append(pack(f[1], f[2], f[12] - boot, f[13] - boot, f[10], f[11], f[14], f[15], f[18],
                                         f[17], f[5], f[6], f[7], f[8], ipver, f[9]))
            elif p.name.startswith("pmacct"):
                ipver = 6 if kind == "v6" else 4
                if kind == "v4":
                    for f in fls:
                        recs.append(pack(f[13], f[12], f[10], f[11], ipver, f[14], f[15], f[18], f[1], f[2], f[5],
                                         f[6], f[9], f[8], f[7]))
                else:
                    for f in fls:
                        recs.append(pack(f[13], f[12], f[10], f[11], ipver, f[14], f[15], f[18], f[1], f[2], f[9],
                                         f[5], f[6], f[8], f[7]))
            elif p.name == "cisco-v9":
                nh = bytes([10, e.site, 0, 1]) if kind == "v4" else bytes.fromhex("20010db8%04x00000000000000000001"
                                                                                    % e.site)
                for f in fls:
                    mask_s = 24 if kind == "v4" else 64
                    recs.append(pack(f[10], f[11], f[7], f[9], f[8], f[5], f[1], mask_s, f[14], f[6], f[2], mask_s,
                                     f[15], nh, 0, 64496 + (f[5] & 15), f[13] - boot, f[12] - boot))
            else:  # nprobe-ipfix
                for f in fls:
                    recs.append(pack(f[12], f[13], f[10], f[11], f[1], f[2], f[5], f[6], f[7], f[8], f[9], f[14],
                                     f[15], 100 + e.index, f[17]))
            body = b"".join(recs)
            pad = b""
            if p.pad:
                pad = b"\0" * ((4 - (len(body) + 4) % 4) % 4)
            sets.append(struct.pack(">HH", tid, 4 + len(body) + len(pad)) + body + pad)
            records += len(recs)
            data_records += len(recs)
            ordered.extend(fls)
        payload_sets = b"".join(sets)
        export_secs = export_ms // 1000
        if v9:
            hdr = struct.pack(">HHIIII", 9, records, (export_ms - boot) & 0xffffffff, export_secs, e.sequence,
                              e.domain)
            e.sequence = (e.sequence + 1) & 0xffffffff
        else:
            hdr = struct.pack(">HHIII", 10, 16 + len(payload_sets), export_secs, e.sequence, e.domain)
            e.sequence = (e.sequence + data_records) & 0xffffffff
        e.datagrams += 1
        payload = hdr + payload_sets
        udp_len = 8 + len(payload)
        self.ip_id = (self.ip_id + 1) & 0xffff
        iph = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, self.ip_id, 0x4000, 64, 17, 0, e.addr, COLLECTOR)
        iph = iph[:10] + struct.pack(">H", ip_checksum(iph)) + iph[12:]
        udph = struct.pack(">HHHH", e.port, e.dport, udp_len, 0)
        frame_len = 14 + 20 + udp_len
        self.f.write(self.rec.pack(capture_us // 1000000, capture_us % 1000000, frame_len, frame_len))
        self.f.write(self.eth)
        self.f.write(iph)
        self.f.write(udph)
        self.f.write(payload)
        self.datagrams += 1
        return ordered

    def close(self):
        self.f.close()


def data_order(e, flows):
    """The order the decoder yields the flows of one datagram in: grouped by template, first seen first."""
    groups = {}
    for fl in flows:
        kind = fl[0]
        if kind not in e.structs:
            kind = "v6" if kind == "v6icmp" else "v4"
        groups.setdefault(kind, []).append(fl)
    out = []
    for fls in groups.values():
        out.extend(fls)
    return out


PROTO_NAMES = {1: "ICMP", 6: "TCP", 17: "UDP", 58: "ICMP6"}


def nfdump_flags(v):
    # nfdump 1.7 prints TCP flags as 8 characters "CEUAPRSF", '.' for unset.
    letters = "CEUAPRSF"
    return "".join(letters[i] if v & (0x80 >> i) else "." for i in range(8))


NFDUMP_FLAGS = [nfdump_flags(v) for v in range(256)]
NFDUMP_HEADER = ("ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,smk,dmk,dtos,dir,nh,nhb,"
                 "svln,dvln,ismc,odmc,idmc,osmc,mpls1,mpls2,mpls3,mpls4,mpls5,mpls6,mpls7,mpls8,mpls9,mpls10,cl,sl,al,"
                 "ra,eng,exid,tr\n")


class TimeText:
    """'YYYY-MM-DD HH:MM:SS' per second, cached (flows cluster in time)."""

    def __init__(self):
        self.cache = {}

    def __call__(self, ms):
        s = ms // 1000
        t = self.cache.get(s)
        if t is None:
            if len(self.cache) > 100000:
                self.cache.clear()
            t = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(s))
            self.cache[s] = t
        return t


class TextWriters:
    def __init__(self, base, formats):
        self.files = {}
        self.ts = TimeText()
        for fmt in formats:
            if fmt == "pcap":
                continue
            f = open(base + SUFFIX[fmt], "w", buffering=8 << 20, newline="\n")
            self.files[fmt] = f
            if fmt == "netflow-csv":
                f.write("IPV4_SRC_ADDR,L4_SRC_PORT,IPV4_DST_ADDR,L4_DST_PORT,PROTOCOL,IN_BYTES,OUT_BYTES,IN_PKTS,"
                        "OUT_PKTS,TCP_FLAGS,FLOW_DURATION_MILLISECONDS\n")
            elif fmt == "nfdump-csv":
                f.write(NFDUMP_HEADER)
            elif fmt == "sqlite-csv":
                f.write("import_id,exporter_id,version,start_ms,end_ms,src,dst,src_port,dst_port,proto,tcp_flags,tos,"
                        "bytes,packets,rev_bytes,rev_packets,sampling,in_if,out_if,extra\n")

    def write(self, e, export_ms, flows):
        f = self.files.get("netflow-csv")
        if f:
            f.write("".join(["%s,%d,%s,%d,%d,%d,0,%d,0,%d,%d\n" % (fl[3], fl[5], fl[4], fl[6], fl[7], fl[10], fl[11],
                                                                   fl[8], fl[20] - fl[19]) for fl in flows]))
        f = self.files.get("nfdump-csv")
        if f:
            ts = self.ts
            ra = e.addr_text
            tr = ts(export_ms) + ".%03d" % (export_ms % 1000)
            tail = ",0.0.0.0,0.0.0.0,0,0,00:00:00:00:00:00,00:00:00:00:00:00,00:00:00:00:00:00," \
                   "00:00:00:00:00:00,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,    0.000," \
                   "    0.000,    0.000,%s,0/0,%d,%s\n" % (ra, e.index + 1, tr)
            flg, pn = NFDUMP_FLAGS, PROTO_NAMES
            out = []
            for fl in flows:
                s, t = fl[19], fl[20]
                out.append("%s.%03d,%s.%03d,%.3f,%s,%s,%d,%d,%s,%s,0,%d,%d,%d,0,0,%d,%d,0,0,0,0,0,%d%s" % (
                    ts(s), s % 1000, ts(t), t % 1000, (t - s) / 1000.0, fl[3], fl[4], fl[5], fl[6], pn[fl[7]],
                    flg[fl[8]], fl[9], fl[11], fl[10], fl[14], fl[15], fl[18], tail))
            f.write("".join(out))
        f = self.files.get("jsonl")
        if f:
            out = []
            for fl in flows:
                a = "IPV6" if fl[0][1] == "6" else "IPV4"
                out.append('{"%s_SRC_ADDR":"%s","%s_DST_ADDR":"%s","L4_SRC_PORT":%d,"L4_DST_PORT":%d,"PROTOCOL":%d,'
                           '"TCP_FLAGS":%d,"SRC_TOS":%d,"IN_BYTES":%d,"IN_PKTS":%d,"INPUT_SNMP":%d,"OUTPUT_SNMP":%d,'
                           '"FLOW_START_MILLISECONDS":%d,"FLOW_END_MILLISECONDS":%d}\n' % (
                               a, fl[3], a, fl[4], fl[5], fl[6], fl[7], fl[8], fl[9], fl[10], fl[11], fl[14], fl[15],
                               fl[19], fl[20]))
            f.write("".join(out))
        f = self.files.get("sqlite-csv")
        if f:
            ver = e.profile.version
            xid = e.index + 1
            soft = e.profile.name.startswith("softflowd")
            out = []
            for fl in flows:
                # What Flowsift's decoder puts in `extra` for these layouts, roughly (same size class).
                if soft or e.profile.name.startswith("pmacct"):
                    extra = '"{%s""direction"":%d%s}"' % (
                        '""icmpType"":%d,""icmpCode"":%d,' % (fl[16] >> 8, fl[16] & 255) if soft and fl[7] in (1, 58) else "",
                        fl[18], ',""endReason"":%d' % fl[17] if soft else "")
                elif ver == 9:
                    v6 = fl[0][1] == "6"
                    extra = '"{""srcMask"":%d,""dstMask"":%d,""nextHop"":""%s"",""srcAs"":0,""dstAs"":%d}"' % (
                        64 if v6 else 24, 64 if v6 else 24, ("2001:db8:%x::1" if v6 else "10.%d.0.1") % e.site,
                        64496 + (fl[5] & 15))
                else:
                    extra = '"{""vlan"":%d,""endReason"":%d}"' % (100 + e.index, fl[17])
                out.append("1,%d,%d,%d,%d,%s,%s,%d,%d,%d,%d,%d,%d,%d,0,0,1,%d,%d,%s\n" % (
                    xid, ver, fl[19], fl[20], fl[3], fl[4], fl[5], fl[6], fl[7], fl[8], fl[9], fl[10], fl[11],
                    fl[14], fl[15], extra))
            f.write("".join(out))

    def close(self):
        for f in self.files.values():
            f.close()


def run_job(args, formats, base, report):
    stream = FlowStream(args.seed, args.rate)
    pcap = PcapWriter(base + ".pcap") if "pcap" in formats else None
    text = TextWriters(base, formats)
    flows_n = bytes_n = pkts_n = v6_n = icmp_n = 0
    per_exporter = [0] * len(stream.exporters)
    for e, export_ms, capture_us, flows in stream.datagrams(args.flows):
        if pcap:
            ordered = pcap.write(e, export_ms, capture_us, flows)
        else:
            ordered = data_order(e, flows)
        text.write(e, export_ms, ordered)
        if report:
            for fl in flows:
                bytes_n += fl[10]
                pkts_n += fl[11]
                if fl[0][1] == "6":
                    v6_n += 1
                if fl[7] in (1, 58):
                    icmp_n += 1
            flows_n += len(flows)
            per_exporter[e.index] += len(flows)
    datagrams = sum(e.datagrams for e in stream.exporters)
    if pcap:
        pcap.close()
    text.close()
    if not report:
        return None
    return {
        "flows": flows_n, "bytes": bytes_n, "packets": pkts_n, "ipv6_flows": v6_n, "icmp_flows": icmp_n,
        "datagrams": datagrams if pcap else None, "seed": args.seed, "rate_flows_per_s": args.rate,
        "exporters": [{"address": e.addr_text, "port": e.port, "collector_port": e.dport, "profile": e.profile.name,
                       "version": e.profile.version, "domain": e.domain, "flows": per_exporter[e.index],
                       "templates": {k: v for k, v in e.template_ids.items()}} for e in stream.exporters],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--flows", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--name", help="file name stem (default flows-<N>)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--rate", type=float, default=5000.0, help="aggregate flows per second of capture time")
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    for f in formats:
        if f not in FORMATS:
            ap.error("unknown format %s (known: %s)" % (f, ", ".join(FORMATS)))
    os.makedirs(args.out, exist_ok=True)
    name = args.name or "flows-%s" % (("%dm" % (args.flows // 1000000)) if args.flows % 1000000 == 0
                                      else str(args.flows))
    base = os.path.join(args.out, name)
    t0 = time.time()
    # Split the formats over the jobs, the costliest first; job 0 also counts the totals.
    cost = {"pcap": 3, "nfdump-csv": 3, "jsonl": 2, "sqlite-csv": 2, "netflow-csv": 1}
    jobs = max(1, min(args.jobs, len(formats)))
    groups = [[] for _ in range(jobs)]
    load = [0] * jobs
    for f in sorted(formats, key=lambda f: -cost[f]):
        i = load.index(min(load))
        groups[i].append(f)
        load[i] += cost[f]
    pids = []
    for g in groups[1:]:
        pid = os.fork()
        if pid == 0:
            try:
                run_job(args, g, base, False)
                os._exit(0)
            except BaseException as ex:  # report and fail the child
                print("gen_exports: %s" % ex, file=sys.stderr)
                os._exit(1)
        pids.append(pid)
    manifest = run_job(args, groups[0], base, True)
    ok = True
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        ok = ok and status == 0
    if not ok:
        print("gen_exports: a writer process failed", file=sys.stderr)
        return 1
    manifest["seconds"] = round(time.time() - t0, 1)
    manifest["files"] = {f: {"path": base + SUFFIX[f], "size": os.path.getsize(base + SUFFIX[f])} for f in formats}
    with open(base + ".manifest.json", "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print("%s: %d flows, %s datagrams, %.1f s" % (base, manifest["flows"], manifest["datagrams"], manifest["seconds"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
