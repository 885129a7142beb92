// The malformed inputs and field quirks of real exporters, each with the exact
// outcome: what is decoded, what is reported, at which offset.
#include "DatagramBuilder.h"
#include "decode/ExportDecoder.h"

#include <QtTest>

#include <map>
#include <string>
#include <vector>

namespace {

const IpAddress kExporter = IpAddress::fromV4(0xc6336407); // 198.51.100.7
constexpr uint32_t kSecs = 1772438400;                      // 2026-03-02T08:00:00Z
constexpr int64_t kSecsMs = int64_t(kSecs) * 1000;

struct Out {
    std::vector<FlowRecord> flows;
    std::vector<DecodeIssue> issues;
    ExportDecoder::Kind kind = ExportDecoder::Kind::NotExport;
};

Out decode(ExportDecoder& dec, const std::vector<uint8_t>& d, uint16_t port = 4739)
{
    Out o;
    o.kind = dec.decode(kExporter, port, 0, d.data(), d.size(), o.flows, o.issues);
    return o;
}

Out decodeFresh(const std::vector<uint8_t>& d)
{
    ExportDecoder dec;
    return decode(dec, d);
}

std::string reasons(const std::vector<DecodeIssue>& issues)
{
    std::string s;
    for (const DecodeIssue& i : issues)
        s += "@" + std::to_string(i.offset) + " " + i.reason + "; ";
    return s;
}

// Template 256: sourceIPv4Address, destinationIPv4Address, ports, protocol, octets, packets (21 bytes a record).
Bytes basicTemplate(uint16_t id = 256)
{
    return templateRecord(id, {{8, 4}, {12, 4}, {7, 2}, {11, 2}, {4, 1}, {1, 4}, {2, 4}});
}

Bytes basicRecord(uint8_t last, uint32_t octets)
{
    Bytes r;
    r.ip(10, 0, 0, last).ip(192, 0, 2, 1).u16(40000).u16(443).u8(6).u32(octets).u32(2);
    return r;
}

} // namespace

class TestDecoderCases : public QObject {
    Q_OBJECT
private slots:
    // --- malformed input: each with its exact error ---------------------------------------
    void setShorterThanItsHeader()
    {
        const Out o = decodeFresh(ipfixMessage(kSecs, 0, 1, {setOf(2, basicTemplate()), setOf(256, basicRecord(1, 100)),
                                                             Bytes().u16(256).u16(2).u16(0xabcd)}));
        QCOMPARE(o.flows.size(), size_t(1)); // the record before it is kept
        QCOMPARE(o.issues.size(), size_t(1));
        QCOMPARE(o.issues[0].reason, std::string("IPFIX set id 256 has length 2, shorter than its 4-byte header"));
        QCOMPARE(o.issues[0].offset, size_t(16 + 4 + 32 + 25 + 2)); // the length field of the bad set
    }

    void setPastTheEndOfTheMessage()
    {
        const Out o = decodeFresh(v9Packet(2, 1000, kSecs, 0, 0, {setOf(0, basicTemplate()),
                                                                    Bytes().u16(256).u16(300).raw(basicRecord(1, 1))}));
        QCOMPARE(o.flows.size(), size_t(0));
        QCOMPARE(reasons(o.issues), std::string("@58 NetFlow v9 flowset id 256 has length 300 but only 25 bytes remain; "));
    }

    void templateWithZeroFields()
    {
        // v9 has no withdrawal: a template without fields is an error (IPFIX: withdrawal, below).
        const Out o = decodeFresh(v9Packet(1, 1000, kSecs, 0, 0, {setOf(0, Bytes().u16(300).u16(0))}));
        QCOMPARE(reasons(o.issues), std::string("@24 NetFlow v9 template 300 has no fields; "));
    }

    void templateWithMoreFieldsThanItsSet()
    {
        const Out o = decodeFresh(ipfixMessage(kSecs, 0, 1, {setOf(2, Bytes().u16(256).u16(200).u16(8).u16(4))}));
        QCOMPARE(reasons(o.issues), std::string("@20 template 256 announces 200 fields but its set has room for 1; "));
    }

