#!/usr/bin/python3
"""Replays the UDP payloads of a classic pcap (Ethernet/IPv4/UDP) to a local collector.

    /usr/bin/python3 bench/replay_udp.py FILE.pcap --port 9995 [--pps 20000] [--burst 64]

Each exporter of the capture (source address and port) gets its own socket, bound to its own
loopback address 127.0.0.X (X = 2, 3, ... in order of appearance) and, when free, its original source
port, so that the collector (nfcapd) sees as many exporters, with their own templates, as the capture
has. Datagrams go in capture order, paced at --pps (a collector's socket buffer drops the excess
silently). Prints datagrams and bytes sent.
"""

import argparse
import socket
import struct
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pcap")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=9995)
    ap.add_argument("--pps", type=float, default=20000.0)
    ap.add_argument("--burst", type=int, default=64)
    args = ap.parse_args()

    socks = {}
    sent = sent_bytes = 0
    t0 = time.perf_counter()
    dest = (args.host, args.port)
    with open(args.pcap, "rb", buffering=8 << 20) as f:
        gh = f.read(24)
        magic = struct.unpack("<I", gh[:4])[0]
        if magic != 0xa1b2c3d4 or struct.unpack("<I", gh[20:24])[0] != 1:
            sys.exit("replay_udp: %s: need a little-endian µs pcap with Ethernet link type" % args.pcap)
        rec = struct.Struct("<IIII")
        while True:
            h = f.read(16)
            if len(h) < 16:
                break
            _, _, caplen, _ = rec.unpack(h)
            pkt = f.read(caplen)
            if len(pkt) < 42 or pkt[12:14] != b"\x08\x00" or pkt[23] != 17:
                continue
            ihl = (pkt[14] & 15) * 4
            src = pkt[26:30]
            sport = struct.unpack(">H", pkt[14 + ihl:16 + ihl])[0]
            payload = pkt[14 + ihl + 8:]
            key = (src, sport)
            s = socks.get(key)
            if s is None:
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
                addr = "127.0.0.%d" % (2 + len(socks))
                try:
                    s.bind((addr, sport))
                except OSError:
                    s.bind((addr, 0))
                socks[key] = s
            s.sendto(payload, dest)
            sent += 1
            sent_bytes += len(payload)
            if sent % args.burst == 0:
                # Pace: sleep until the schedule catches up with what was sent.
                ahead = sent / args.pps - (time.perf_counter() - t0)
                if ahead > 0:
                    time.sleep(ahead)
    for s in socks.values():
        s.close()
    secs = time.perf_counter() - t0
    print("replay_udp: %d datagrams, %d bytes, %d exporters, %.1f s" % (sent, sent_bytes, len(socks), secs))


if __name__ == "__main__":
    main()
