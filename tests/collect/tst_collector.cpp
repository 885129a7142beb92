// The live collector (FlowCollector, UdpReceiver, ExportReplayer) on loopback:
// what it stores equals what file import decodes from the same datagrams, and
// filters, held data, template persistence and malformed input behave.
#include "CollectTestSupport.h"
#include "../decode/DatagramBuilder.h"

#include "collect/ExportReplayer.h"
#include "collect/FlowCollector.h"
#include "decode/TemplateText.h"
#include "io/CaptureReader.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <thread>

#ifndef FLOWSIFT_CORPUS_DIR
#define FLOWSIFT_CORPUS_DIR "../shared/corpus"
#endif

namespace {

const std::string kExports = std::string(FLOWSIFT_CORPUS_DIR) + "/exports/";

std::string sqlValue(const std::string& db, const char* sql)
{
    sqlite3* h = nullptr;
    std::string out;
    if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(h, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW
            && sqlite3_column_text(st, 0))
            out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
    return out;
}

// v9 template 300: IPv4 addresses, ports, protocol, bytes, packets, uptime first/last.
std::vector<uint8_t> v9Template(uint32_t sequence, uint16_t id = 300)
{
    return v9Packet(1, 100000, 1772438400, sequence, 7,
                    {setOf(0, templateRecord(id, {{8, 4}, {12, 4}, {7, 2}, {11, 2}, {4, 1}, {1, 4}, {2, 4},
                                                  {22, 4}, {21, 4}}))});
}

Bytes v9Record(uint8_t host, uint32_t bytes)
{
    Bytes r;
    r.ip(10, 0, 0, host).ip(192, 0, 2, 1).u16(40000).u16(443).u8(6).u32(bytes).u32(3).u32(90000).u32(95000);
    return r;
}

std::vector<uint8_t> v9Data(uint32_t sequence, std::initializer_list<uint8_t> hosts, uint16_t id = 300)
{
    Bytes body;
    for (uint8_t h : hosts)
        body.raw(v9Record(h, 1000u + h));
    return v9Packet(uint16_t(hosts.size()), 100000, 1772438400, sequence, 7, {setOf(id, body)});
}

FlowCollector::Settings loopbackSettings(const std::string& casePath)
{
    FlowCollector::Settings s;
    s.casePath = casePath;
    s.bindAddress = "127.0.0.1";
    s.port = 0;
    s.commitIntervalMs = 100; // tests wait on commits
    return s;
}

uint16_t portOf(const FlowCollector& c) { return c.endpoints().empty() ? 0 : c.endpoints().front().port; }

} // namespace

class TestCollector final : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_serial = 0;
    std::string path(const std::string& name) const { return m_dir.filePath(QString::fromStdString(name)).toStdString(); }
    std::string freshCase() { return path("case" + std::to_string(++m_serial) + ".flowsift"); }

