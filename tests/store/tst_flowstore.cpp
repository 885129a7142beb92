#include "detect/DetectorEngine.h"
#include "store/FlowStore.h"

#include <sqlite3.h>

#include <QTemporaryDir>
#include <QTest>

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
        QCOMPARE(ctx.flows.size(), size_t(2));
        QCOMPARE(ctx.flows[0].bytes, uint64_t(100100));
        QCOMPARE(ctx.flows[0].packets, uint64_t(300));
        QCOMPARE(ctx.flows[0].revBytes, uint64_t(100));
        QCOMPARE(ctx.flows[1].bytes, uint64_t(1002)); // unsampled: unchanged
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
