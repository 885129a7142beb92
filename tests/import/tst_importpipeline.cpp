// What an import promises whatever the format: all or nothing (cancel, crash),
// duplicates skipped unless forced, bad records located, schema upgrades,
// progress by bytes read.
#include "import/FlowImporter.h"
#include "import/FlowSource.h"
#include "store/FlowStore.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>
#include <zlib.h>

#include <csignal>
#include <cstdio>

namespace {

void writeText(const std::string& path, const std::string& text, bool gzip = false)
{
    if (gzip) {
        gzFile f = gzopen(path.c_str(), "wb");
        gzwrite(f, text.data(), unsigned(text.size()));
        gzclose(f);
        return;
    }
    FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
}

// NetFlow-named CSV with real times: rows flows, seed varies the content (and so the SHA-256).
void writeFlowCsv(const std::string& path, int rows, int seed)
{
    FILE* f = std::fopen(path.c_str(), "wb");
    std::fputs("IPV4_SRC_ADDR,L4_SRC_PORT,IPV4_DST_ADDR,L4_DST_PORT,PROTOCOL,IN_BYTES,IN_PKTS,OUT_BYTES,OUT_PKTS,"
               "TCP_FLAGS,FLOW_START_MILLISECONDS,FLOW_END_MILLISECONDS\n", f);
    for (int i = 0; i < rows; ++i) {
        const int64_t start = 1772438400000LL + int64_t(i) * 7;
        std::fprintf(f, "10.%d.%d.%d,%d,192.0.2.%d,443,6,%d,%d,%d,%d,27,%lld,%lld\n", seed & 255, (i >> 8) & 255,
                     i & 255, 1024 + i % 60000, i % 250, 100 + i % 5000, 1 + i % 20, 60 + i % 900, 1 + i % 10,
                     (long long)start, (long long)(start + i % 3000));
    }
    std::fclose(f);
}

std::string sqlValue(const std::string& db, const char* sql)
{
    sqlite3* h = nullptr;
    std::string out;
    if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(h, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
            out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
    return out;
}

} // namespace

class TestImportPipeline final : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string path(const std::string& name) const { return m_dir.filePath(QString::fromStdString(name)).toStdString(); }
    std::atomic_bool m_noCancel{false};

private slots:
    void sha256OfFileMatchesTheStandardVectors()
    {
        // FIPS 180-2 test vectors, and a file longer than the 1 MiB read buffer.
        const std::string abc = path("abc.bin");
        QFile f(QString::fromStdString(abc));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("abc");
        f.close();
        std::string error;
        QCOMPARE(FlowImporter::sha256OfFile(abc, error),
                 std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        const std::string million = path("million-a.bin");
        QFile g(QString::fromStdString(million));
        QVERIFY(g.open(QIODevice::WriteOnly));
        g.write(QByteArray(1000000, 'a'));
        g.write(QByteArray(1100000, 'a')); // 2.1M 'a': more than two buffers
        g.close();
        // Across buffers: the same digest as Qt's independent implementation.
        QCOMPARE(FlowImporter::sha256OfFile(million, error),
                 QCryptographicHash::hash(QByteArray(2100000, 'a'), QCryptographicHash::Sha256).toHex().toStdString());
        g.resize(1000000);
        QCOMPARE(FlowImporter::sha256OfFile(million, error),
                 std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
        QVERIFY(error.empty());
        QVERIFY(FlowImporter::sha256OfFile(path("missing.bin"), error).empty());
        QVERIFY2(QByteArray::fromStdString(error).contains("missing.bin: No such file"), error.c_str());
    }

    void duplicateImportIsSkippedUnlessForced()
    {
        const std::string input = path("dup.csv");
        writeFlowCsv(input, 500, 1);
        std::string error;
        auto store = FlowStore::open(path("dup.flowsift"), error);
        QVERIFY2(store, error.c_str());
        const ImportResult first = FlowImporter::importFile(*store, input, false, {}, m_noCancel);
        QVERIFY2(first.ok, first.error.c_str());
        QCOMPARE(first.recordsKept, uint64_t(500));
        QVERIFY(!first.duplicate);
        const ImportResult again = FlowImporter::importFile(*store, input, false, {}, m_noCancel);
        QVERIFY(again.ok);
        QVERIFY(again.duplicate);
        QCOMPARE(again.importId, first.importId);
        QCOMPARE(store->summary().flows, uint64_t(500));
        QCOMPARE(store->imports().size(), size_t(1));
        const ImportResult forced = FlowImporter::importFile(*store, input, true, {}, m_noCancel);
        QVERIFY(forced.ok);
        QVERIFY(!forced.duplicate);
        QCOMPARE(store->summary().flows, uint64_t(1000));
        QCOMPARE(store->imports().size(), size_t(2));
    }

    void cancelLeavesTheCaseAsItWas()
    {
        const std::string before = path("before.csv"), big = path("big.csv.gz");
        writeFlowCsv(before, 300, 2);
        writeFlowCsv(path("big.csv"), 100000, 3);
        {
            FILE* in = std::fopen(path("big.csv").c_str(), "rb");
            gzFile out = gzopen(big.c_str(), "wb1");
            char buf[65536];
            size_t n;
            while ((n = std::fread(buf, 1, sizeof buf, in)) > 0)
                gzwrite(out, buf, unsigned(n));
            gzclose(out);
            std::fclose(in);
        }
        std::string error;
        auto store = FlowStore::open(path("cancel.flowsift"), error);
        QVERIFY2(store, error.c_str());
        QVERIFY(FlowImporter::importFile(*store, before, false, {}, m_noCancel).ok);
        const auto imports = store->imports();
        const auto summary = store->summary();

        std::atomic_bool cancel{false};
        int calls = 0;
        int64_t last = -1, total = 0;
        const ImportResult r = FlowImporter::importFile(*store, big, false,
            [&](int64_t done, int64_t of) {
                QVERIFY(done >= last);
                last = done;
                total = of;
                if (++calls == 3)
                    cancel = true;
            },
            cancel);
        QVERIFY(r.cancelled);
        QVERIFY(!r.ok);
        // Progress counts compressed bytes against the compressed size.
        QCOMPARE(total, int64_t(QFileInfo(QString::fromStdString(big)).size()));
        QVERIFY(last > 0 && last < total);
        QCOMPARE(store->imports().size(), imports.size());
        QCOMPARE(store->summary().flows, summary.flows);
        QCOMPARE(store->summary().bytes, summary.bytes);
        // The case is usable afterwards, and the cancelled file is not a duplicate.
        std::atomic_bool noCancel{false};
        int64_t finalDone = 0;
        const ImportResult full = FlowImporter::importFile(*store, big, false,
            [&](int64_t done, int64_t) { finalDone = done; }, noCancel);
        QVERIFY2(full.ok, full.error.c_str());
        QCOMPARE(full.recordsKept, uint64_t(100000));
        QCOMPARE(finalDone, total);
        QCOMPARE(store->summary().flows, summary.flows + 100000);
    }

    void badRecordsAreLocatedAndTheRestImported()
    {
        const std::string input = path("bad.nfdump.csv");
        writeText(input,
                  "ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt\n"                   // 1
                  "2026-03-02 08:00:06,2026-03-02 08:00:06,0.656,10.0.0.80,13.107.213.73,80,38640,TCP,...AP.SF,0,0,6,30225,0,0\n" // 2
                  "2026-03-02 08:00:07,2026-03-02 08:00:07,0.100,10.0.0.300,10.0.0.1,1,2,TCP,......,0,0,1,40,0,0\n" // 3
                  "2026-03-02 08:00:08,2026-03-02 08:00:08,0.100,10.0.0.3,10.0.0.1,1,2,UDP,......,0,0,1,40,0,0\n" // 4
                  "2026-03-02 08:00:09,2026-03-02 08:00:09,0.100,10.0.0.3,10.0.0.1,1,2,BOGUS,......,0,0,1,40,0,0\n" // 5
                  "2026-03-02 08:00:10,2026-03-02 08:00:10,0.100,10.0.0.3\n"                      // 6
                  "2026-13-02 08:00:11,2026-03-02 08:00:11,0.100,10.0.0.3,10.0.0.1,1,2,TCP,......,0,0,1,40,0,0\n" // 7
                  "2026-03-02 08:00:12,2026-03-02 08:00:12,0.100,10.0.0.3,10.0.0.1,1,2,TCP,......,0,0,x,40,0,0\n" // 8
                  "2026-03-02 08:00:13,2026-03-02 08:00:13,0.100,10.0.0.3,10.0.0.1,1,2,ICMP,......,0,0,1,84,0,0\n"); // 9
        std::string error;
        auto store = FlowStore::open(path("bad.flowsift"), error);
        QVERIFY2(store, error.c_str());
        const ImportResult r = FlowImporter::importFile(*store, input, false, {}, m_noCancel);
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(r.format, std::string("nfdump-csv"));
        QCOMPARE(r.recordsKept, uint64_t(3));
        QCOMPARE(r.recordsRejected, uint64_t(5));
        QCOMPARE(r.recordsRead, uint64_t(8));
        const std::vector<std::pair<int64_t, std::string>> expected = {
            {3, "bad address '10.0.0.300'"},
            {5, "bad protocol 'BOGUS'"},
            {6, "expected at least 13 fields, found 4"},
            {7, "bad start time '2026-13-02 08:00:11'"},
            {8, "bad number 'x'"},
        };
        QCOMPARE(r.issues.size(), expected.size());
        for (size_t i = 0; i < expected.size(); ++i) {
            QCOMPARE(r.issues[i].file, input);
            QCOMPARE(r.issues[i].line, expected[i].first);
            QCOMPARE(r.issues[i].reason, expected[i].second);
        }
        // Stored with the import, for the GUI to show afterwards.
        const auto stored = store->imports().back();
        QCOMPARE(stored.recordsRejected, uint64_t(5));
        QCOMPARE(stored.issues.size(), size_t(5));
        QCOMPARE(stored.issues[3].line, int64_t(7));
        QCOMPARE(stored.issues[3].toString(), input + ":7: bad start time '2026-13-02 08:00:11'");
    }

    // Bytes that are not UTF-8, in kept fields and in rejected ones, are
    // imported (as U+FFFD in the case's JSON), never an exception (found by fuzz_csv).
    void invalidUtf8InTextFieldsIsImported()
    {
        std::string text = "#separator \\x09\n#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\thistory\n";
        text += "1.5\t10.0.0.9\t1\t10.0.0.1\t2\ttcp\tSh\xff\xfe\n";
        text += "2.5\t10.0.0.\xff\t1\t10.0.0.1\t2\ttcp\tS\n";
        writeText(path("utf8.log"), text);
        std::string error;
        auto store = FlowStore::open(path("utf8.flowsift"), error);
        QVERIFY2(store, error.c_str());
        const ImportResult r = FlowImporter::importFile(*store, path("utf8.log"), false, {}, m_noCancel);
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(r.recordsKept, uint64_t(1));
        QCOMPARE(r.recordsRejected, uint64_t(1));
        const auto imports = store->imports();
        QCOMPARE(imports.size(), size_t(1));
        QCOMPARE(imports[0].issues.size(), size_t(1));
        QCOMPARE(imports[0].issues[0].reason, std::string("bad address '10.0.0.\xEF\xBF\xBD'"));
    }

    void issuesAreCappedButAllRejectionsCounted()
    {
        std::string text = "#separator \\x09\n#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\n";
        for (int i = 0; i < 150; ++i)
            text += "1.0\tnot-an-ip\t1\t10.0.0.1\t2\ttcp\n";
        text += "2.5\t10.0.0.9\t1\t10.0.0.1\t2\ttcp\n";
        writeText(path("capped.log"), text);
        std::string error;
        auto source = openFlowSource(path("capped.log"), error);
        QVERIFY2(source, error.c_str());
        std::vector<FlowRecord> out;
        while (source->readBatch(out, 1000)) {
        }
        QCOMPARE(out.size(), size_t(1));
        QCOMPARE(out[0].startMs, int64_t(2500));
        QCOMPARE(source->rejectedCount(), uint64_t(150));
        QCOMPARE(source->issues().size(), size_t(100));
        QCOMPARE(source->issues().front().line, int64_t(3));
        QCOMPARE(source->issues().back().line, int64_t(102));
        QCOMPARE(source->issues().back().reason, std::string("bad address 'not-an-ip'"));
    }

    void caseFromSchemaVersion1IsUpgraded()
    {
        // A case as Flowsift 0.1 (schema 1) wrote it.
        const std::string file = path("v1.flowsift");
        sqlite3* h = nullptr;
        QCOMPARE(sqlite3_open(file.c_str(), &h), SQLITE_OK);
        const char* v1 = R"SQL(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE exporters(id INTEGER PRIMARY KEY, address BLOB NOT NULL, port INTEGER NOT NULL, domain INTEGER NOT NULL,
  UNIQUE(address, port, domain));
CREATE TABLE imports(id INTEGER PRIMARY KEY, path TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,
  format TEXT NOT NULL, imported_at INTEGER NOT NULL, records_read INTEGER NOT NULL DEFAULT 0,
  records_kept INTEGER NOT NULL DEFAULT 0, records_rejected INTEGER NOT NULL DEFAULT 0, issues TEXT NOT NULL DEFAULT '[]');
CREATE TABLE flows(id INTEGER PRIMARY KEY, import_id INTEGER NOT NULL, exporter_id INTEGER, version INTEGER NOT NULL,
  start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL, src BLOB NOT NULL, dst BLOB NOT NULL, src_port INTEGER NOT NULL,
  dst_port INTEGER NOT NULL, proto INTEGER NOT NULL, tcp_flags INTEGER NOT NULL, tos INTEGER NOT NULL,
  bytes INTEGER NOT NULL, packets INTEGER NOT NULL, rev_bytes INTEGER NOT NULL, rev_packets INTEGER NOT NULL,
  sampling INTEGER NOT NULL, in_if INTEGER NOT NULL, out_if INTEGER NOT NULL, extra TEXT);
CREATE TABLE findings(id TEXT PRIMARY KEY, rank INTEGER NOT NULL, type TEXT NOT NULL, subtype TEXT NOT NULL,
  severity TEXT NOT NULL, score REAL NOT NULL, src TEXT, dst TEXT NOT NULL, dst_ports TEXT NOT NULL,
  proto INTEGER NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL, summary TEXT NOT NULL,
  evidence TEXT NOT NULL, attack TEXT NOT NULL, filter TEXT NOT NULL);
CREATE TABLE verdicts(finding_id TEXT PRIMARY KEY, verdict TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL);
INSERT INTO meta VALUES('schema_version', '1');
INSERT INTO imports(path, size, sha256, format, imported_at, records_read, records_kept)
  VALUES('old.pcap', 10, 'abc', 'pcap-netflow', 1, 1, 1);
INSERT INTO flows(import_id, version, start_ms, end_ms, src, dst, src_port, dst_port, proto, tcp_flags, tos, bytes,
  packets, rev_bytes, rev_packets, sampling, in_if, out_if)
  VALUES(1, 9, 1000, 2000, zeroblob(16), zeroblob(16), 1, 2, 6, 0, 0, 100, 1, 0, 0, 10, 0, 0);
)SQL";
        QCOMPARE(sqlite3_exec(h, v1, nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(h);

        std::string error;
        {
            auto store = FlowStore::open(file, error);
            QVERIFY2(store, error.c_str());
            QCOMPARE(store->summary().flows, uint64_t(1));
            const auto imports = store->imports();
            QCOMPARE(imports.size(), size_t(1));
            QCOMPARE(imports[0].path, std::string("old.pcap"));
            QVERIFY(!imports[0].timesSynthetic);
        }
        QCOMPARE(sqlValue(file, "SELECT value FROM meta WHERE key='schema_version'"),
                 std::to_string(FlowStore::kSchemaVersion));
        // Schema 3's scaled counters exist on the upgraded case (sampling 1 in 10).
        QCOMPARE(sqlValue(file, "SELECT bytes_scaled FROM flows"), std::string("1000"));
        // A newer case is refused rather than misread.
        sqlValue(file, "UPDATE meta SET value='99' WHERE key='schema_version' RETURNING value");
        QVERIFY(!FlowStore::open(file, error));
        QVERIFY(error.find("newer Flowsift") != std::string::npos);
    }

    void cliNeverOverwritesInputsCasesOrForeignDatabases()
    {
        writeFlowCsv(path("in.csv"), 50, 7);
        const QByteArray before = [&] { QFile f(QString::fromStdString(path("in.csv"))); f.open(QIODevice::ReadOnly); return f.readAll(); }();
        auto run = [&](const QStringList& args, QString* err = nullptr) {
            QProcess cli;
            cli.start(QStringLiteral(FLOWSIFT_CLI_PATH), args);
            cli.waitForFinished(60000);
            if (err)
                *err = QString::fromUtf8(cli.readAllStandardError());
            return cli.exitCode();
        };
        const QString in = QString::fromStdString(path("in.csv"));
        QString err;
        // --output naming the input (also through another spelling of the path)
        QCOMPARE(run({QStringLiteral("analyze"), QStringLiteral("--flow-file"), in, QStringLiteral("--output"),
                      QString::fromStdString(m_dir.path().toStdString() + "/./in.csv")}, &err), 1);
        QVERIFY2(err.contains(QStringLiteral("is one of the input files")), qPrintable(err));
        QFile f(in);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before);
        // --output naming the case, before the case exists
        const QString db = QString::fromStdString(path("new.flowsift"));
        QCOMPARE(run({QStringLiteral("analyze"), QStringLiteral("--flow-file"), in, QStringLiteral("--db"), db,
                      QStringLiteral("--output"), db}, &err), 1);
        QVERIFY2(err.contains(QStringLiteral("is the case file")), qPrintable(err));
        // --db naming another program's SQLite database: refused, left as it was
        const std::string foreign = path("other.sqlite");
        sqlite3* h = nullptr;
        QCOMPARE(sqlite3_open(foreign.c_str(), &h), SQLITE_OK);
        QCOMPARE(sqlite3_exec(h, "CREATE TABLE t(x); INSERT INTO t VALUES(42);", nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(h);
        QCOMPARE(run({QStringLiteral("analyze"), QStringLiteral("--flow-file"), in, QStringLiteral("--db"),
                      QString::fromStdString(foreign)}, &err), 1);
        QVERIFY2(err.contains(QStringLiteral("an SQLite database of another program")), qPrintable(err));
        QCOMPARE(sqlValue(foreign, "SELECT count(*) FROM sqlite_master"), std::string("1"));
        QCOMPARE(sqlValue(foreign, "PRAGMA journal_mode"), std::string("delete"));
        // --output - writes the report to standard output; --opt=value works
        QProcess cli;
        cli.start(QStringLiteral(FLOWSIFT_CLI_PATH), {QStringLiteral("analyze"), QStringLiteral("--flow-file=") + in,
                                                      QStringLiteral("--output=-")});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);
        const QByteArray out = cli.readAllStandardOutput();
        QVERIFY2(out.startsWith("{"), out.left(200).constData());
        QVERIFY(out.contains("\"case\": null")); // a temporary case has no path worth reporting
        QVERIFY(out.contains("\"records_kept\": 50"));
        QCOMPARE(run({QStringLiteral("analyze"), QStringLiteral("--flow-file"), in, QStringLiteral("--output"),
                      QString()}, &err), 2);
    }

    void gzipCompressedCaptureImports()
    {
        // A NetFlow v5 capture (one datagram, 2 records), gzip-compressed as archives keep them.
        std::string pcap;
        auto le32 = [&](uint32_t v) { for (int i = 0; i < 4; ++i) pcap += char(v >> (8 * i)); };
        auto be16 = [](std::string& s, uint16_t v) { s += char(v >> 8); s += char(v); };
        auto be32 = [&](std::string& s, uint32_t v) { be16(s, uint16_t(v >> 16)); be16(s, uint16_t(v)); };
        std::string v5;
        be16(v5, 5); be16(v5, 2); be32(v5, 5000); be32(v5, 1772438400); be32(v5, 0); be32(v5, 0); be32(v5, 0);
        for (int r = 0; r < 2; ++r) {
            be32(v5, 0x0a000001 + uint32_t(r)); be32(v5, 0xc0000201); be32(v5, 0); be32(v5, 0);
            be32(v5, 3); be32(v5, 1500 + uint32_t(r)); be32(v5, 1000); be32(v5, 4000);
            be16(v5, 40000); be16(v5, 443); v5 += '\0'; v5 += char(0x1b); v5 += char(6); v5 += '\0';
            be32(v5, 0); be32(v5, 0);
        }
        std::string frame(12, '\0');
        be16(frame, 0x0800);
        std::string ip;
        ip += char(0x45); ip += '\0'; be16(ip, uint16_t(28 + v5.size())); be32(ip, 0); ip += char(64); ip += char(17);
        be16(ip, 0); be32(ip, 0xc6336407); be32(ip, 0x7f000001);
        be16(ip, 50000); be16(ip, 2055); be16(ip, uint16_t(8 + v5.size())); be16(ip, 0);
        frame += ip + v5;
        le32(0xa1b2c3d4); pcap += char(2); pcap += '\0'; pcap += char(4); pcap += '\0';
        le32(0); le32(0); le32(65535); le32(1);
        le32(1772438400); le32(0); le32(uint32_t(frame.size())); le32(uint32_t(frame.size()));
        pcap += frame;
        writeText(path("v5.pcap.gz"), pcap, true);
        std::string error;
        auto store = FlowStore::open(path("gz.flowsift"), error);
        QVERIFY2(store, error.c_str());
        const ImportResult r = FlowImporter::importFile(*store, path("v5.pcap.gz"), false, {}, m_noCancel);
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(r.format, std::string("pcap-netflow"));
        QCOMPARE(r.recordsKept, uint64_t(2));
        std::vector<FlowRecord> flows;
        store->forEachFlow([&](const FlowRecord& f) { flows.push_back(f); return true; });
        QCOMPARE(flows.size(), size_t(2));
        QCOMPARE(flows[1].bytes, uint64_t(1501));
        QCOMPARE(flows[0].exporter.toString(), std::string("198.51.100.7"));
        // Gzip of something unknown says so.
        writeText(path("junk.gz"), "\x01\x02\x03 not a format\n", true);
        auto src = openFlowSource(path("junk.gz"), error);
        QVERIFY(!src);
        QVERIFY2(error.find("gzip-compressed, but its content is no format Flowsift reads") != std::string::npos,
                 error.c_str());
    }

    void syntheticTimesAreRecordedWithTheImport()
    {
        writeText(path("nf.csv"), "IPV4_SRC_ADDR,IPV4_DST_ADDR,IN_BYTES,IN_PKTS\n10.0.0.1,10.0.0.2,10,1\n");
        std::string error;
        auto store = FlowStore::open(path("synthetic.flowsift"), error);
        QVERIFY2(store, error.c_str());
        const ImportResult r = FlowImporter::importFile(*store, path("nf.csv"), false, {}, m_noCancel);
        QVERIFY2(r.ok, r.error.c_str());
        QVERIFY(r.timesSynthetic);
        QVERIFY(store->imports().back().timesSynthetic);
    }

    void killDuringImportLeavesAllOrNothing()
    {
        // A first import that must survive, then a big one killed mid-way.
        const std::string small = path("kill-small.csv"), big = path("kill-big.csv"), db = path("kill.flowsift");
        writeFlowCsv(small, 1000, 4);
        writeFlowCsv(big, 1500000, 5);
        QProcess cli;
        cli.start(QStringLiteral(FLOWSIFT_CLI_PATH),
                  {QStringLiteral("import"), QString::fromStdString(small), QStringLiteral("--db"), QString::fromStdString(db)});
        QVERIFY(cli.waitForFinished(30000));
        QCOMPARE(cli.exitCode(), 0);

        cli.start(QStringLiteral(FLOWSIFT_CLI_PATH),
                  {QStringLiteral("import"), QString::fromStdString(big), QStringLiteral("--db"), QString::fromStdString(db)});
        QVERIFY(cli.waitForStarted());
        // Wait until the import is writing pages (the WAL grows), then kill -9.
        const QString wal = QString::fromStdString(db + "-wal");
        QElapsedTimer t;
        t.start();
        while (QFileInfo(wal).size() < 8 * 1024 * 1024 && t.elapsed() < 20000 && cli.state() == QProcess::Running)
            QTest::qWait(5);
        QVERIFY2(cli.state() == QProcess::Running, "import finished before it could be killed: make the input bigger");
        ::kill(pid_t(cli.processId()), SIGKILL);
        QVERIFY(cli.waitForFinished(10000));
        QCOMPARE(cli.exitStatus(), QProcess::CrashExit);

        std::string error;
        auto store = FlowStore::open(db, error);
        QVERIFY2(store, error.c_str());
        QCOMPARE(sqlValue(db, "PRAGMA integrity_check"), std::string("ok"));
        const auto imports = store->imports();
        const uint64_t flows = store->summary().flows;
        QVERIFY(imports.size() == 1 || imports.size() == 2);
        QCOMPARE(imports.front().recordsKept, uint64_t(1000));
        if (imports.size() == 1)
            QCOMPARE(flows, uint64_t(1000));                 // none of the killed import
        else
            QCOMPARE(flows, uint64_t(1000 + 1500000));       // or all of it
        // And the case takes the import again.
        std::atomic_bool noCancel{false};
        const ImportResult again = FlowImporter::importFile(*store, small, true, {}, noCancel);
        QVERIFY2(again.ok, again.error.c_str());
    }
};

QTEST_GUILESS_MAIN(TestImportPipeline)
#include "tst_importpipeline.moc"
