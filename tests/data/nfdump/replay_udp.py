#!/usr/bin/env python3
"""Sends the UDP payloads of a classic pcap capture to HOST:PORT, in order.

Used to feed nfcapd with the corpus export captures (see README.md). Only the
first --count datagrams are sent, --delay seconds apart, so that nfcapd on
loopback drops nothing.
"""
import argparse
import socket
import struct
import time


def udp_payloads(path):
    with open(path, 'rb') as f:
        head = f.read(24)
        magic = head[:4]
        if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
            endian = '<'
        elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
            endian = '>'
        else:
            raise SystemExit(f'{path}: not a classic pcap file')
        linktype = struct.unpack(endian + 'I', head[20:24])[0]
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            _, _, caplen, _ = struct.unpack(endian + 'IIII', rec)
            pkt = f.read(caplen)
            if len(pkt) < caplen:
                return
            if linktype == 1:  # Ethernet, optional 802.1Q tags
                off, ethertype = 14, struct.unpack('>H', pkt[12:14])[0]
                while ethertype in (0x8100, 0x88a8) and len(pkt) >= off + 4:
                    ethertype = struct.unpack('>H', pkt[off + 2:off + 4])[0]
                    off += 4
            elif linktype == 101:  # raw IP
                off, ethertype = 0, 0x0800 if pkt[0] >> 4 == 4 else 0x86dd
            else:
                continue
            if ethertype == 0x0800:
                ihl = (pkt[off] & 15) * 4
                frag = struct.unpack('>H', pkt[off + 6:off + 8])[0]
                if pkt[off + 9] != 17 or frag & 0x3fff:
                    continue
                udp = off + ihl
            elif ethertype == 0x86dd:
                if pkt[off + 6] != 17:
                    continue
                udp = off + 40
            else:
                continue
            length = struct.unpack('>H', pkt[udp + 4:udp + 6])[0]
            yield pkt[udp + 8:udp + length]


def main():
    p = argparse.ArgumentParser()
    p.add_argument('pcap')
    p.add_argument('--host', default='127.0.0.1')
    p.add_argument('--source', default='127.0.0.1', help='local address to send from (any 127.x on loopback)')
    p.add_argument('--port', type=int, required=True)
    p.add_argument('--count', type=int, default=20, help='datagrams to send')
    p.add_argument('--skip', type=int, default=0, help='datagrams to skip first')
    p.add_argument('--delay', type=float, default=0.02)
    a = p.parse_args()
    family = socket.AF_INET6 if ':' in a.host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind((a.source, 0))
    sent = 0
    for i, payload in enumerate(udp_payloads(a.pcap)):
        if i < a.skip:
            continue
        if sent >= a.count:
            break
        s.sendto(payload, (a.host, a.port))
        sent += 1
        time.sleep(a.delay)
    print(f'sent {sent} datagrams')


if __name__ == '__main__':
    main()