private slots:
    void templateTextRoundTrips()
    {
        const std::vector<RawField> fields = {{8, 4, 0, false}, {1, 8, 29305, false}, {1, 4, 0, true},
                                              {82, 0xffff, 0, false}};
        const std::string text = TemplateText::format(fields);
        QCOMPARE(text, std::string("8:4 1@29305:8 s1:4 82:65535"));
        std::vector<RawField> back;
        QVERIFY(TemplateText::parse(text, back));
        QVERIFY(back == fields);
        for (const char* bad : {"", "8", "8:", "x:4", "8:4 9", "8:99999", "8:4,9:2", "8@:4"})
            QVERIFY2(!TemplateText::parse(bad, back) && back.empty(), bad);
    }

    void exporterFilterParses()
    {
        ExporterFilter f;
        std::string error;
        QVERIFY(ExporterFilter::parse("10.0.0.0/8, 2001:db8::/32,192.0.2.7", f, error));
        QVERIFY(f.accepts(*IpAddress::parse("10.9.8.7")));
        QVERIFY(f.accepts(*IpAddress::parse("192.0.2.7")));
        QVERIFY(!f.accepts(*IpAddress::parse("192.0.2.8")));
        QVERIFY(f.accepts(*IpAddress::parse("2001:db8:1::5")));
        QVERIFY(!f.accepts(*IpAddress::parse("2001:db9::5")));
        QCOMPARE(f.toString(), std::string("10.0.0.0/8,2001:db8::/32,192.0.2.7/32"));
        QVERIFY(!ExporterFilter::parse("10.0.0.0/33", f, error));
        QVERIFY2(error.find("10.0.0.0/33") != std::string::npos, error.c_str());
        QVERIFY(!ExporterFilter::parse("10.0.0.0/8,,", f, error));
    }

    // The corpus exports replayed over loopback: the case holds exactly the
    // flows file import decodes from the same capture, field by field, and the
    // raw capture the collector wrote decodes to them again.
    void replayedExportsEqualFileImport_data()
    {
        QTest::addColumn<QString>("file");
        for (const char* f : {"enterprise4h__softflowd-v5.pcap", "enterprise4h__softflowd-v9.pcap",
                              "enterprise4h__softflowd-ipfix-bidir.pcap", "enterprise4h__pmacct-ipfix.pcap",
                              "dualstack2h__softflowd-v9-ipv6.pcap", "mixed__softflowd-v9+pmacct-v9.pcap"})
            QTest::newRow(f) << QString::fromLatin1(f);
    }
    void replayedExportsEqualFileImport()
    {
        QFETCH(QString, file);
        const std::string input = kExports + file.toStdString();
        if (!QFileInfo::exists(QString::fromStdString(input)))
            QSKIP("reference corpus not present");
        const std::string casePath = freshCase();
        FlowCollector::Settings settings = loopbackSettings(casePath);
        settings.capturePath = path(file.toStdString() + ".live.pcap");
        FlowCollector collector;
        std::string error;
        QVERIFY2(collector.start(settings, error), error.c_str());

        ExportReplayer replayer;
        QVERIFY2(replayer.load(input, error), error.c_str());
        ExportReplayer::Settings rs;
        rs.target = "127.0.0.1:" + std::to_string(portOf(collector));
        rs.datagramsPerSecond = 20000; // well within what loopback and the writer take
        QVERIFY2(replayer.open(rs, error), error.c_str());
        std::atomic_bool cancel{false};
        const ExportReplayer::Result sent = replayer.run(cancel);
        QCOMPARE(sent.datagrams, uint64_t(replayer.datagrams().size()));
        QCOMPARE(sent.sendErrors, uint64_t(0));
        QTRY_COMPARE_WITH_TIMEOUT(collector.stats().datagrams, sent.datagrams, 10000);
        QVERIFY2(collector.stop(error), error.c_str());

        const FlowCollector::Stats s = collector.stats();
        QCOMPARE(s.queueDrops, uint64_t(0));
        QCOMPARE(s.kernelDrops, uint64_t(0));
        QCOMPARE(s.malformed, uint64_t(0));
        QCOMPARE(s.captured, sent.datagrams);
        const CaseFlows live = readCase(casePath);
        const CaseFlows reference = importedFlows(input, freshCase());
        QVERIFY(!reference.keys.empty());
        QCOMPARE(s.flowsStored, uint64_t(reference.keys.size()));
        QCOMPARE(live.keys.size(), reference.keys.size());
        QCOMPARE(live.bytes, reference.bytes);
        QCOMPARE(live.packets, reference.packets);
        QCOMPARE(sent.flows, uint64_t(reference.keys.size()));
        // A sample first, for a readable failure, then all of them.
        for (size_t i = 0; i < live.keys.size(); i += live.keys.size() / 7 + 1)
            QCOMPARE(live.keys[i], reference.keys[i]);
        QVERIFY(live.keys == reference.keys);
        // Exporters as the collector saw them: the replayer's sockets on 127.0.0.x.
        QVERIFY(live.flows.front().exporter.toString().rfind("127.0.0.", 0) == 0);

        // The raw capture of what arrived decodes to the same flows.
        const CaseFlows recaptured = importedFlows(settings.capturePath, freshCase());
        QVERIFY(recaptured.keys == reference.keys);

        // The session is an import of the case, counted like one.
        std::string e2;
        auto store = FlowStore::open(casePath, e2, true);
        QVERIFY(store);
        const auto imports = store->imports();
        QCOMPARE(imports.size(), size_t(1));
        QCOMPARE(imports[0].format, std::string("udp-netflow"));
        QCOMPARE(imports[0].path, "udp://127.0.0.1:" + std::to_string(portOf(collector)));
        QCOMPARE(imports[0].recordsKept, uint64_t(reference.keys.size()));
        QCOMPARE(imports[0].size, int64_t(sent.bytes));
        // The time index is there once the session ended (host lookups build theirs on first use).
        QCOMPARE(sqlValue(casePath, "SELECT group_concat(name) FROM sqlite_master WHERE type='index' AND name LIKE 'flows_%'"),
                 std::string("flows_start"));
    }

    void exporterFilterRejectsOtherSources()
    {
        const std::string input = kExports + "mixed__softflowd-v9+pmacct-v9.pcap";
        if (!QFileInfo::exists(QString::fromStdString(input)))
            QSKIP("reference corpus not present");
        const std::string casePath = freshCase();
        FlowCollector::Settings settings = loopbackSettings(casePath);
        std::string error;
        // The replayer sends its first exporter from 127.0.0.2, the second from 127.0.0.3.
        QVERIFY(ExporterFilter::parse("127.0.0.2/32", settings.exporters, error));
        FlowCollector collector;
        QVERIFY2(collector.start(settings, error), error.c_str());
        ExportReplayer replayer;
        QVERIFY2(replayer.load(input, error), error.c_str());
        QCOMPARE(replayer.exporters().size(), size_t(2));
        uint64_t firstDatagrams = 0, firstFlows = 0;
        for (const auto& d : replayer.datagrams())
            if (d.exporter == 0) {
                ++firstDatagrams;
                firstFlows += d.flows;
            }
        ExportReplayer::Settings rs;
        rs.target = "127.0.0.1:" + std::to_string(portOf(collector));
        rs.datagramsPerSecond = 20000;
        QVERIFY2(replayer.open(rs, error), error.c_str());
        std::atomic_bool cancel{false};
        const ExportReplayer::Result sent = replayer.run(cancel);
        QTRY_COMPARE_WITH_TIMEOUT(collector.stats().datagrams + collector.stats().rejected, sent.datagrams, 10000);
        QVERIFY2(collector.stop(error), error.c_str());
        const FlowCollector::Stats s = collector.stats();
        QCOMPARE(s.datagrams, firstDatagrams);
        QCOMPARE(s.rejected, sent.datagrams - firstDatagrams);
        QVERIFY(s.rejected > 0);
        QCOMPARE(s.flowsStored, firstFlows);
        const CaseFlows live = readCase(casePath);
        QCOMPARE(live.flows.size(), size_t(firstFlows));
        for (const FlowRecord& r : live.flows)
            QCOMPARE(r.exporter.toString(), std::string("127.0.0.2"));
        // The import says how many were turned away.
        std::string e2;
        const auto imports = FlowStore::open(casePath, e2, true)->imports();
        bool said = false;
        for (const ImportIssue& i : imports.at(0).issues)
            said = said
                || i.reason == std::to_string(s.rejected) + " datagrams from sources outside --exporters were rejected";
        QVERIFY(said);
    }

    // replay --from 127.0.0.1: every exporter from one address (its own port
    // each), for a collector that accepts only that address.
    void replayFromOneAddressPassesAnExporterFilter()
    {
        const std::string input = kExports + "mixed__softflowd-v9+pmacct-v9.pcap";
        if (!QFileInfo::exists(QString::fromStdString(input)))
            QSKIP("reference corpus not present");
        const std::string casePath = freshCase();
        FlowCollector::Settings settings = loopbackSettings(casePath);
        std::string error;
        QVERIFY(ExporterFilter::parse("127.0.0.1", settings.exporters, error));
        FlowCollector collector;
        QVERIFY2(collector.start(settings, error), error.c_str());
        ExportReplayer replayer;
        QVERIFY2(replayer.load(input, error), error.c_str());
        ExportReplayer::Settings rs;
        rs.target = "127.0.0.1:" + std::to_string(portOf(collector));
        rs.datagramsPerSecond = 20000;
        rs.sourceAddress = "127.0.0.1";
        QVERIFY2(replayer.open(rs, error), error.c_str());
        QVERIFY2(replayer.sourceDescription().rfind("127.0.0.1:", 0) == 0, replayer.sourceDescription().c_str());
        std::atomic_bool cancel{false};
        const ExportReplayer::Result sent = replayer.run(cancel);
        QCOMPARE(sent.sendErrors, uint64_t(0));
        QTRY_COMPARE_WITH_TIMEOUT(collector.stats().flowsStored, replayer.flowsInCapture(), 10000);
        QVERIFY2(collector.stop(error), error.c_str());
        QCOMPARE(collector.stats().rejected, uint64_t(0));
        QCOMPARE(collector.stats().datagrams, sent.datagrams);
        std::vector<uint16_t> ports;
        for (const FlowRecord& r : readCase(casePath).flows) {
            QCOMPARE(r.exporter.toString(), std::string("127.0.0.1"));
            if (std::find(ports.begin(), ports.end(), r.exporterPort) == ports.end())
                ports.push_back(r.exporterPort);
        }
        QCOMPARE(ports.size(), size_t(2)); // the two exporters stay apart by port

        ExportReplayer other;
        QVERIFY2(other.load(input, error), error.c_str());
        rs.sourceAddress = "::1";
        QVERIFY(!other.open(rs, error));
        QVERIFY2(error.find("not of the same address family") != std::string::npos, error.c_str());
        rs.sourceAddress = "localhost.example";
        QVERIFY(!other.open(rs, error));
        QVERIFY2(error.find("--from localhost.example: not an IP address") != std::string::npos, error.c_str());
    }

    void dataBeforeItsTemplateIsHeldThenDecoded()
    {
        const std::string casePath = freshCase();
        FlowCollector collector;
        std::string error;
        QVERIFY2(collector.start(loopbackSettings(casePath), error), error.c_str());
        UdpSender exporter;
        QVERIFY(exporter.ok());
        QVERIFY(exporter.send(v9Data(1, {1, 2, 3}), portOf(collector)));
        QTRY_COMPARE_WITH_TIMEOUT(collector.stats().heldSets, uint64_t(1), 5000);
        QCOMPARE(collector.stats().flows, uint64_t(0));
        QVERIFY(exporter.send(v9Template(2), portOf(collector)));
        QTRY_COMPARE_WITH_TIMEOUT(collector.stats().flowsStored, uint64_t(3), 5000);
        QCOMPARE(collector.stats().heldSets, uint64_t(0));
        QCOMPARE(collector.stats().bufferedSets, uint64_t(1));
        QVERIFY2(collector.stop(error), error.c_str());
        const CaseFlows c = readCase(casePath);
        QCOMPARE(c.flows.size(), size_t(3));
        const FlowRecord& r = c.flows.front();
        QCOMPARE(r.dst.toString(), std::string("192.0.2.1"));
        QCOMPARE(r.dstPort, uint16_t(443));
        QCOMPARE(r.observationDomain, uint32_t(7));
        QCOMPARE(r.startMs, int64_t(1772438400000) - 10000); // uptime 90 s of 100 s at export
        QCOMPARE(r.endMs, int64_t(1772438400000) - 5000);
        QCOMPARE(c.bytes, uint64_t(1001 + 1002 + 1003));
        QCOMPARE(r.exporterPort, exporter.port());
    }

    void templatesSurviveARestart()
    {
        const std::string casePath = freshCase();
        UdpSender exporter;
        std::string error;
        {
            FlowCollector first;
            QVERIFY2(first.start(loopbackSettings(casePath), error), error.c_str());
            QCOMPARE(first.stats().templatesRestored, uint64_t(0));
            QVERIFY(exporter.send(v9Template(1), portOf(first)));
            QTRY_COMPARE_WITH_TIMEOUT(first.stats().templates, uint64_t(1), 5000);
            QVERIFY2(first.stop(error), error.c_str());
        }
        QCOMPARE(sqlValue(casePath, "SELECT fields FROM templates WHERE template_id=300"),
                 std::string("8:4 12:4 7:2 11:2 4:1 1:4 2:4 22:4 21:4"));
        QCOMPARE(sqlValue(casePath, "SELECT domain || '/' || version || '/' || port FROM templates"),
                 "7/9/" + std::to_string(exporter.port()));
        // A new collector on the same case decodes data at once, before any template arrives.
        FlowCollector second;
        QVERIFY2(second.start(loopbackSettings(casePath), error), error.c_str());
        QCOMPARE(second.stats().templatesRestored, uint64_t(1));
        QVERIFY(exporter.send(v9Data(2, {7, 8}), portOf(second)));
        QTRY_COMPARE_WITH_TIMEOUT(second.stats().flowsStored, uint64_t(2), 5000);
        QCOMPARE(second.stats().bufferedSets, uint64_t(0));
        QVERIFY2(second.stop(error), error.c_str());
        QCOMPARE(readCase(casePath).bytes, uint64_t(1007 + 1008));
        QCOMPARE(sqlValue(casePath, "SELECT count(*) FROM imports"), std::string("2"));

        // Control: a case without the template never decodes that data.
        const std::string other = freshCase();
        FlowCollector third;
        QVERIFY2(third.start(loopbackSettings(other), error), error.c_str());
        QVERIFY(exporter.send(v9Data(2, {7, 8}), portOf(third)));
        QTRY_COMPARE_WITH_TIMEOUT(third.stats().heldSets, uint64_t(1), 5000);
        QVERIFY2(third.stop(error), error.c_str());
        QCOMPARE(third.stats().flowsStored, uint64_t(0));
        QCOMPARE(third.stats().droppedSets, uint64_t(1));
    }

    // Exporters idle past the timeout lose their decoder state, so a new one
    // fits under maxExporters; one that keeps sending is kept; one that comes
    // back decodes at once with its template from the case.
    void idleExportersExpireAndReturnFromTheCase()
    {
        const std::string casePath = freshCase();
        FlowCollector::Settings settings = loopbackSettings(casePath);
        settings.limits.maxExporters = 2;
        settings.exporterIdleTimeoutMs = 1500;
        FlowCollector collector;
        std::string error;
        QVERIFY2(collector.start(settings, error), error.c_str());
        const uint16_t port = portOf(collector);
        UdpSender quiet, active, newcomer;
        QVERIFY(quiet.ok() && active.ok() && newcomer.ok());
        QVERIFY(quiet.send(v9Template(1), port));
        QVERIFY(quiet.send(v9Data(2, {1}), port));
        QVERIFY(active.send(v9Template(1), port));
        QVERIFY(active.send(v9Data(2, {2}), port));
        QTRY_COMPARE_WITH_TIMEOUT(collector.stats().flowsStored, uint64_t(2), 5000);
        // Both exporters have state: a third is refused until one expires.
        uint32_t sequence = 3;
        QElapsedTimer t;
        t.start();
        while (collector.stats().exportersExpired == 0 && t.elapsed() < 15000) {
            QVERIFY(active.send(v9Data(sequence++, {3}), port));
            QTest::qWait(200);
        }
        QCOMPARE(collector.stats().exportersExpired, uint64_t(1)); // the quiet one, not the active one
        QVERIFY(newcomer.send(v9Template(1), port));
        QVERIFY(newcomer.send(v9Data(2, {4}), port));
        QTRY_COMPARE_WITH_TIMEOUT(readCase(casePath).bytes, uint64_t(1001 + 1002 + 1004 + (sequence - 3) * 1003), 5000);
        // Back after its expiry, with data only: decoded with the template stored in the case.
        // (The active exporter stops now, so there is room when the quiet one returns.)
        QTRY_COMPARE_WITH_TIMEOUT(collector.stats().exportersExpired, uint64_t(3), 10000);
        QVERIFY(quiet.send(v9Data(3, {5}), port));
        QTRY_COMPARE_WITH_TIMEOUT(collector.stats().exportersReturned, uint64_t(1), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(collector.stats().flowsStored, uint64_t(4 + (sequence - 3)), 5000);
        QCOMPARE(collector.stats().heldSets, uint64_t(0));
        QCOMPARE(collector.stats().bufferedSets, uint64_t(0));
        QVERIFY2(collector.stop(error), error.c_str());
        const FlowCollector::Stats s = collector.stats();
        QCOMPARE(s.droppedSets, uint64_t(0));
        QCOMPARE(readCase(casePath).bytes, uint64_t(1001 + 1002 + 1004 + 1005 + (sequence - 3) * 1003));
        // The summary still counts what the quiet exporter sent before its expiry (2 datagrams) and after (1).
        uint64_t quietDatagrams = 0;
        for (const ExporterStats& e : collector.exporterStats())
            if (e.key.port == quiet.port())
                quietDatagrams += e.datagrams;
        QCOMPARE(quietDatagrams, uint64_t(3));
    }

    // softflowd's IPFIX times are uptime-relative: decoding needs its
    // systemInitTimeMilliseconds options record as well as the templates. A
    // collector restarted in the middle of the export keeps both, so the two
    // sessions together store exactly what file import decodes from the whole
    // capture, and the second holds nothing back.
    void ipfixExporterStateSurvivesARestart()
    {
        const std::string input = kExports + "baseline2h__softflowd-ipfix.pcap";
        if (!QFileInfo::exists(QString::fromStdString(input)))
            QSKIP("reference corpus not present");
        const std::string casePath = freshCase();
        std::string error;
        ExportReplayer replayer;
        QVERIFY2(replayer.load(input, error), error.c_str());
        std::atomic_bool cancel{false};
        FlowCollector::Settings settings = loopbackSettings(casePath);
        uint64_t firstFlows = 0;
        {
            FlowCollector first;
            QVERIFY2(first.start(settings, error), error.c_str());
            settings.port = portOf(first); // the second session listens where the exporter sends
            ExportReplayer::Settings rs;
            rs.target = "127.0.0.1:" + std::to_string(settings.port);
            rs.count = 40;
            QVERIFY2(replayer.open(rs, error), error.c_str());
            QCOMPARE(replayer.run(cancel).datagrams, uint64_t(40));
            QTRY_COMPARE_WITH_TIMEOUT(first.stats().datagrams, uint64_t(40), 5000);
            QVERIFY2(first.stop(error), error.c_str());
            firstFlows = first.stats().flowsStored;
            QVERIFY(firstFlows > 0);
        }
        QCOMPARE(sqlValue(casePath, "SELECT count(*) FROM exporter_options WHERE system_init_ms IS NOT NULL"),
                 std::string("1"));
        FlowCollector second;
        QVERIFY2(second.start(settings, error), error.c_str());
        QVERIFY(second.stats().templatesRestored >= 2); // data and options templates
        replayer.setWindow(40, 0);
        const ExportReplayer::Result rest = replayer.run(cancel);
        QCOMPARE(rest.datagrams, uint64_t(replayer.datagrams().size() - 40));
        QTRY_COMPARE_WITH_TIMEOUT(second.stats().datagrams, rest.datagrams, 5000);
        QVERIFY2(second.stop(error), error.c_str());
        QCOMPARE(second.stats().bufferedSets, uint64_t(0)); // nothing waited for a template or the init time
        const CaseFlows both = readCase(casePath);
        const CaseFlows reference = importedFlows(input, freshCase());
        QCOMPARE(both.keys.size(), reference.keys.size());
        QVERIFY(both.keys == reference.keys);
    }

    void ipfixWithdrawalForgetsTheStoredTemplate()
    {
        const std::string casePath = freshCase();
        FlowCollector collector;
        std::string error;
        QVERIFY2(collector.start(loopbackSettings(casePath), error), error.c_str());
        UdpSender exporter;
        const auto tmpl = ipfixMessage(1772438400, 0, 3, {setOf(2, templateRecord(400, {{8, 4}, {12, 4}, {1, 8}}))});
        QVERIFY(exporter.send(tmpl, portOf(collector)));
        QTRY_COMPARE_WITH_TIMEOUT(sqlValue(casePath, "SELECT count(*) FROM templates"), std::string("1"), 5000);
        Bytes withdraw;
        withdraw.u16(400).u16(0);
        QVERIFY(exporter.send(ipfixMessage(1772438401, 0, 3, {setOf(2, withdraw)}), portOf(collector)));
        QTRY_COMPARE_WITH_TIMEOUT(sqlValue(casePath, "SELECT count(*) FROM templates"), std::string("0"), 5000);
        QVERIFY2(collector.stop(error), error.c_str());
    }

    void malformedDatagramsAreCountedAndSurvived()
    {
        const std::string casePath = freshCase();
        FlowCollector collector;
        std::string error;
        QVERIFY2(collector.start(loopbackSettings(casePath), error), error.c_str());
        UdpSender exporter;
        const uint16_t port = portOf(collector);
        QVERIFY(exporter.send({'h', 'e', 'l', 'l', 'o'}, port));  // not NetFlow at all
        QVERIFY(exporter.send({}, port));                         // empty datagram
        std::vector<uint8_t> cut = v9Template(1);
        cut.resize(cut.size() - 6); // the flowset claims more than the datagram holds
        QVERIFY(exporter.send(cut, port));
        std::vector<uint8_t> junk(1400);
        for (size_t i = 0; i < junk.size(); ++i)
            junk[i] = uint8_t(i * 37 + 11);
        junk[0] = 0;
        junk[1] = 10; // IPFIX version, nonsense after it
        QVERIFY(exporter.send(junk, port));
        QVERIFY(exporter.send(v9Template(2), port));
        QVERIFY(exporter.send(v9Data(3, {9}), port));
        QTRY_COMPARE_WITH_TIMEOUT(collector.stats().flowsStored, uint64_t(1), 5000);
        QVERIFY2(collector.stop(error), error.c_str());
        const FlowCollector::Stats s = collector.stats();
        QCOMPARE(s.datagrams, uint64_t(6));
        QCOMPARE(s.malformed, uint64_t(4));
        QVERIFY(s.notExport >= 2);
        std::string e2;
        const auto imports = FlowStore::open(casePath, e2, true)->imports();
        QVERIFY(imports.at(0).recordsRejected >= 4);
        bool named = false;
        for (const ImportIssue& i : imports.at(0).issues)
            named = named || i.reason.find("not NetFlow/IPFIX: datagram of 0 bytes") != std::string::npos;
        QVERIFY(named);
    }

    void everyInterfaceMeansIpv4AndIpv6()
    {
        const std::string casePath = freshCase();
        FlowCollector::Settings settings = loopbackSettings(casePath);
        settings.bindAddress.clear();
        settings.capturePath = path("both-families.pcap");
        FlowCollector collector;
        std::string error;
        QVERIFY2(collector.start(settings, error), error.c_str());
        QVERIFY(collector.allInterfaces());
        const uint16_t port = portOf(collector);
        bool v4 = false, v6 = false;
        for (const auto& e : collector.endpoints()) {
            QCOMPARE(e.port, port);
            (e.v6 ? v6 : v4) = true;
        }
        QVERIFY(v4);
        UdpSender over4;
        QVERIFY(over4.send(v9Template(1), port, "127.0.0.1"));
        QVERIFY(over4.send(v9Data(2, {1}), port, "127.0.0.1"));
        int expected = 1;
        if (v6) {
            UdpSender over6("::1", 0, true);
            if (over6.ok()) {
                QVERIFY(over6.send(v9Template(1), port));
                QVERIFY(over6.send(v9Data(2, {2, 3}), port));
                expected = 3;
            }
        }
        QTRY_COMPARE_WITH_TIMEOUT(collector.stats().flowsStored, uint64_t(expected), 5000);
        QVERIFY2(collector.stop(error), error.c_str());
        // The capture holds IPv4 and IPv6 packets that import reads back, exporters and all.
        const std::string reimport = freshCase();
        QCOMPARE(importedFlows(settings.capturePath, reimport).keys, readCase(casePath).keys);
        if (expected == 3) {
            bool sawV6 = false;
            for (const FlowRecord& r : readCase(reimport).flows)
                sawV6 = sawV6 || (r.exporter.toString() == "::1" && r.exporterPort != 0);
            QVERIFY(sawV6);
        }
    }

    void bindErrorsAreClear()
    {
        std::string error;
        FlowCollector a;
        QVERIFY2(a.start(loopbackSettings(freshCase()), error), error.c_str());
        FlowCollector b;
        FlowCollector::Settings taken = loopbackSettings(freshCase());
        taken.port = portOf(a);
        QVERIFY(!b.start(taken, error));
        QVERIFY2(error.find("127.0.0.1:" + std::to_string(taken.port)) != std::string::npos, error.c_str());
        QVERIFY2(error.find("in use") != std::string::npos, error.c_str());
        QVERIFY(!b.isRunning());
        // Nothing recorded in the case for a session that never started.
        QCOMPARE(sqlValue(taken.casePath, "SELECT count(*) FROM imports"), std::string("0"));
        FlowCollector::Settings bad = loopbackSettings(freshCase());
        bad.bindAddress = "not-an-address";
        QVERIFY(!b.start(bad, error));
        QVERIFY2(error.find("not-an-address") != std::string::npos, error.c_str());
        QVERIFY2(a.stop(error), error.c_str());
    }

    void replayerStaysOnLoopback()
    {
        ExportReplayer r;
        ExportReplayer::Settings s;
        std::string error;
        s.target = "192.0.2.10:9995";
        QVERIFY(!r.open(s, error));
        QVERIFY2(error.find("--allow-remote") != std::string::npos, error.c_str());
        s.target = "127.0.0.1";
        QVERIFY(!r.open(s, error));
        IpAddress a;
        uint16_t port = 0;
        QVERIFY(ExportReplayer::parseTarget("[::1]:2055", a, port));
        QCOMPARE(port, uint16_t(2055));
        QVERIFY(!ExportReplayer::parseTarget("127.0.0.1:70000", a, port));
    }
};

QTEST_GUILESS_MAIN(TestCollector)
#include "tst_collector.moc"
