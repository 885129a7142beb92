// Capture side: fragmented exports (IPFIX over the MTU), VLAN tags, Linux cooked
// frames, truncated snaplen.
#include "../decode/DatagramBuilder.h"
#include "import/FlowSource.h"
#include "io/CaptureReader.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cstdio>
#include <string>
#include <vector>

namespace {

struct Frame {
    std::vector<uint8_t> bytes;
    uint32_t origLen = 0; // 0: same as captured
};

void writePcap(const std::string& path, uint32_t linkType, const std::vector<Frame>& frames, uint32_t snaplen = 65535)
{
    Bytes g;
    auto le32 = [&](uint32_t v) { for (int i = 0; i < 4; ++i) g.u8(uint8_t(v >> (8 * i))); };
    auto le16 = [&](uint16_t v) { g.u8(uint8_t(v)); g.u8(uint8_t(v >> 8)); };
    le32(0xa1b2c3d4); le16(2); le16(4); le32(0); le32(0); le32(snaplen); le32(linkType);
    uint32_t t = 1772438400;
    for (const Frame& f : frames) {
        le32(t++); le32(0); le32(uint32_t(f.bytes.size())); le32(f.origLen ? f.origLen : uint32_t(f.bytes.size()));
        g.raw(f.bytes);
    }
    FILE* out = std::fopen(path.c_str(), "wb");
    QVERIFY(out);
    std::fwrite(g.b.data(), 1, g.b.size(), out);
    std::fclose(out);
}

// An IPFIX message of `records` 21-byte flows (template 256 included).
std::vector<uint8_t> bigIpfix(int records)
{
    Bytes body;
    for (int i = 0; i < records; ++i)
        body.ip(10, 0, uint8_t(i >> 8), uint8_t(i)).ip(192, 0, 2, 1).u16(40000).u16(443).u8(6).u32(uint32_t(1000 + i)).u32(2);
    return ipfixMessage(1772438400, 0, 7,
                        {setOf(2, templateRecord(256, {{8, 4}, {12, 4}, {7, 2}, {11, 2}, {4, 1}, {1, 4}, {2, 4}})),
                         setOf(256, body)});
}

std::vector<uint8_t> udp(uint16_t sport, uint16_t dport, const std::vector<uint8_t>& payload)
{
    Bytes u;
    u.u16(sport).u16(dport).u16(uint16_t(8 + payload.size())).u16(0).raw(payload);
    return u.b;
}

// IPv4 fragments of one UDP datagram, each carrying at most `chunk` bytes (a multiple of 8).
std::vector<std::vector<uint8_t>> ipv4Fragments(const std::vector<uint8_t>& udpBytes, uint16_t id, size_t chunk)
{
    std::vector<std::vector<uint8_t>> out;
    for (size_t off = 0; off < udpBytes.size(); off += chunk) {
        const size_t n = std::min(chunk, udpBytes.size() - off);
        const bool more = off + n < udpBytes.size();
        Bytes ip;
        ip.u8(0x45).u8(0).u16(uint16_t(20 + n)).u16(id).u16(uint16_t((more ? 0x2000 : 0) | (off / 8))).u8(64).u8(17).u16(0);
        ip.ip(198, 51, 100, 7).ip(127, 0, 0, 1);
        ip.raw(std::vector<uint8_t>(udpBytes.begin() + long(off), udpBytes.begin() + long(off + n)));
        out.push_back(ip.b);
    }
    return out;
}

std::vector<std::vector<uint8_t>> ipv6Fragments(const std::vector<uint8_t>& udpBytes, uint32_t id, size_t chunk)
{
    std::vector<std::vector<uint8_t>> out;
    for (size_t off = 0; off < udpBytes.size(); off += chunk) {
        const size_t n = std::min(chunk, udpBytes.size() - off);
        const bool more = off + n < udpBytes.size();
        Bytes ip;
        ip.u32(0x60000000).u16(uint16_t(8 + n)).u8(44).u8(64);
        ip.u32(0x20010db8).u32(0).u32(0).u32(7).u32(0x20010db8).u32(0).u32(0).u32(1); // 2001:db8::7 > 2001:db8::1
        ip.u8(17).u8(0).u16(uint16_t(off | (more ? 1 : 0))).u32(id);
        ip.raw(std::vector<uint8_t>(udpBytes.begin() + long(off), udpBytes.begin() + long(off + n)));
        out.push_back(ip.b);
    }
    return out;
}

std::vector<uint8_t> ether(uint16_t etherType, const std::vector<uint8_t>& payload, bool vlan = false)
{
    Bytes e;
    e.zeros(12);
    if (vlan)
        e.u16(0x8100).u16(100);
    e.u16(etherType).raw(payload);
    return e.b;
}

std::vector<FlowRecord> readAll(const std::string& path, std::vector<ImportIssue>& issues)
{
    std::string error;
    auto src = openFlowSource(path, error);
    if (!src)
        qFatal("%s", error.c_str());
    std::vector<FlowRecord> all;
    while (src->readBatch(all, 100000)) {
    }
    issues = src->issues();
    return all;
}

std::string joined(const std::vector<ImportIssue>& issues)
{
    std::string s;
    for (const ImportIssue& i : issues)
        s += i.toString() + "\n";
    return s;
}

} // namespace

