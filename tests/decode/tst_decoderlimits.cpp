// The decoder's limits (DecoderLimits): what a hostile exporter, or a capture
// of many, cannot make it hold. Each limit is reached here with small settings,
// and each is counted (totals and the exporter's statistics) and reported once.
#include "DatagramBuilder.h"
#include "decode/ExportDecoder.h"
#include "import/ExportCaptureSource.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cstdio>

#include <string>
#include <vector>

namespace {

const IpAddress kExporter = IpAddress::fromV4(0xc6336407); // 198.51.100.7
constexpr uint32_t kSecs = 1772438400;                      // 2026-03-02T08:00:00Z

struct Out {
    std::vector<FlowRecord> flows;
    std::vector<DecodeIssue> issues;
};

Out decode(ExportDecoder& dec, const std::vector<uint8_t>& d, uint16_t port = 4739,
           const IpAddress& exporter = kExporter)
{
    Out o;
    dec.decode(exporter, port, 0, d.data(), d.size(), o.flows, o.issues);
    return o;
}

std::string reasons(const std::vector<DecodeIssue>& issues)
{
    std::string s;
    for (const DecodeIssue& i : issues)
        s += i.reason + "; ";
    return s;
}

int countLimitIssues(const std::vector<DecodeIssue>& issues)
{
    int n = 0;
    for (const DecodeIssue& i : issues)
        n += i.reason.rfind("limit reached: ", 0) == 0;
    return n;
}

Bytes basicTemplate(uint16_t id)
{
    return templateRecord(id, {{8, 4}, {12, 4}, {7, 2}, {11, 2}, {4, 1}, {1, 4}, {2, 4}});
}

Bytes basicRecord(uint8_t last, uint32_t octets)
{
    Bytes r;
    r.ip(10, 0, 0, last).ip(192, 0, 2, 1).u16(40000).u16(443).u8(6).u32(octets).u32(2);
    return r;
}

const ExporterStats& statsOf(const ExportDecoder& dec, uint16_t port, uint32_t domain = 1)
{
    for (const auto& [key, st] : dec.cache().exporters())
        if (key.port == port && key.domain == domain)
            return st.stats;
    static const ExporterStats none;
    return none;
}

// A classic pcap (Ethernet) of UDP datagrams from 198.51.100.7, one per (source port, payload).
void writeCapture(const std::string& path, const std::vector<std::pair<uint16_t, std::vector<uint8_t>>>& datagrams)
{
    Bytes f; // little-endian header fields, written byte by byte
    auto le32 = [&f](uint32_t v) { f.u8(uint8_t(v)).u8(uint8_t(v >> 8)).u8(uint8_t(v >> 16)).u8(uint8_t(v >> 24)); };
    le32(0xa1b2c3d4);
    f.u8(2).u8(0).u8(4).u8(0);
    le32(0);
    le32(0);
    le32(65535);
    le32(1);
    uint32_t t = kSecs;
    for (const auto& [port, payload] : datagrams) {
        const uint32_t len = uint32_t(14 + 20 + 8 + payload.size());
        le32(t++);
        le32(0);
        le32(len);
        le32(len);
        f.zeros(12).u16(0x0800);
        f.u8(0x45).u8(0).u16(uint16_t(20 + 8 + payload.size())).u16(0).u16(0).u8(64).u8(17).u16(0);
        f.ip(198, 51, 100, 7).ip(127, 0, 0, 1);
        f.u16(port).u16(2055).u16(uint16_t(8 + payload.size())).u16(0).raw(payload);
    }
    FILE* out = std::fopen(path.c_str(), "wb");
    QVERIFY(out);
    QCOMPARE(std::fwrite(f.b.data(), 1, f.b.size(), out), f.b.size());
    std::fclose(out);
}

} // namespace

