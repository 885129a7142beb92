#include "detect/DetectorEngine.h"
#include "query/FlowFilter.h"
#include "store/FlowStore.h"
#include "store/WalCheckpointer.h"

#include <QFileInfo>

#include <sqlite3.h>

#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

namespace {

FlowRecord makeFlow(int i)
{
    FlowRecord r;
    r.startMs = 1772438400000 + i * 1000;
    r.endMs = r.startMs + 500;
    r.src = *IpAddress::parse("10.0.0." + std::to_string(1 + i % 200));
    r.dst = *IpAddress::parse(i % 2 ? "2001:db8::1" : "198.51.100.7");
    r.srcPort = uint16_t(40000 + i);
    r.dstPort = 443;
    r.protocol = IpProtocol::Tcp;
    r.tcpFlags = TcpFlag::Syn | TcpFlag::Ack;
    r.bytes = 1000 + uint64_t(i);
    r.packets = 3;
    r.revBytes = uint64_t(i);
    r.exportVersion = 9;
    r.exporter = *IpAddress::parse("127.0.0.1");
    r.exporterPort = 2055;
    return r;
}

int indexCount(const std::string& file)
{
    sqlite3* h = nullptr;
    int n = -1;
    if (sqlite3_open_v2(file.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(h, "SELECT count(*) FROM sqlite_master WHERE type='index' AND name LIKE 'flows_%'", -1,
                               &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
    return n;
}

} // namespace

class TestFlowStore final : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string path(const char* name) { return m_dir.filePath(QString::fromLatin1(name)).toStdString(); }

private slots:
    void samplingScaledCountersBesideTheRawOnes()
    {
        std::string error;
        auto store = FlowStore::open(path("sampled.flowsift"), error);
        QVERIFY2(store, error.c_str());
        const int64_t id = store->beginImport({0, "s.pcap", 1, "s1", "pcap-netflow", 0, 0, 0, 0, {}});
        FlowRecord f = makeFlow(1); // 1001 bytes, 3 packets, 1 reverse byte
        f.samplingRate = 100;
        QVERIFY(store->insertFlows({f, makeFlow(2)}));
        QVERIFY(store->commitImport(id, 2, 2, 0, {}));
        std::vector<FlowRecord> raw;
        store->forEachFlow([&](const FlowRecord& r) { raw.push_back(r); return true; });
        QCOMPARE(raw[0].bytes, uint64_t(1001)); // stored as exported
        QCOMPARE(raw[0].samplingRate, 100u);
        // The analysis sees what the network carried.
        std::atomic_bool cancel{false};
        const DetectionContext ctx = DetectorEngine::buildContext(*store, DetectionSettings{}, cancel);
        QCOMPARE(ctx.flows, uint64_t(2));
        QCOMPARE(ctx.conversations.size(), size_t(2));
        QCOMPARE(ctx.conversations[0].bytesOut, uint64_t(100100));
        QCOMPARE(ctx.conversations[0].packetsOut, uint32_t(300));
        QCOMPARE(ctx.conversations[0].bytesIn, uint64_t(100));
        QCOMPARE(ctx.conversations[1].bytesOut, uint64_t(1002)); // unsampled: unchanged
    }

    void detectorsSeeStartOrderWhateverTheStorageOrder()
    {
        // Exporters write a flow when it ends: storage order is not start order. The reply of
        // a connection stored after a later connection must still join it, and the context
        // must be in start order.
        std::string error;
        auto store = FlowStore::open(path("lag.flowsift"), error);
        QVERIFY2(store, error.c_str());
        const int64_t id = store->beginImport({0, "lag.pcap", 1, "lag1", "pcap-netflow", 0, 0, 0, 0, {}});
        const auto at = [](int i, int64_t offsetMs) {
            FlowRecord f = makeFlow(i);
            f.startMs = 1772438400000 + offsetMs;
            f.endMs = f.startMs + 500;
            f.revBytes = 0;
            return f;
        };
        FlowRecord late = at(1, 20'000);
        FlowRecord request = at(2, 10'000);
        FlowRecord reply = at(2, 10'200);
        std::swap(reply.src, reply.dst);
        std::swap(reply.srcPort, reply.dstPort);
        reply.bytes = 5000;
        reply.packets = 5;
        FlowRecord early = at(3, 0);
        QVERIFY(store->insertFlows({late, request, reply, early}));
        QVERIFY(store->commitImport(id, 4, 4, 0, {}));
        const FlowStore::StorageOrder order = store->storageOrder();
        QCOMPARE(order.startLagMs, int64_t(20'000)); // early lags late by 20 s
        QCOMPARE(order.flows, uint64_t(4));
        QCOMPARE(order.startMs, early.startMs);
        QCOMPARE(order.endMs, late.endMs);

        std::atomic_bool cancel{false};
        const DetectionContext ctx = DetectorEngine::buildContext(*store, DetectionSettings{}, cancel);
        QCOMPARE(ctx.flows, uint64_t(4));
        QCOMPARE(ctx.conversations.size(), size_t(3));
        QCOMPARE(ctx.conversations[0].startMs, early.startMs);
        QCOMPARE(ctx.conversations[1].startMs, request.startMs);
        QCOMPARE(ctx.conversations[2].startMs, late.startMs);
        const Conversation& joined = ctx.conversations[1];
        QCOMPARE(joined.records, 2u);
        QCOMPARE(ctx.address(joined.client).toString(), std::string("10.0.0.3"));
        QCOMPARE(joined.bytesIn, uint64_t(5000));
        QVERIFY(!joined.failedAttempt());
        // Grouped by client, in start order.
        const auto [first, last] = ctx.byClient(joined.client);
        QCOMPARE(last - first, std::ptrdiff_t(1));
        QCOMPARE(*first, 1u);
    }

    void flowsRoundTripThroughACommittedImport()
    {
        std::string error;
        const std::string file = path("roundtrip.flowsift");
        {
            auto store = FlowStore::open(file, error);
            QVERIFY2(store, error.c_str());
            FlowStore::ImportRecord meta{0, "in.pcap", 1234, "abc", "pcap-netflow", 0, 0, 0, 0, {}};
            const int64_t id = store->beginImport(meta);
            QVERIFY(id > 0);
            std::vector<FlowRecord> flows;
            for (int i = 0; i < 1000; ++i)
                flows.push_back(makeFlow(i));
            QVERIFY(store->insertFlows(flows));
            QVERIFY(store->commitImport(id, 1001, 1000, 1, {{"in.pcap", 77, -1, "bad set length"}}));
        }
        auto store = FlowStore::open(file, error, true);
        QVERIFY2(store, error.c_str());
        const auto s = store->summary();
        QCOMPARE(s.flows, uint64_t(1000));
        QCOMPARE(s.startMs, int64_t(1772438400000));
        QCOMPARE(s.endMs, int64_t(1772438400000 + 999 * 1000 + 500));
        QCOMPARE(s.exporters, uint64_t(1));
        std::vector<FlowRecord> back;
        store->forEachFlow([&](const FlowRecord& r) {
            back.push_back(r);
            return true;
        });
        QCOMPARE(back.size(), size_t(1000));
        const FlowRecord& r = back[7];
        QCOMPARE(r.src.toString(), std::string("10.0.0.8"));
        QCOMPARE(r.dst.toString(), std::string("2001:db8::1"));
        QCOMPARE(r.srcPort, uint16_t(40007));
        QCOMPARE(r.bytes, uint64_t(1007));
        QCOMPARE(r.revBytes, uint64_t(7));
        QCOMPARE(r.tcpFlags, uint8_t(0x12));
        QCOMPARE(r.exporter.toString(), std::string("127.0.0.1"));
        QCOMPARE(r.exporterPort, uint16_t(2055));
        const auto imports = store->imports();
        QCOMPARE(imports.size(), size_t(1));
        QCOMPARE(imports[0].recordsRejected, uint64_t(1));
        QCOMPARE(imports[0].issues.at(0).offset, int64_t(77));
        QCOMPARE(imports[0].issues.at(0).reason, std::string("bad set length"));
        QVERIFY(store->findImportBySha256("abc"));
        QVERIFY(!store->findImportBySha256("abd"));
    }

    void lookupIndexesAreBuiltOnFirstUseAndKeptByLaterImports()
    {
        std::string error;
        const std::string file = path("indexes.flowsift");
        auto store = FlowStore::open(file, error);
        QVERIFY2(store, error.c_str());
        int64_t id = store->beginImport({0, "a.pcap", 1, "a1", "pcap-netflow", 0, 0, 0, 0, {}});
        std::vector<FlowRecord> flows;
        for (int i = 0; i < 300; ++i)
            flows.push_back(makeFlow(i));
        QVERIFY(store->insertFlows(flows));
        QVERIFY(!store->ensureLookupIndexes()); // not inside an import's transaction
        QVERIFY(store->commitImport(id, 300, 300, 0, {}));
        QVERIFY(!store->hasLookupIndexes()); // an import builds only the time index
        QVERIFY2(store->ensureLookupIndexes(), store->lastError().c_str());
        QVERIFY(store->hasLookupIndexes());
        QVERIFY(store->ensureLookupIndexes()); // idempotent

        id = store->beginImport({0, "b.pcap", 1, "b1", "pcap-netflow", 0, 0, 0, 0, {}});
        QVERIFY(store->insertFlows({makeFlow(1000)}));
        QVERIFY(store->commitImport(id, 1, 1, 0, {}));
        store.reset();

        // The indexes are in the file, complete, and chosen for host lookups.
        sqlite3* db = nullptr;
        QCOMPARE(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
        auto scalar = [&](const char* sql) {
            sqlite3_stmt* st = nullptr;
            sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
            std::string v = st && sqlite3_step(st) == SQLITE_ROW
                ? reinterpret_cast<const char*>(sqlite3_column_text(st, sqlite3_column_count(st) - 1)) : "";
            sqlite3_finalize(st);
            return v;
        };
        QCOMPARE(scalar("PRAGMA integrity_check"), std::string("ok"));
        QCOMPARE(scalar("SELECT count(*) FROM flows INDEXED BY flows_dst_port WHERE dst_port=443"),
                 std::string("301"));
        QVERIFY(QByteArray::fromStdString(scalar("EXPLAIN QUERY PLAN SELECT * FROM flows WHERE src=x'00'"))
                    .contains("flows_src"));
        sqlite3_close(db);
    }

    void selectionsFilterByExpressionAndTime()
    {
        std::string error;
        auto store = FlowStore::open(path("selection.flowsift"), error);
        QVERIFY(store);
        const int64_t id = store->beginImport({0, "s.pcap", 1, "sel", "pcap-netflow", 0, 0, 0, 0, {}});
        std::vector<FlowRecord> flows;
        for (int i = 0; i < 100; ++i)
            flows.push_back(makeFlow(i));
        QVERIFY(store->insertFlows(flows));
        QVERIFY(store->commitImport(id, 100, 100, 0, {}));

        FlowFilter::Error ferr;
        auto filter = FlowFilter::parse("bytes >= 1090 and exporter 127.0.0.1", ferr);
        QVERIFY2(filter, ferr.toString().c_str());
        FlowStore::FlowSelection sel{&*filter, 0, 0};
        QCOMPARE(store->countFlowsMatching(sel), uint64_t(10));
        std::vector<uint64_t> bytes;
        store->forEachFlowMatching(sel, [&](const FlowRecord& r, int64_t) {
            bytes.push_back(r.bytes);
            return true;
        }, 3);
        QCOMPARE(bytes, (std::vector<uint64_t>{1090, 1091, 1092}));

        // Time: flows overlapping [start of flow 10, start of flow 20).
        const FlowStore::FlowSelection window{nullptr, flows[10].startMs, flows[20].startMs};
        uint64_t inWindow = 0;
        bool overlapping = true;
        store->forEachFlowMatching(window, [&](const FlowRecord& r, int64_t) {
            overlapping = overlapping && r.startMs < flows[20].startMs && r.endMs >= flows[10].startMs;
            ++inWindow;
            return true;
        });
        QVERIFY(overlapping);
        QCOMPARE(store->countFlowsMatching(window), inWindow);
        QVERIFY(inWindow >= 10 && inWindow < 100);
        QCOMPARE(store->countFlowsMatching({&*filter, flows[10].startMs, flows[20].startMs}), uint64_t(0));
    }

    void rolledBackImportLeavesNothing()
    {
        std::string error;
        auto store = FlowStore::open(path("rollback.flowsift"), error);
        QVERIFY(store);
        const int64_t id = store->beginImport({0, "x", 1, "sha", "csv", 0, 0, 0, 0, {}});
        QVERIFY(id > 0);
        QVERIFY(store->insertFlows({makeFlow(1), makeFlow(2)}));
        store->rollbackImport();
        QCOMPARE(store->summary().flows, uint64_t(0));
        QVERIFY(store->imports().empty());
    }

    void findingsRoundTripInRankOrder()
    {
        std::string error;
        auto store = FlowStore::open(path("findings.flowsift"), error);
        QVERIFY(store);
        Finding a;
        a.id = "beacon:1";
        a.type = "beacon";
        a.severity = Severity::Critical;
        a.score = 91.5;
        a.src = IpAddress::parse("10.0.5.23");
        a.dst = {*IpAddress::parse("203.0.113.77")};
        a.dstPorts = {443};
        a.startMs = 5;
        a.endMs = 9;
        a.summary = "regular <script>";
        a.evidence = {{"period_s", 60.0}};
        a.attack = {"T1071"};
        Finding b = a;
        b.id = "scan:1";
        b.type = "port_scan";
        b.src.reset();
        b.score = 40;
        b.severity = Severity::Medium;
        QVERIFY(store->replaceFindings({a, b}));
        QVERIFY(store->replaceFindings({a, b})); // replacing twice keeps one copy
        const auto back = store->findings();
        QCOMPARE(back.size(), size_t(2));
        QCOMPARE(back[0].id, std::string("beacon:1"));
        QCOMPARE(back[0].severity, Severity::Critical);
        QCOMPARE(back[0].src->toString(), std::string("10.0.5.23"));
        QCOMPARE(back[0].dst.at(0).toString(), std::string("203.0.113.77"));
        QCOMPARE(back[0].dstPorts.at(0), uint16_t(443));
        QCOMPARE(back[0].evidence["period_s"].get<double>(), 60.0);
        QCOMPARE(back[0].summary, std::string("regular <script>"));
        QVERIFY(!back[1].src.has_value());
    }

    // Every statement binds its values: text that is SQL comes back as text.
    void sqlInValuesIsStoredAsText()
    {
        const std::string hostile = "x'); DROP TABLE flows; --\"'";
        std::string error;
        {
            auto store = FlowStore::open(path("hostile.flowsift"), error);
            QVERIFY(store);
            const int64_t id = store->beginImport({0, hostile, 1, hostile + "sha", hostile, 0, 0, 0, 0, {}});
            QVERIFY(id > 0);
            FlowRecord f = makeFlow(1);
            f.extra = "{\"note\":\"'; DELETE FROM imports; --\"}";
            QVERIFY(store->insertFlows({f}));
            QVERIFY(store->markImportTimesSynthetic());
            QVERIFY(store->commitImport(id, 1, 1, 0, {{hostile, 1, 2, hostile}}));
            Finding a;
            a.id = hostile;
            a.type = hostile;
            a.summary = hostile;
            a.filter = "src ip 10.0.0.1' OR '1'='1";
            a.evidence = {{"comment", hostile}};
            QVERIFY(store->replaceFindings({a}));
        }
        auto store = FlowStore::open(path("hostile.flowsift"), error);
        QVERIFY(store);
        QCOMPARE(store->summary().flows, uint64_t(1));
        const auto imports = store->imports();
        QCOMPARE(imports.size(), size_t(1));
        QCOMPARE(imports[0].path, hostile);
        QCOMPARE(imports[0].format, hostile);
        QVERIFY(imports[0].timesSynthetic);
        QCOMPARE(imports[0].issues.at(0).reason, hostile);
        int flows = 0;
        store->forEachFlow([&](const FlowRecord& r) {
            flows += r.importId == imports[0].id;
            return true;
        });
        QCOMPARE(flows, 1);
        const auto findings = store->findings();
        QCOMPARE(findings.size(), size_t(1));
        QCOMPARE(findings[0].id, hostile);
        QCOMPARE(findings[0].summary, hostile);
        QCOMPARE(findings[0].filter, std::string("src ip 10.0.0.1' OR '1'='1"));
        QCOMPARE(findings[0].evidence["comment"].get<std::string>(), hostile);
    }

    // Schema 4 (before the collector) had no templates: opening such a case
    // upgrades it to 5, keeping its flows, and the new tables work.
    void caseFromSchema4GainsTemplateTables()
    {
        const std::string file = path("v4.flowsift");
        std::string error;
        {
            auto store = FlowStore::open(file, error);
            QVERIFY2(store, error.c_str());
            const int64_t id = store->beginImport({0, "old.pcap", 1, "sha4", "pcap-netflow", 0, 0, 0, 0, {}});
            QVERIFY(store->insertFlows({makeFlow(1)}));
            QVERIFY(store->commitImport(id, 1, 1, 0, {}));
        }
        // Make it what Flowsift wrote at schema 4: no template tables, version 4.
        sqlite3* h = nullptr;
        QCOMPARE(sqlite3_open(file.c_str(), &h), SQLITE_OK);
        QCOMPARE(sqlite3_exec(h, "DROP TABLE templates; DROP TABLE exporter_options;"
                                 " UPDATE meta SET value='4' WHERE key='schema_version';",
                              nullptr, nullptr, nullptr),
                 SQLITE_OK);
        sqlite3_close(h);
        {
            auto readOnly = FlowStore::open(file, error, true);
            QVERIFY(readOnly);
            QVERIFY(readOnly->templates().empty()); // a reader of an old case sees none, no error
        }
        auto store = FlowStore::open(file, error);
        QVERIFY2(store, error.c_str());
        QCOMPARE(store->summary().flows, uint64_t(1));
        FlowStore::TemplateRecord t;
        t.address = *IpAddress::parse("192.0.2.9");
        t.port = 2055;
        t.domain = 5;
        t.version = 10;
        t.templateId = 256;
        t.fields = "8:4 12:4 1@29305:8";
        QVERIFY2(store->saveTemplates({t}), store->lastError().c_str());
        t.templateId = 257;
        t.options = true;
        t.fields = "149:4 160:8";
        QVERIFY(store->saveTemplates({t}));
        t.templateId = 256;
        t.options = false;
        t.fields = "8:4 12:4";
        QVERIFY(store->saveTemplates({t})); // a changed template replaces the stored one
        auto back = store->templates();
        QCOMPARE(back.size(), size_t(2));
        QCOMPARE(back[0].templateId, uint16_t(256));
        QCOMPARE(back[0].fields, std::string("8:4 12:4"));
        QCOMPARE(back[0].address.toString(), std::string("192.0.2.9"));
        QCOMPARE(back[0].domain, uint32_t(5));
        QVERIFY(back[1].options);
        t.withdrawn = true;
        QVERIFY(store->saveTemplates({t}));
        back = store->templates();
        QCOMPARE(back.size(), size_t(1));
        QCOMPARE(back[0].templateId, uint16_t(257));

        FlowStore::ExporterOptionsRecord o;
        o.address = t.address;
        o.port = 2055;
        o.version = 10;
        o.systemInitMs = 1772438000123;
        o.samplingRate = 100;
        o.samplerRates = "3:10 4:1000";
        QVERIFY(store->saveExporterOptions({o}));
        const auto opts = store->exporterOptions();
        QCOMPARE(opts.size(), size_t(1));
        QCOMPARE(opts[0].systemInitMs.value_or(0), int64_t(1772438000123));
        QCOMPARE(opts[0].samplingRate, 100u);
        QCOMPARE(opts[0].samplerRates, std::string("3:10 4:1000"));
        store.reset();
        auto reopened = FlowStore::open(file, error, true);
        QCOMPARE(reopened->templates().size(), size_t(1));
    }

    // Schema 5 kept verdicts without the analyst: opening such a case upgrades it
    // to 6 and keeps the verdicts made before.
    void caseFromSchema5KeepsVerdictsAndGainsAnalyst()
    {
        const std::string file = path("v5.flowsift");
        std::string error;
        QVERIFY2(FlowStore::open(file, error), error.c_str());
        sqlite3* h = nullptr;
        QCOMPARE(sqlite3_open(file.c_str(), &h), SQLITE_OK);
        QCOMPARE(sqlite3_exec(h, "DROP TABLE verdicts;"
                                 " CREATE TABLE verdicts(finding_id TEXT PRIMARY KEY, verdict TEXT NOT NULL,"
                                 "  comment TEXT NOT NULL DEFAULT '', updated_at INTEGER NOT NULL);"
                                 " INSERT INTO verdicts VALUES('beacon:10.0.5.23>203.0.113.77', 'confirmed', 'C2, see ticket 42', 1772438000000);"
                                 " UPDATE meta SET value='5' WHERE key='schema_version';",
                              nullptr, nullptr, nullptr),
                 SQLITE_OK);
        sqlite3_close(h);
        auto store = FlowStore::open(file, error);
        QVERIFY2(store, error.c_str());
        auto old = store->verdict("beacon:10.0.5.23>203.0.113.77");
        QVERIFY(old);
        QCOMPARE(old->status, Verdict::Status::Confirmed);
        QCOMPARE(old->comment, std::string("C2, see ticket 42"));
        QCOMPARE(old->analyst, std::string());
        QCOMPARE(old->updatedAtMs, int64_t(1772438000000));
        Verdict v = *old;
        v.analyst = "alice";
        v.status = Verdict::Status::FalsePositive;
        QVERIFY2(store->saveVerdict(v), store->lastError().c_str());
        store.reset();
        auto reopened = FlowStore::open(file, error, true);
        QVERIFY(reopened);
        const auto all = reopened->verdicts();
        QCOMPARE(all.size(), size_t(1));
        QCOMPARE(all[0].analyst, std::string("alice"));
        QCOMPARE(all[0].status, Verdict::Status::FalsePositive);
        QCOMPARE(all[0].comment, std::string("C2, see ticket 42"));
    }

    // Verdicts belong to finding ids: re-running the detectors (replaceFindings)
    // keeps them; an empty verdict removes the row.
    void verdictsSurviveReplacedFindings()
    {
        const std::string file = path("verdicts.flowsift");
        std::string error;
        auto store = FlowStore::open(file, error);
        QVERIFY2(store, error.c_str());
        Finding f;
        f.id = "port_scan:h:10.0.8.14>22/tcp";
        f.type = "port_scan";
        f.summary = "scan";
        QVERIFY(store->replaceFindings({f}));
        Verdict v;
        v.findingId = f.id;
        v.status = Verdict::Status::NeedsReview;
        v.comment = "ask the \"vuln\" team, line 2\nsecond line";
        v.analyst = "bob";
        v.updatedAtMs = 1772438001234;
        QVERIFY(store->saveVerdict(v));
        Verdict other;
        other.findingId = "beacon:x>y";
        other.status = Verdict::Status::Confirmed;
        QVERIFY(store->saveVerdict(other));
        f.score = 50; // the detectors ran again and found it again
        QVERIFY(store->replaceFindings({f}));
        auto back = store->verdict(f.id);
        QVERIFY(back);
        QCOMPARE(back->status, Verdict::Status::NeedsReview);
        QCOMPARE(back->comment, v.comment);
        QCOMPARE(back->analyst, std::string("bob"));
        QCOMPARE(back->updatedAtMs, int64_t(1772438001234));
        QCOMPARE(store->verdicts().size(), size_t(2));
        QVERIFY(store->verdict("beacon:x>y")->updatedAtMs > 0); // stamped when saved without a time
        other.status = Verdict::Status::None;
        QVERIFY(store->saveVerdict(other));
        QVERIFY(!store->verdict("beacon:x>y"));
        QCOMPARE(store->verdicts().size(), size_t(1));
        QVERIFY(!store->saveVerdict(Verdict{})); // no finding id
        QCOMPARE(Verdict::statusFromName("false_positive").value(), Verdict::Status::FalsePositive);
        QVERIFY(!Verdict::statusFromName("maybe"));
        QVERIFY(!Verdict::defaultAnalyst().empty());
    }

    // A live import commits batch by batch: readers see each one, a crash keeps them.
    void liveImportCommitsEachBatch()
    {
        const std::string file = path("live.flowsift");
        std::string error;
        auto store = FlowStore::open(file, error);
        QVERIFY2(store, error.c_str());
        const int64_t before = store->beginImport({0, "a.pcap", 1, "shaA", "pcap-netflow", 0, 0, 0, 0, {}});
        QVERIFY(store->insertFlows({makeFlow(0)}));
        QVERIFY(store->commitImport(before, 1, 1, 0, {}));
        QVERIFY(store->ensureLookupIndexes());
        QCOMPARE(indexCount(file), 4);
        FlowStore::ImportRecord meta{0, "udp://127.0.0.1:9995", 0, "", "udp-netflow", 0, 0, 0, 0, {}};
        const int64_t id = store->beginLiveImport(meta);
        QVERIFY2(id > 0, store->lastError().c_str());
        QVERIFY(!store->beginImport(meta)); // one import at a time
        QVERIFY(!store->insertFlows({makeFlow(1)})); // only inside a batch
        QVERIFY(store->beginLiveBatch());
        QVERIFY(store->insertFlows({makeFlow(1), makeFlow(2)}));
        QVERIFY(store->commitLiveBatch(2, 2, 0, 300, {}));
        {
            auto reader = FlowStore::open(file, error, true);
            QCOMPARE(reader->summary().flows, uint64_t(3));
            QCOMPARE(reader->imports().at(1).recordsKept, uint64_t(2));
            QCOMPARE(reader->imports().at(1).size, int64_t(300));
            // A reader following the case takes new flows by row id.
            std::vector<uint16_t> ports;
            const int64_t last = reader->forEachFlowAfter(0, [&](const FlowRecord& r) {
                ports.push_back(r.srcPort);
                return true;
            });
            QCOMPARE(ports, (std::vector<uint16_t>{40000, 40001, 40002}));
            QVERIFY(last > 0);
            QCOMPARE(reader->forEachFlowAfter(last, [](const FlowRecord&) { return true; }), last);
        }
        QCOMPARE(indexCount(file), 0); // no flow index slows the inserts down while it runs (the case had 4)
        QVERIFY(store->beginLiveBatch());
        QVERIFY(store->insertFlows({makeFlow(3)}));
        store->rollbackImport(); // a failed batch leaves the committed ones
        QCOMPARE(store->summary().flows, uint64_t(3));
        QVERIFY(store->beginLiveBatch());
        QVERIFY(store->insertFlows({makeFlow(3)}));
        QVERIFY(!store->finishLiveImport()); // not while a batch is open
        QVERIFY(store->commitLiveBatch(3, 3, 0, 450, {}));
        QVERIFY(store->beginLiveBatch());
        QVERIFY(store->commitLiveBatch(4, 3, 1, 450, {{"udp://127.0.0.1:9995", -1, -1, "one bad datagram"}}));
        QCOMPARE(indexCount(file), 0);
        QVERIFY(store->finishLiveImport());
        QVERIFY(!store->beginLiveBatch());
        const auto imports = store->imports();
        QCOMPARE(imports.at(1).recordsRejected, uint64_t(1));
        QCOMPARE(imports.at(1).issues.at(0).reason, std::string("one bad datagram"));
        QCOMPARE(store->summary().flows, uint64_t(4));
        QCOMPARE(indexCount(file), 1); // the time index, built again when the session ends
        // A file import works again afterwards.
        const int64_t next = store->beginImport({0, "x.pcap", 1, "sha", "pcap-netflow", 0, 0, 0, 0, {}});
        QVERIFY(next > id);
        store->rollbackImport();
    }

    // The live writer's checkpoints run on the checkpointer's thread; the writer
    // completes one at its own threshold, so the WAL starts over and stays
    // bounded; every committed row survives; the automatic checkpoint comes back.
    void walIsCheckpointedBesideTheWriter()
    {
        const std::string path = m_dir.filePath(QStringLiteral("wal.db")).toStdString();
        sqlite3* db = nullptr;
        QCOMPARE(sqlite3_open(path.c_str(), &db), SQLITE_OK);
        QCOMPARE(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE t(x BLOB)",
                              nullptr, nullptr, nullptr), SQLITE_OK);
        const int pageSize = 4096;
        uint64_t threadPasses = 0;
        {
            WalCheckpointer checkpointer(db, path, 16, 64); // frames: pages of 4 KiB
            QVERIFY(checkpointer.isRunning());
            sqlite3_stmt* ins = nullptr;
            QCOMPARE(sqlite3_prepare_v2(db, "INSERT INTO t VALUES(randomblob(3000))", -1, &ins, nullptr), SQLITE_OK);
            for (int batch = 0; batch < 200; ++batch) {
                QCOMPARE(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
                for (int i = 0; i < 4; ++i) { // ~4 frames per batch
                    QCOMPARE(sqlite3_step(ins), SQLITE_DONE);
                    sqlite3_reset(ins);
                }
                QCOMPARE(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
                if (batch % 20 == 0)
                    QTest::qWait(20); // room for the thread's pass, as between a collector's batches
            }
            sqlite3_finalize(ins);
            threadPasses = checkpointer.checkpoints();
        }
        QVERIFY(threadPasses > 0);
        // 800 rows of 3000 bytes is ~800 frames; restarted at 64 frames, the WAL never held many more.
        const qint64 walBytes = QFileInfo(QString::fromStdString(path + "-wal")).size();
        QVERIFY2(walBytes < qint64(200) * (pageSize + 24), qPrintable(QString::number(walBytes)));
        sqlite3_stmt* st = nullptr;
        QCOMPARE(sqlite3_prepare_v2(db, "PRAGMA wal_autocheckpoint", -1, &st, nullptr), SQLITE_OK);
        QCOMPARE(sqlite3_step(st), SQLITE_ROW);
        QCOMPARE(sqlite3_column_int(st, 0), 1000);
        sqlite3_finalize(st);
        sqlite3_close(db);
        // Another connection sees every row.
        QCOMPARE(sqlite3_open(path.c_str(), &db), SQLITE_OK);
        QCOMPARE(sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &st, nullptr), SQLITE_OK);
        QCOMPARE(sqlite3_step(st), SQLITE_ROW);
        QCOMPARE(sqlite3_column_int(st, 0), 800);
        sqlite3_finalize(st);
        sqlite3_close(db);
    }

    void notACaseFileIsRefused()
    {
        const QString junk = m_dir.filePath(QStringLiteral("junk.flowsift"));
        QFile f(junk);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("definitely not sqlite, but long enough to look like a header........................................");
        f.close();
        std::string error;
        QVERIFY(!FlowStore::open(junk.toStdString(), error));
        QVERIFY2(error.find("junk.flowsift") != std::string::npos, error.c_str());
    }
};

QTEST_GUILESS_MAIN(TestFlowStore)
#include "tst_flowstore.moc"