class TestCaptureReader : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    std::string path(const char* name) const { return m_dir.filePath(QLatin1String(name)).toStdString(); }

private slots:
    void ipv4FragmentsOutOfOrderAreReassembled()
    {
        const std::vector<uint8_t> msg = bigIpfix(200); // 16 + 32 + 4 + 4200 bytes
        QVERIFY(msg.size() > 4000);
        auto frags = ipv4Fragments(udp(50000, 4739, msg), 0x1234, 1480);
        QCOMPARE(frags.size(), size_t(3));
        // Another exporter's fragments with the same IP id interleave, and arrive last-first.
        auto other = ipv4Fragments(udp(50000, 4739, bigIpfix(100)), 0x1234, 1480);
        for (auto& f : other)
            f[15] = 8; // source 198.51.100.8
        const std::vector<Frame> frames = {{ether(0x0800, frags[2], true)}, {ether(0x0800, other[1])},
                                           {ether(0x0800, frags[0], true)}, {ether(0x0800, other[0])},
                                           {ether(0x0800, frags[1], true)}};
        writePcap(path("v4frag.pcap"), 1, frames);
        std::vector<ImportIssue> issues;
        const std::vector<FlowRecord> flows = readAll(path("v4frag.pcap"), issues);
        QCOMPARE(flows.size(), size_t(300));
        // .8's datagram completes first (frame 4), then .7's (frame 5).
        QCOMPARE(flows[0].exporter.toString(), std::string("198.51.100.8"));
        QCOMPARE(flows[99].bytes, uint64_t(1099));
        QCOMPARE(flows[100].exporter.toString(), std::string("198.51.100.7"));
        QCOMPARE(flows[100].observationDomain, 7u);
        QCOMPARE(flows[299].bytes, uint64_t(1199));
        QCOMPARE(flows[299].src.toString(), std::string("10.0.0.199"));
        QVERIFY2(issues.empty(), joined(issues).c_str());

        CaptureReader r;
        std::string error;
        QVERIFY(r.open(path("v4frag.pcap"), error));
        UdpDatagram d;
        int datagrams = 0;
        while (r.next(d) == CaptureReader::Result::Datagram) {
            QVERIFY(d.reassembled);
            QCOMPARE(d.dstPort, uint16_t(4739));
            ++datagrams;
        }
        QCOMPARE(datagrams, 2);
        QCOMPARE(r.stats().fragments, uint64_t(5));
        QCOMPARE(r.stats().reassembled, uint64_t(2));
    }

    void ipv6FragmentsAreReassembled()
    {
        auto frags = ipv6Fragments(udp(50001, 4739, bigIpfix(150)), 0xabcdef01, 1232);
        QVERIFY(frags.size() >= 3);
        std::vector<Frame> frames;
        for (auto it = frags.rbegin(); it != frags.rend(); ++it)
            frames.push_back({ether(0x86dd, *it)});
        writePcap(path("v6frag.pcap"), 1, frames);
        std::vector<ImportIssue> issues;
        const std::vector<FlowRecord> flows = readAll(path("v6frag.pcap"), issues);
        QCOMPARE(flows.size(), size_t(150));
        QCOMPARE(flows[0].exporter.toString(), std::string("2001:db8::7"));
        QCOMPARE(flows[149].bytes, uint64_t(1149));
        QVERIFY2(issues.empty(), joined(issues).c_str());
    }

    void missingFragmentIsReported()
    {
        auto frags = ipv4Fragments(udp(50000, 4739, bigIpfix(200)), 0x4321, 1480);
        const std::vector<uint8_t> small = ipfixMessage(1772438400, 0, 1, {});
        // The middle fragment is lost; an unfragmented datagram after it still decodes.
        Bytes whole;
        whole.u8(0x45).u8(0).u16(uint16_t(20 + 8 + 0)).u16(1).u16(0).u8(64).u8(17).u16(0).ip(198, 51, 100, 7).ip(127, 0, 0, 1);
        const std::vector<uint8_t> okMsg = bigIpfix(3);
        std::vector<uint8_t> okIp = ipv4Fragments(udp(50000, 4739, okMsg), 9, 4096)[0];
        writePcap(path("lost.pcap"), 1, {{ether(0x0800, frags[0])}, {ether(0x0800, frags[2])}, {ether(0x0800, okIp)}});
        std::vector<ImportIssue> issues;
        const std::vector<FlowRecord> flows = readAll(path("lost.pcap"), issues);
        QCOMPARE(flows.size(), size_t(3));
        const std::string all = joined(issues);
        QVERIFY2(all.find("1 fragmented datagrams were incomplete (a fragment is missing from the capture)")
                     != std::string::npos,
                 all.c_str());
    }

    void linuxCookedFrames()
    {
        const std::vector<uint8_t> ip = ipv4Fragments(udp(50000, 2055, bigIpfix(4)), 1, 4096)[0];
        Bytes sll; // v1: packet type, ARPHRD, address length, 8 address bytes, protocol
        sll.u16(0).u16(1).u16(6).zeros(8).u16(0x0800).raw(ip);
        Bytes sll2; // v2: protocol, reserved, ifindex, ARPHRD, packet type, address length, 8 address bytes
        sll2.u16(0x0800).u16(0).u32(2).u16(1).u8(0).u8(6).zeros(8).raw(ip);
        writePcap(path("sll.pcap"), 113, {{sll.b}});
        writePcap(path("sll2.pcap"), 276, {{sll2.b}});
        for (const char* f : {"sll.pcap", "sll2.pcap"}) {
            std::vector<ImportIssue> issues;
            const std::vector<FlowRecord> flows = readAll(path(f), issues);
            QVERIFY2(flows.size() == 4, f);
            QCOMPARE(flows[3].bytes, uint64_t(1003));
        }
    }

    void truncatedSnaplenIsReported()
    {
        // Snaplen 200 cut a 40-record message: the records that fit are kept, the cut is said.
        std::vector<uint8_t> frame = ether(0x0800, ipv4Fragments(udp(50000, 4739, bigIpfix(40)), 1, 4096)[0]);
        const uint32_t orig = uint32_t(frame.size());
        frame.resize(200);
        writePcap(path("snap.pcap"), 1, {{frame, orig}}, 200);
        std::vector<ImportIssue> issues;
        const std::vector<FlowRecord> flows = readAll(path("snap.pcap"), issues);
        // 200 - 14 - 20 - 8 - 16 - 36 (template set) - 4 (data set header) = 102 bytes: 4 whole 21-byte records.
        QCOMPARE(flows.size(), size_t(4));
        QCOMPARE(flows[3].bytes, uint64_t(1003));
        const std::string all = joined(issues);
        QVERIFY2(all.find("1 packets were truncated by the capture (caplen < len)") != std::string::npos, all.c_str());
        QVERIFY2(all.find("exceeds the") != std::string::npos, all.c_str());
    }
};

QTEST_GUILESS_MAIN(TestCaptureReader)
#include "tst_capturereader.moc"
