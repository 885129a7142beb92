// flowsift-cli decode: the quick-look listing other tools parse (CSV and JSON lines).
#include <QProcess>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

namespace {

const QString kCli = QStringLiteral(FLOWSIFT_CLI_PATH);
const QString kExport = QStringLiteral(FLOWSIFT_CORPUS_DIR "/exports/enterprise4h__softflowd-v9.pcap");

std::vector<std::string> split(const std::string& line, char sep)
{
    std::vector<std::string> out;
    std::string cur;
    std::istringstream in(line);
    while (std::getline(in, cur, sep))
        out.push_back(cur);
    return out;
}

struct Run {
    int exitCode = -1;
    std::string out, err;
};

Run runCli(const QStringList& args)
{
    QProcess p;
    p.start(kCli, args);
    Run r;
    if (!p.waitForFinished(120000))
        return r;
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput().toStdString();
    r.err = p.readAllStandardError().toStdString();
    return r;
}

} // namespace

class TestDecodeCommand : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (!QFile::exists(kExport))
            QSKIP("reference corpus not present");
    }

    void csvListsEveryFlowWithTheReferenceValues()
    {
        const Run r = runCli({QStringLiteral("decode"), kExport});
        QCOMPARE(r.exitCode, 0);
        std::istringstream in(r.out);
        std::string line;
        QVERIFY(std::getline(in, line));
        const std::vector<std::string> header = split(line, ',');
        QCOMPARE(header.size(), size_t(20));
        auto col = [&](const char* name) {
            return size_t(std::find(header.begin(), header.end(), name) - header.begin());
        };
        for (const char* name : {"exporter", "start_ms", "end_ms", "src_addr", "dst_addr", "src_port", "dst_port",
                                 "proto", "tcp_flags", "bytes", "packets", "version"})
            QVERIFY2(col(name) < header.size(), name);

        size_t rows = 0;
        uint64_t bytes = 0;
        std::vector<std::string> first;
        while (std::getline(in, line)) {
            // extra is the last column and may hold quoted commas: the fixed columns come first.
            const std::vector<std::string> c = split(line, ',');
            QVERIFY(c.size() >= 19);
            if (rows == 0)
                first = c;
            bytes += std::stoull(c[col("bytes")]);
            ++rows;
        }
        // corpus README: 33,401 records, 4,878,383,524 bytes (tshark and nfdump agree).
        QCOMPARE(rows, size_t(33401));
        QCOMPARE(bytes, uint64_t(4878383524ULL));
        // The first record of the capture, as tshark decodes it (reference/…softflowd-v9.tsv.gz row 1).
        QCOMPARE(first[col("exporter")].substr(0, 10), std::string("127.0.0.1:"));
        QCOMPARE(first[col("version")], std::string("9"));
        QCOMPARE(first[col("src_addr")], std::string("10.0.0.80"));
        QCOMPARE(first[col("dst_addr")], std::string("13.107.213.73"));
        QCOMPARE(first[col("src_port")], std::string("80"));
        QCOMPARE(first[col("dst_port")], std::string("38640"));
        QCOMPARE(first[col("proto")], std::string("6"));
        QCOMPARE(first[col("bytes")], std::string("30225"));
        QCOMPARE(first[col("packets")], std::string("6"));
        // tshark: 1772438406.137 .. .793 (whole-second v9 header: within 1 ms)
        QVERIFY(std::llabs(std::stoll(first[col("start_ms")]) - 1772438406137LL) <= 1);
        QVERIFY(std::llabs(std::stoll(first[col("end_ms")]) - 1772438406793LL) <= 1);
        // tcp_flags ...AP.SF = ACK|PSH|SYN|FIN = 0x1b
        QCOMPARE(first[col("tcp_flags")], std::string("27"));

        // Per-exporter statistics on stderr.
        QVERIFY2(r.err.find("33401 flows") != std::string::npos, r.err.c_str());
        QVERIFY2(r.err.find("exporter 127.0.0.1:") != std::string::npos, r.err.c_str());
        QVERIFY2(r.err.find("version 9") != std::string::npos, r.err.c_str());
    }

    void jsonLinesCarryTheSameFlows()
    {
        const Run r = runCli({QStringLiteral("decode"), kExport, QStringLiteral("--format"), QStringLiteral("jsonl")});
        QCOMPARE(r.exitCode, 0);
        std::istringstream in(r.out);
        std::string line;
        size_t rows = 0;
        uint64_t packets = 0;
        while (std::getline(in, line)) {
            const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
            QVERIFY2(!j.is_discarded(), line.c_str());
            if (rows == 0) {
                QCOMPARE(j["src_addr"].get<std::string>(), std::string("10.0.0.80"));
                QCOMPARE(j["bytes"].get<uint64_t>(), uint64_t(30225));
                QCOMPARE(j["version"].get<int>(), 9);
                // softflowd's flowEndReason rides in extra
                QVERIFY(j["extra"].contains("endReason"));
            }
            packets += j["packets"].get<uint64_t>();
            ++rows;
        }
        QCOMPARE(rows, size_t(33401));
        QVERIFY(packets > 33401);
    }

    void badArgumentsAndInputsFailClearly()
    {
        Run r = runCli({QStringLiteral("decode"), kExport, QStringLiteral("--format"), QStringLiteral("xml")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.find("--format must be csv or jsonl") != std::string::npos, r.err.c_str());
        r = runCli({QStringLiteral("decode"), QStringLiteral("/nonexistent/x.pcap")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.find("/nonexistent/x.pcap") != std::string::npos, r.err.c_str());
        r = runCli({QStringLiteral("decode")});
        QCOMPARE(r.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestDecodeCommand)
#include "tst_decodecommand.moc"