class TestDecoderLimits : public QObject {
    Q_OBJECT
private slots:
    void exportersBeyondTheLimitAreNotDecoded()
    {
        DecoderLimits limits;
        limits.maxExporters = 3;
        ExportDecoder dec(limits);
        std::vector<DecodeIssue> all;
        for (uint16_t port = 5000; port < 5005; ++port) {
            Out o = decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(2, basicTemplate(256)), setOf(256, basicRecord(1, 9))}),
                           port);
            QCOMPARE(o.flows.size(), size_t(port < 5003 ? 1 : 0));
            all.insert(all.end(), o.issues.begin(), o.issues.end());
        }
        // A known exporter goes on being decoded.
        QCOMPARE(decode(dec, ipfixMessage(kSecs, 1, 1, {setOf(256, basicRecord(2, 9))}), 5001).flows.size(), size_t(1));
        QCOMPARE(dec.cache().exporters().size(), size_t(3));
        QCOMPARE(dec.totals().exportersRefused, uint64_t(2));
        QCOMPARE(dec.totals().datagrams, uint64_t(6));
        QCOMPARE(reasons(all), std::string("limit reached: 3 exporters (address, port, domain) already have state; "
                                           "datagrams of exporter 198.51.100.7:5003 domain 1 and any later new "
                                           "exporter are not decoded; "));
    }

    // A long-running collector forgets exporters that went quiet, so that new
    // ones fit under maxExporters; the active ones keep their templates.
    void idleExportersExpireAndMakeRoom()
    {
        DecoderLimits limits;
        limits.maxExporters = 2;
        ExportDecoder dec(limits);
        auto at = [&dec](int64_t seconds, const std::vector<uint8_t>& d, uint16_t port) {
            Out o;
            dec.decode(kExporter, port, seconds * 1'000'000, d.data(), d.size(), o.flows, o.issues);
            return o;
        };
        const auto templateAndData = ipfixMessage(kSecs, 0, 1, {setOf(2, basicTemplate(256)), setOf(256, basicRecord(1, 9))});
        QCOMPARE(at(100, templateAndData, 5000).flows.size(), size_t(1));
        QCOMPARE(at(100, templateAndData, 5001).flows.size(), size_t(1));
        // 5000 waits for a template it never gets; 5001 keeps sending.
        QCOMPARE(at(150, ipfixMessage(kSecs, 1, 1, {setOf(257, basicRecord(2, 9))}), 5000).flows.size(), size_t(0));
        QCOMPARE(at(1000, ipfixMessage(kSecs, 1, 1, {setOf(256, basicRecord(3, 9))}), 5001).flows.size(), size_t(1));
        QCOMPARE(dec.templateCount(), size_t(2));
        QCOMPARE(dec.heldSets(), size_t(1));
        // Full: a third exporter is refused.
        QCOMPARE(at(1000, templateAndData, 5002).flows.size(), size_t(0));
        QCOMPARE(dec.totals().exportersRefused, uint64_t(1));

        std::vector<FlowRecord> flows;
        std::vector<DecodeIssue> issues;
        // Idle 850 s and 0 s: nothing is older than 900 s yet.
        QVERIFY(dec.expireIdle(int64_t(1000) * 1'000'000, int64_t(900) * 1'000'000, flows, issues).empty());
        const std::vector<ExporterStats> expired
            = dec.expireIdle(int64_t(1200) * 1'000'000, int64_t(900) * 1'000'000, flows, issues);
        QCOMPARE(expired.size(), size_t(1));
        QCOMPARE(expired[0].key.port, uint16_t(5000));
        QCOMPARE(expired[0].datagrams, uint64_t(2));
        QCOMPARE(expired[0].flows, uint64_t(1));
        QCOMPARE(expired[0].droppedSets, uint64_t(1));
        QCOMPARE(reasons(issues), std::string("exporter 198.51.100.7:5000 domain 1: 1 data sets never decoded, no "
                                              "template received before it went idle; "));
        QVERIFY(flows.empty());
        QCOMPARE(dec.totals().exportersExpired, uint64_t(1));
        QCOMPARE(dec.cache().exporters().size(), size_t(1));
        QCOMPARE(dec.templateCount(), size_t(1));
        QCOMPARE(dec.heldSets(), size_t(0));
        QCOMPARE(dec.pendingBytes(), size_t(0));
        // The active one still decodes; a new one fits now.
        QCOMPARE(at(1200, ipfixMessage(kSecs, 2, 1, {setOf(256, basicRecord(4, 9))}), 5001).flows.size(), size_t(1));
        QCOMPARE(at(1200, templateAndData, 5002).flows.size(), size_t(1));
        // Full again: the expired one is a new exporter now, and refused.
        QCOMPARE(at(1200, ipfixMessage(kSecs, 2, 1, {setOf(256, basicRecord(5, 9))}), 5000).flows.size(), size_t(0));
        QCOMPARE(dec.totals().exportersRefused, uint64_t(2));
    }

    // Restored exporters (a collector's restart) have sent nothing yet: their idle time starts at the first check.
    void restoredExportersStartTheirIdleTimeAtTheFirstCheck()
    {
        ExportDecoder dec;
        dec.restoreTemplate({kExporter, 4739, 1, 10}, 256, false, {{8, 4}, {12, 4}});
        std::vector<FlowRecord> flows;
        std::vector<DecodeIssue> issues;
        QVERIFY(dec.expireIdle(int64_t(5000) * 1'000'000, 1'000'000, flows, issues).empty());
        QVERIFY(dec.expireIdle(int64_t(5001) * 1'000'000, 1'000'000, flows, issues).empty());
        QCOMPARE(dec.expireIdle(int64_t(5002) * 1'000'000, 1'000'000, flows, issues).size(), size_t(1));
        QCOMPARE(dec.templateCount(), size_t(0));
    }

    void templatesPerExporter()
    {
        DecoderLimits limits;
        limits.maxTemplatesPerExporter = 2;
        ExportDecoder dec(limits);
        Out o = decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(2, Bytes().raw(basicTemplate(256)).raw(basicTemplate(257))
                                                                     .raw(basicTemplate(258)).raw(basicTemplate(259)))}));
        QCOMPARE(countLimitIssues(o.issues), 1);
        QVERIFY2(reasons(o.issues).find("template 258 not kept, the exporter already has 2 templates") != std::string::npos,
                 reasons(o.issues).c_str());
        QCOMPARE(dec.totals().templatesRefused, uint64_t(2));
        QCOMPARE(statsOf(dec, 4739).templatesRefused, uint64_t(2));
        QCOMPARE(dec.templateCount(), size_t(2));
        // The kept ones decode and may be redefined; data of a refused one waits, then is reported undecoded.
        o = decode(dec, ipfixMessage(kSecs, 1, 1, {setOf(2, basicTemplate(257)), setOf(257, basicRecord(1, 1)),
                                                   setOf(258, basicRecord(2, 2))}));
        QCOMPARE(o.flows.size(), size_t(1));
        QCOMPARE(dec.totals().templatesRefused, uint64_t(2));
        std::vector<DecodeIssue> end;
        dec.finish(end);
        QVERIFY2(reasons(end).find("1 data sets never decoded, no template received (template ids 258)") != std::string::npos,
                 reasons(end).c_str());
    }

    void templatesInAll()
    {
        DecoderLimits limits;
        limits.maxTemplatesTotal = 3;
        ExportDecoder dec(limits);
        decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(2, Bytes().raw(basicTemplate(256)).raw(basicTemplate(257)))}), 4739);
        Out o = decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(2, Bytes().raw(basicTemplate(256)).raw(basicTemplate(257)))}),
                       4740);
        QCOMPARE(dec.templateCount(), size_t(3));
        QCOMPARE(statsOf(dec, 4740).templatesRefused, uint64_t(1));
        QVERIFY2(reasons(o.issues).find("all exporters together already have 3 templates") != std::string::npos,
                 reasons(o.issues).c_str());
        // A withdrawal frees room (RFC 7011 §8.1).
        decode(dec, ipfixMessage(kSecs, 1, 1, {setOf(2, Bytes().u16(257).u16(0))}), 4739);
        QCOMPARE(dec.templateCount(), size_t(2));
        o = decode(dec, ipfixMessage(kSecs, 1, 1, {setOf(2, basicTemplate(257)), setOf(257, basicRecord(3, 3))}), 4740);
        QCOMPARE(o.flows.size(), size_t(1));
        QCOMPARE(dec.templateCount(), size_t(3));
        QCOMPARE(dec.totals().templatesRefused, uint64_t(1));
    }

    void fieldsPerTemplate()
    {
        DecoderLimits limits;
        limits.maxTemplateFields = 7;
        ExportDecoder dec(limits);
        // 7 fields: kept.
        Out o = decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(2, basicTemplate(256)), setOf(256, basicRecord(1, 1))}));
        QCOMPARE(o.flows.size(), size_t(1));
        // The same id redefined with 8 fields: refused, and the old definition is gone too.
        o = decode(dec, ipfixMessage(kSecs, 1, 1, {setOf(2, templateRecord(256, {{8, 4}, {12, 4}, {7, 2}, {11, 2},
                                                                                  {4, 1}, {1, 4}, {2, 4}, {5, 1}})),
                                                   setOf(256, basicRecord(2, 2))}));
        QCOMPARE(o.flows.size(), size_t(0));
        QCOMPARE(reasons(o.issues), std::string("limit reached: exporter 198.51.100.7:4739 domain 1: template 256 has 8 "
                                                "fields, more than the limit of 7; not kept (this exporter's later ones "
                                                "are counted, not listed); "));
        QCOMPARE(o.issues[0].offset, size_t(16 + 4));
        QCOMPARE(dec.totals().templatesTooLarge, uint64_t(1));
        QCOMPARE(statsOf(dec, 4739).templatesTooLarge, uint64_t(1));
        QCOMPARE(dec.templateCount(), size_t(0));
        // Default limit: 512 fields; a set has room for 16383, an exporter may not use it.
        ExportDecoder defaults;
        Bytes many;
        many.u16(300).u16(600);
        for (int i = 0; i < 600; ++i)
            many.u16(4).u16(1);
        o = decode(defaults, ipfixMessage(kSecs, 0, 1, {setOf(2, many)}));
        QCOMPARE(defaults.totals().templatesTooLarge, uint64_t(1));
        QCOMPARE(defaults.templateCount(), size_t(0));
    }

    void recordLongerThanAnyMessage()
    {
        ExportDecoder dec;
        // Fixed lengths 60000 + 6000: no message can carry one record.
        Out o = decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(2, templateRecord(256, {{82, 60000}, {83, 6000}}))}));
        QCOMPARE(reasons(o.issues), std::string("limit reached: exporter 198.51.100.7:4739 domain 1: template 256 "
                                                "describes records of 66000 bytes or more, longer than any message "
                                                "(65515 bytes); not kept (this exporter's later ones are counted, not "
                                                "listed); "));
        QCOMPARE(dec.totals().templatesTooLarge, uint64_t(1));
        QCOMPARE(dec.templateCount(), size_t(0));
        // Just under: kept (its data can only be reported as too short, never read past).
        o = decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(2, templateRecord(257, {{82, 60000}, {83, 5515}}))}));
        QCOMPARE(o.issues.size(), size_t(0));
        QCOMPARE(dec.templateCount(), size_t(1));
    }

    void heldDataSetsPerExporterInNumber()
    {
        DecoderLimits limits;
        limits.maxPendingSetsPerExporter = 2;
        ExportDecoder dec(limits);
        Out o = decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(256, basicRecord(1, 1)), setOf(256, basicRecord(2, 2)),
                                                       setOf(256, basicRecord(3, 3)), setOf(256, basicRecord(4, 4))}));
        QCOMPARE(reasons(o.issues), std::string("limit reached: exporter 198.51.100.7:4739 domain 1: data set of template "
                                                "256 dropped, 2 of its data sets already wait (this exporter's later "
                                                "drops are counted, not listed); "));
        QCOMPARE(dec.totals().pendingOverflow, uint64_t(2));
        QCOMPARE(dec.totals().droppedSets, uint64_t(2));
        QCOMPARE(statsOf(dec, 4739).pendingOverflow, uint64_t(2));
        // The two held ones decode when the template comes.
        o = decode(dec, ipfixMessage(kSecs, 1, 1, {setOf(2, basicTemplate(256))}));
        QCOMPARE(o.flows.size(), size_t(2));
        QCOMPARE(o.flows[1].bytes, uint64_t(2));
        QCOMPARE(dec.pendingBytes(), size_t(0));
    }

    void heldDataSetsPerExporterInBytes()
    {
        DecoderLimits limits;
        limits.maxPendingBytesPerExporter = 50; // two 21-byte records, not three
        ExportDecoder dec(limits);
        Out o = decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(256, basicRecord(1, 1)), setOf(256, basicRecord(2, 2)),
                                                       setOf(256, basicRecord(3, 3))}));
        QVERIFY2(reasons(o.issues).find("its waiting data sets would pass 50 bytes") != std::string::npos,
                 reasons(o.issues).c_str());
        QCOMPARE(dec.pendingBytes(), size_t(42));
        QCOMPARE(dec.totals().pendingOverflow, uint64_t(1));
    }

    void heldDataSetsOfAllExporters()
    {
        DecoderLimits limits;
        limits.maxPendingBytesTotal = 50;
        ExportDecoder dec(limits);
        decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(256, basicRecord(1, 1)), setOf(256, basicRecord(2, 2))}), 4739);
        Out o = decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(256, basicRecord(3, 3))}), 4740);
        QVERIFY2(reasons(o.issues).find("the data sets waiting for all exporters would pass 50 bytes") != std::string::npos,
                 reasons(o.issues).c_str());
        QCOMPARE(statsOf(dec, 4740).pendingOverflow, uint64_t(1));
        QCOMPARE(statsOf(dec, 4739).pendingOverflow, uint64_t(0));
        // Decoding what waits frees the room.
        decode(dec, ipfixMessage(kSecs, 1, 1, {setOf(2, basicTemplate(256))}), 4739);
        QCOMPARE(dec.pendingBytes(), size_t(0));
        o = decode(dec, ipfixMessage(kSecs, 1, 1, {setOf(256, basicRecord(4, 4))}), 4740);
        QCOMPARE(o.issues.size(), size_t(0));
        QCOMPARE(dec.pendingBytes(), size_t(21));
    }

    void optionsMetadataIsCappedButStillApplied()
    {
        DecoderLimits limits;
        limits.maxOptionsBytesPerExporter = 100;
        ExportDecoder dec(limits);
        Bytes opt; // options template 300: scope observationDomainId, samplingPacketInterval
        opt.u16(300).u16(2).u16(1).u16(149).u16(4).u16(305).u16(4);
        Bytes records;
        for (uint32_t i = 0; i < 10; ++i)
            records.u32(1).u32(100 + i);
        Out o = decode(dec, ipfixMessage(kSecs, 0, 1, {setOf(3, opt), setOf(300, records), setOf(2, basicTemplate(256)),
                                                       setOf(256, basicRecord(1, 1))}));
        QCOMPARE(dec.totals().optionsRecords, uint64_t(10));
        QCOMPARE(dec.cache().exporters().size(), size_t(1));
        const ExporterState& st = dec.cache().exporters().begin()->second;
        // Each record's JSON ({"templateId":300,"samplingInterval":10N,"observationDomain":1}) is kept while it fits.
        QVERIFY(!st.optionsRecords.empty());
        QCOMPARE(st.optionsRecords.size() + dec.totals().optionsNotKept, size_t(10));
        QCOMPARE(st.stats.optionsNotKept, dec.totals().optionsNotKept);
        QVERIFY(dec.optionsBytes() <= 100);
        QCOMPARE(dec.optionsBytes(), st.optionsBytes);
        QCOMPARE(countLimitIssues(o.issues), 1);
        QCOMPARE(o.flows.size(), size_t(1));
        QCOMPARE(o.flows[0].samplingRate, 109u); // the last options record still applied
    }

    // An import says which limits were reached even after a hundred other issues.
    void importReportsLimitsPastTheIssueCap()
    {
        std::vector<std::pair<uint16_t, std::vector<uint8_t>>> datagrams;
        for (int i = 0; i < 150; ++i) // malformed: a second flowset longer than the datagram
            datagrams.emplace_back(1, v9Packet(2, 1000, kSecs, uint32_t(i), 0,
                                               {setOf(0, basicTemplate(256)),
                                                Bytes().u16(256).u16(300).raw(basicRecord(1, 1))}));
        for (uint16_t port = 1000; port < 1000 + 4096; ++port) // the 4096th new exporter passes the limit
            datagrams.emplace_back(port, v9Packet(1, 1000, kSecs, 0, 0, {setOf(0, basicTemplate(256))}));
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("many-exporters.pcap")).toStdString();
        writeCapture(path, datagrams);
        ExportCaptureSource source;
        std::string error;
        QVERIFY2(source.open(path, error), error.c_str());
        std::vector<FlowRecord> flows;
        while (source.readBatch(flows, 1000)) {
        }
        QCOMPARE(source.decoderTotals().exportersRefused, uint64_t(1));
        QCOMPARE(source.exporterStats().size(), size_t(4096));
        const std::vector<ImportIssue>& issues = source.issues();
        QCOMPARE(issues.size(), ExportCaptureSource::kMaxIssues + 1);
        QCOMPARE(issues.back().reason, std::string("limit reached: 1 datagrams not decoded, from exporters beyond the "
                                                   "first 4096"));
    }
};

QTEST_GUILESS_MAIN(TestDecoderLimits)
#include "tst_decoderlimits.moc"