    void templateOfZeroLengthFieldsOnly()
    {
        ExportDecoder dec;
        const Out t = decode(dec, v9Packet(1, 1000, kSecs, 0, 0, {setOf(0, templateRecord(260, {{8, 0}, {12, 0}}))}));
        QCOMPARE(reasons(t.issues), std::string("@24 template 260 has only zero-length fields; "));
        // Its data is skipped without looping and without inventing records.
        const Out d = decode(dec, v9Packet(1, 2000, kSecs + 1, 1, 0, {setOf(260, Bytes().zeros(40))}));
        QCOMPARE(d.flows.size(), size_t(0));
        QCOMPARE(d.issues.size(), size_t(0));
    }

    void fieldLongerThanTheRecordData()
    {
        ExportDecoder dec;
        decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(2, templateRecord(256, {{8, 4}, {82, 60000}}))}));
        const Out o = decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(256, Bytes().ip(10, 0, 0, 1).u32(7).zeros(20))}));
        QCOMPARE(o.flows.size(), size_t(0));
        QCOMPARE(reasons(o.issues),
                 std::string("@20 data set of template 256 has 28 bytes, less than one record of 60004 bytes; "));
    }

    void variableLengthEscapePastTheEnd()
    {
        // interfaceName (82) variable: 255 then a 2-byte length of 1000, but the set ends.
        Bytes rec;
        rec.ip(10, 0, 0, 1).u8(255).u16(1000).raw(std::vector<uint8_t>(10, 'x'));
        const Out o = decodeFresh(ipfixMessage(kSecs, 0, 1, {setOf(2, templateRecord(256, {{8, 4}, {82, 65535}})),
                                                             setOf(256, rec)}));
        QCOMPARE(o.flows.size(), size_t(0));
        QCOMPARE(reasons(o.issues), std::string("@36 variable-length field of record 1 of template 256 runs past the "
                                                "end of its set (17 bytes left); "));
    }

    void unknownVersionAndTruncatedHeaders()
    {
        const std::vector<uint8_t> v3 = {0, 3, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        QCOMPARE(ExportDecoder::detect(v3.data(), v3.size()), ExportDecoder::Kind::NotExport);
        QCOMPARE(ExportDecoder::notExportReason(v3.data(), v3.size()), std::string("unknown NetFlow/IPFIX version 3"));
        const std::vector<uint8_t> v9 = {0, 9, 0, 1, 0, 0, 0, 0, 0, 0};
        QCOMPARE(ExportDecoder::detect(v9.data(), v9.size()), ExportDecoder::Kind::NotExport);
        QCOMPARE(ExportDecoder::notExportReason(v9.data(), v9.size()),
                 std::string("truncated NetFlow v9 header: 10 of 20 bytes"));
        const std::vector<uint8_t> ipfix = {0, 10, 0, 40, 0, 0, 0, 0, 0, 0};
        QCOMPARE(ExportDecoder::notExportReason(ipfix.data(), ipfix.size()),
                 std::string("truncated IPFIX header: 10 of 16 bytes"));
        const std::vector<uint8_t> v5(30, 0);
        std::vector<uint8_t> v5h = v5;
        v5h[1] = 5;
        QCOMPARE(ExportDecoder::detect(v5h.data(), v5h.size()), ExportDecoder::Kind::NotExport);
        QVERIFY(!ExportDecoder::notExportReason(v5h.data(), v5h.size()).empty());
    }

    void dataSetForAWithdrawnTemplate()
    {
        ExportDecoder dec;
        decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(2, basicTemplate())}));
        QCOMPARE(decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(256, basicRecord(1, 5))})).flows.size(), size_t(1));
        // Withdrawal: template id 256 with field count 0 (RFC 7011 §8.1).
        decode(dec, ipfixMessage(kSecs, 1, 1, {setOf(2, Bytes().u16(256).u16(0))}));
        const Out o = decode(dec, ipfixMessage(kSecs, 1, 1, {setOf(256, basicRecord(2, 5))}));
        QCOMPARE(o.flows.size(), size_t(0));
        QCOMPARE(reasons(o.issues), std::string("@16 data set for withdrawn template 256; "));
        // Redefined: usable again.
        decode(dec, ipfixMessage(kSecs, 1, 1, {setOf(2, basicTemplate())}));
        QCOMPARE(decode(dec, ipfixMessage(kSecs, 1, 1, {setOf(256, basicRecord(3, 5))})).flows.size(), size_t(1));
    }

    void withdrawingAllTemplatesAndOptionsTemplates()
    {
        ExportDecoder dec;
        Bytes opt; // options template 300: scope observationDomainId, then samplingPacketInterval
        opt.u16(300).u16(2).u16(1).u16(149).u16(4).u16(305).u16(4);
        decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(2, basicTemplate(256)), setOf(2, basicTemplate(257)),
                                               setOf(3, opt)}));
        // Set id 2 with template id 2 and count 0: withdraw every (non-options) template.
        decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(2, Bytes().u16(2).u16(0))}));
        Out o = decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(256, basicRecord(1, 1)), setOf(257, basicRecord(2, 1))}));
        QCOMPARE(o.flows.size(), size_t(0));
        QCOMPARE(o.issues.size(), size_t(2));
        // The options template survives that, and goes with set id 3 / template id 3.
        o = decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(300, Bytes().u32(1).u32(100))}));
        QCOMPARE(o.issues.size(), size_t(0));
        decode(dec, ipfixMessage(kSecs, 1, 1, {setOf(3, Bytes().u16(3).u16(0))}));
        o = decode(dec, ipfixMessage(kSecs, 1, 1, {setOf(300, Bytes().u32(1).u32(100))}));
        QCOMPARE(reasons(o.issues), std::string("@16 data set for withdrawn template 300; "));
    }

    // --- field cases that broke other decoders ------------------------------------------
    void zeroFilledDatagramAfterTheLastSet()
    {
        // Palo Alto: one flowset in a datagram zero-filled to 1400 bytes; also a set of length 0 in the zeros.
        std::vector<uint8_t> d = v9Packet(2, 1000, kSecs, 0, 0, {setOf(0, basicTemplate()), setOf(256, basicRecord(1, 9))});
        d.resize(1400, 0);
        const Out o = decodeFresh(d);
        QCOMPARE(o.flows.size(), size_t(1));
        QCOMPARE(reasons(o.issues), std::string());
    }

    void setLengthZeroAmidDataStopsCleanly()
    {
        std::vector<uint8_t> d = ipfixMessage(kSecs, 0, 1, {setOf(2, basicTemplate()), setOf(256, basicRecord(1, 9)),
                                                            Bytes().u16(256).u16(0).u32(0x01020304)});
        const Out o = decodeFresh(d);
        QCOMPARE(o.flows.size(), size_t(1));
        QCOMPARE(reasons(o.issues), std::string("@79 IPFIX set id 256 has length 0, shorter than its 4-byte header; "));
    }

    void paddingAfterTheLastRecord()
    {
        for (size_t pad : {1, 2, 3, 7, 20}) { // 20 < one 21-byte record: still padding
            Bytes body = basicRecord(1, 1);
            body.raw(basicRecord(2, 2)).zeros(pad);
            const Out o = decodeFresh(ipfixMessage(kSecs, 0, 1, {setOf(2, basicTemplate()), setOf(256, body)}));
            QVERIFY2(o.flows.size() == 2, qPrintable(QString::number(pad)));
            QVERIFY2(o.issues.empty(), reasons(o.issues).c_str());
        }
    }

    void recordsShorterThanFourBytes()
    {
        // A one-field template (protocolIdentifier, 1 byte): every whole record is decoded.
        Bytes body;
        body.u8(6).u8(17).u8(1).u8(6).u8(17);
        const Out o = decodeFresh(ipfixMessage(kSecs, 0, 1, {setOf(2, templateRecord(256, {{4, 1}})), setOf(256, body)}));
        QCOMPARE(o.flows.size(), size_t(5));
        QCOMPARE(int(o.flows[1].protocol), 17);
        QCOMPARE(int(o.flows[2].protocol), 1);
    }

    void v5CountIsReportedNotTrusted()
    {
        Bytes v5;
        v5.u16(5).u16(55582).u32(5000).u32(kSecs).u32(0).u32(0).u16(0).u16(0);
        for (int i = 0; i < 3; ++i) {
            v5.ip(10, 0, 0, uint8_t(i + 1)).ip(192, 0, 2, 1).ip(0, 0, 0, 0).u16(1).u16(2);
            v5.u32(4).u32(1500).u32(1000).u32(4000).u16(5000).u16(80).u8(0).u8(0x12).u8(6).u8(0).u16(0).u16(0).u8(24).u8(24).u16(0);
        }
        const Out o = decodeFresh(v5.b);
        QCOMPARE(o.kind, ExportDecoder::Kind::NetflowV5);
        QCOMPARE(o.flows.size(), size_t(3));
        QCOMPARE(reasons(o.issues), std::string("@2 NetFlow v5 header announces 55582 records but the datagram holds 3; "));
        // uptime-relative: export time − uptime + FIRST = kSecs*1000 − 5000 + 1000
        QCOMPARE(o.flows[0].startMs, kSecsMs - 4000);
        QCOMPARE(o.flows[0].endMs, kSecsMs - 1000);
        QCOMPARE(o.flows[2].bytes, uint64_t(1500));
    }

    void v9CountIsNeverUsedToDelimit()
    {
        const Out o = decodeFresh(v9Packet(1, 1000, kSecs, 0, 0, {setOf(0, basicTemplate()),
                                                                    setOf(256, Bytes().raw(basicRecord(1, 1)).raw(basicRecord(2, 2)).raw(basicRecord(3, 3)))}));
        QCOMPARE(o.flows.size(), size_t(3));
        QCOMPARE(o.issues.size(), size_t(0));
    }

    void dataBeforeTheTemplateInOneDatagram()
    {
        const Out o = decodeFresh(v9Packet(2, 1000, kSecs, 0, 0, {setOf(256, basicRecord(7, 77)), setOf(0, basicTemplate())}));
        QCOMPARE(o.flows.size(), size_t(1));
        QCOMPARE(o.flows[0].src.toString(), std::string("10.0.0.7"));
        QCOMPARE(o.flows[0].bytes, uint64_t(77));
        QCOMPARE(o.issues.size(), size_t(0));
    }

    void oneTemplateIdAcrossDomainsAndPorts()
    {
        ExportDecoder dec;
        // Line card 1 and 2 of one exporter, and a second exporting process on another port:
        // the same id 256 with different layouts.
        decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(2, basicTemplate())}), 4739);
        decode(dec, ipfixMessage(kSecs, 0, 2, {setOf(2, templateRecord(256, {{8, 4}, {1, 8}}))}), 4739);
        decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(2, templateRecord(256, {{12, 4}, {2, 8}}))}), 4740);
        Out a = decode(dec, ipfixMessage(kSecs, 1, 1, {setOf(256, basicRecord(1, 111))}), 4739);
        Out b = decode(dec, ipfixMessage(kSecs, 1, 2, {setOf(256, Bytes().ip(10, 9, 9, 9).u64(222))}), 4739);
        Out c = decode(dec, ipfixMessage(kSecs, 1, 1, {setOf(256, Bytes().ip(10, 8, 8, 8).u64(333))}), 4740);
        QCOMPARE(a.flows.size(), size_t(1));
        QCOMPARE(a.flows[0].bytes, uint64_t(111));
        QCOMPARE(b.flows[0].bytes, uint64_t(222));
        QCOMPARE(b.flows[0].src.toString(), std::string("10.9.9.9"));
        QCOMPARE(b.flows[0].observationDomain, 2u);
        QCOMPARE(c.flows[0].packets, uint64_t(333));
        QCOMPARE(c.flows[0].dst.toString(), std::string("10.8.8.8"));
        QCOMPARE(c.flows[0].exporterPort, uint16_t(4740));
    }

    void enterpriseElementIsNotTheIanaOne()
    {
        // PEN 29305 id 1 is reverseOctetDeltaCount, not octetDeltaCount; an unknown PEN is skipped.
        Bytes rec;
        rec.ip(10, 0, 0, 1).u32(1000).u32(55).u32(0xdeadbeef);
        const Out o = decodeFresh(ipfixMessage(kSecs, 0, 1, {setOf(2, templateRecord(256, {{8, 4}, {1, 4},
                                                                                            {1, 4, 29305}, {1, 4, 9}})),
                                                             setOf(256, rec)}));
        QCOMPARE(o.flows.size(), size_t(1));
        QCOMPARE(o.flows[0].bytes, uint64_t(1000));
        QCOMPARE(o.flows[0].revBytes, uint64_t(55));
        QVERIFY(o.issues.empty());
    }

    void variableLengthOver255Bytes()
    {
        Bytes rec;
        rec.ip(10, 0, 0, 1).u8(255).u16(300).raw(std::vector<uint8_t>(300, 'a')).u8(6);
        const Out o = decodeFresh(ipfixMessage(kSecs, 0, 1, {setOf(2, templateRecord(256, {{8, 4}, {82, 65535}, {4, 1}})),
                                                             setOf(256, rec)}));
        QCOMPARE(o.flows.size(), size_t(1));
        QCOMPARE(int(o.flows[0].protocol), 6); // the field after the long string is read at the right place
        QVERIFY2(o.issues.empty(), reasons(o.issues).c_str());
    }

    void elementLengthsThatDifferFromTheDictionary()
    {
        // 8-byte flowId-like counters, 2-byte IPv4 address (H3C), 3-byte octet counter.
        Bytes rec;
        rec.u16(0x0a01).ip(192, 0, 2, 9).u8(0).u16(700).u64(42).u8(17);
        const Out o = decodeFresh(ipfixMessage(kSecs, 0, 1, {setOf(2, templateRecord(256, {{8, 2}, {12, 4}, {1, 3},
                                                                                            {148, 8}, {4, 1}})),
                                                             setOf(256, rec)}));
        QCOMPARE(o.flows.size(), size_t(1));
        QCOMPARE(o.flows[0].bytes, uint64_t(700));
        QCOMPARE(o.flows[0].dst.toString(), std::string("192.0.2.9"));
        QCOMPARE(int(o.flows[0].protocol), 17);
    }

    void timestampsInEveryForm()
    {
        const uint64_t startMs = 1772438401250ULL, endMs = 1772438403500ULL;
        auto ntp = [](uint64_t ms) { // NTP 64-bit: seconds since 1900, fraction
            const uint64_t secs = ms / 1000 + 2208988800ULL;
            const uint64_t frac = ((ms % 1000) << 32) / 1000;
            return (secs << 32) | frac;
        };
        struct Case {
            const char* name;
            Bytes tmpl, rec;
            int64_t start, end;
        } cases[] = {
            {"seconds", templateRecord(256, {{8, 4}, {150, 4}, {151, 4}}), Bytes().ip(10, 0, 0, 1).u32(1772438401).u32(1772438403),
             1772438401000LL, 1772438403000LL},
            {"milliseconds", templateRecord(256, {{8, 4}, {152, 8}, {153, 8}}), Bytes().ip(10, 0, 0, 1).u64(startMs).u64(endMs),
             int64_t(startMs), int64_t(endMs)},
            {"microseconds (NTP)", templateRecord(256, {{8, 4}, {154, 8}, {155, 8}}),
             Bytes().ip(10, 0, 0, 1).u64(ntp(startMs)).u64(ntp(endMs)), int64_t(startMs), int64_t(endMs)},
            {"nanoseconds (NTP)", templateRecord(256, {{8, 4}, {156, 8}, {157, 8}}),
             Bytes().ip(10, 0, 0, 1).u64(ntp(startMs)).u64(ntp(endMs)), int64_t(startMs), int64_t(endMs)},
            // deltas: microseconds before the export time
            {"delta microseconds", templateRecord(256, {{8, 4}, {158, 4}, {159, 4}}),
             Bytes().ip(10, 0, 0, 1).u32(4000000).u32(1500000), kSecsMs + 5000 - 4000, kSecsMs + 5000 - 1500},
            {"no time field", templateRecord(256, {{8, 4}, {4, 1}}), Bytes().ip(10, 0, 0, 1).u8(6), kSecsMs + 5000,
             kSecsMs + 5000},
        };
        for (const Case& c : cases) {
            const Out o = decodeFresh(ipfixMessage(kSecs + 5, 0, 1, {setOf(2, c.tmpl), setOf(256, c.rec)}));
            QVERIFY2(o.flows.size() == 1, c.name);
            QVERIFY2(std::llabs(o.flows[0].startMs - c.start) <= 1,
                     qPrintable(QStringLiteral("%1: start %2, want %3").arg(QLatin1String(c.name)).arg(o.flows[0].startMs).arg(c.start)));
            QVERIFY2(std::llabs(o.flows[0].endMs - c.end) <= 1,
                     qPrintable(QStringLiteral("%1: end %2, want %3").arg(QLatin1String(c.name)).arg(o.flows[0].endMs).arg(c.end)));
        }
    }

    void sysUpTimeWithSystemInitFromOptions()
    {
        // Options template 300: scope observationDomainId, systemInitTimeMilliseconds; flows in
        // flowStart/EndSysUpTime (ms since init). The options record comes in the next message.
        ExportDecoder dec;
        Bytes opt;
        opt.u16(300).u16(2).u16(1).u16(149).u16(4).u16(160).u16(8);
        Out first = decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(2, templateRecord(256, {{8, 4}, {22, 4}, {21, 4}})),
                                                           setOf(3, opt),
                                                           setOf(256, Bytes().ip(10, 0, 0, 1).u32(1000).u32(3000))}));
        QCOMPARE(first.flows.size(), size_t(0)); // held: a 1970 date would be a lie
        const uint64_t init = uint64_t(kSecsMs) - 60000;
        Out second = decode(dec, ipfixMessage(kSecs, 1, 1, {setOf(300, Bytes().u32(1).u64(init))}));
        QCOMPARE(second.flows.size(), size_t(1));
        QCOMPARE(second.flows[0].startMs, int64_t(init + 1000));
        QCOMPARE(second.flows[0].endMs, int64_t(init + 3000));
    }

    void v9UptimeWrap()
    {
        // sysUptime wrapped past 2^32 ms shortly before export: FIRST_SWITCHED from before the wrap
        // is a large value, and lies in the past.
        const Out o = decodeFresh(v9Packet(1, 2000, kSecs, 0, 0, {setOf(0, templateRecord(256, {{8, 4}, {22, 4}, {21, 4}})),
                                                                    setOf(256, Bytes().ip(10, 0, 0, 1).u32(0xffffff00u).u32(1500))}));
        QCOMPARE(o.flows.size(), size_t(1));
        QCOMPARE(o.flows[0].startMs, kSecsMs - 2000 - 256);
        QCOMPARE(o.flows[0].endMs, kSecsMs - 500);
    }

    void samplingFromOptionsBeforeOrAfterTheFlows()
    {
        Bytes opt; // v9 options template 257: scope system (1) 4 bytes; SAMPLING_INTERVAL (34) 4 bytes
        opt.u16(257).u16(4).u16(4).u16(1).u16(4).u16(34).u16(4);
        // Before: flows get the rate.
        {
            ExportDecoder dec;
            decode(dec, v9Packet(2, 1000, kSecs, 0, 0, {setOf(1, opt), setOf(257, Bytes().u32(0).u32(512)),
                                                         setOf(0, basicTemplate())}), 2055);
            const Out o = decode(dec, v9Packet(1, 2000, kSecs + 1, 1, 0, {setOf(256, basicRecord(1, 10))}), 2055);
            QCOMPARE(o.flows.size(), size_t(1));
            QCOMPARE(o.flows[0].samplingRate, 512u);
            QCOMPARE(o.flows[0].bytes, uint64_t(10)); // raw, as exported
        }
        // From another source port of the same exporter address (some exporters do that).
        {
            ExportDecoder dec;
            decode(dec, v9Packet(2, 1000, kSecs, 0, 0, {setOf(1, opt), setOf(257, Bytes().u32(0).u32(100))}), 2056);
            decode(dec, v9Packet(1, 1000, kSecs, 0, 0, {setOf(0, basicTemplate())}), 2055);
            const Out o = decode(dec, v9Packet(1, 2000, kSecs + 1, 1, 0, {setOf(256, basicRecord(1, 10))}), 2055);
            QCOMPARE(o.flows[0].samplingRate, 100u);
        }
    }

    void sequenceLossPerVersionRules()
    {
        ExportDecoder dec;
        // IPFIX: the sequence counts data records. 3 records, then a message claiming 10: 7 lost.
        Bytes three = basicRecord(1, 1);
        three.raw(basicRecord(2, 1)).raw(basicRecord(3, 1));
        decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(2, basicTemplate()), setOf(256, three)}));
        decode(dec, ipfixMessage(kSecs, 10, 1, {setOf(256, basicRecord(4, 1))}));
        // v9: the sequence counts export packets. 0, 1, then 5: 3 lost. Uptime going back = restart.
        decode(dec, v9Packet(1, 1000, kSecs, 0, 0, {setOf(0, basicTemplate())}), 2055);
        decode(dec, v9Packet(1, 2000, kSecs, 1, 0, {setOf(256, basicRecord(1, 1))}), 2055);
        decode(dec, v9Packet(1, 3000, kSecs, 5, 0, {setOf(256, basicRecord(1, 1))}), 2055);
        decode(dec, v9Packet(1, 100, kSecs + 10, 0, 0, {setOf(0, basicTemplate())}), 2055);
        // v5: the sequence counts flows; wraps at 2^32.
        auto v5 = [](uint32_t seq, int flows) {
            Bytes b;
            b.u16(5).u16(uint16_t(flows)).u32(5000).u32(kSecs).u32(0).u32(seq).u16(0).u16(0);
            for (int i = 0; i < flows; ++i)
                b.ip(10, 0, 0, 1).ip(192, 0, 2, 1).u32(0).u16(0).u16(0).u32(1).u32(40).u32(1000).u32(2000).u16(1).u16(2).u8(0).u8(0).u8(6).u8(0).u16(0).u16(0).u8(0).u8(0).u16(0); // 48 bytes
            return b.b;
        };
        decode(dec, v5(0xfffffffeu, 2), 9996);
        decode(dec, v5(0, 2), 9996);  // 0xfffffffe + 2 wraps to 0: no loss
        decode(dec, v5(12, 1), 9996); // 10 flows lost
        std::map<uint16_t, ExporterStats> byPort; // one exporting process per port here
        for (const ExporterStats& s : dec.exporterStats())
            byPort[s.key.port] = s;
        QCOMPARE(byPort[4739].sequenceLost, uint64_t(7));
        QCOMPARE(byPort[4739].sequenceGaps, uint64_t(1));
        QCOMPARE(byPort[2055].sequenceLost, uint64_t(3));
        QCOMPARE(byPort[2055].sequenceRestarts, uint64_t(1));
        QCOMPARE(byPort[9996].sequenceLost, uint64_t(10));
        QCOMPARE(byPort[9996].sequenceGaps, uint64_t(1));
    }
};

QTEST_GUILESS_MAIN(TestDecoderCases)
#include "tst_decodercases.moc"
