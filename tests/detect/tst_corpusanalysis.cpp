// End-to-end: flowsift-cli analyze on the labelled corpus captures. The
// expectations come from the labels files, never from hard-coded addresses.
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

using nlohmann::json;

namespace {

const QString kCorpus = QStringLiteral(FLOWSIFT_CORPUS_DIR);

int severityRank(const std::string& s)
{
    if (s == "critical") return 4;
    if (s == "high") return 3;
    if (s == "medium") return 2;
    if (s == "low") return 1;
    return 0;
}

bool contains(const json& arr, const json& value)
{
    for (const auto& v : arr)
        if (v == value)
            return true;
    return false;
}

// Does this finding describe that label? Same kind, same entities, overlapping time.
bool matches(const json& finding, const json& label)
{
    const std::string kind = label["kind"];
    const std::string type = finding["type"];
    const double fStart = QDateTime::fromString(QString::fromStdString(finding["start"].get<std::string>()), Qt::ISODateWithMs).toMSecsSinceEpoch() / 1000.0;
    const double fEnd = QDateTime::fromString(QString::fromStdString(finding["end"].get<std::string>()), Qt::ISODateWithMs).toMSecsSinceEpoch() / 1000.0;
    const bool overlaps = fStart <= label["end_epoch"].get<double>() + 120 && fEnd >= label["start_epoch"].get<double>() - 120;
    if (!overlaps)
        return false;
    if (kind == "c2_beacon" || kind.rfind("benign_periodic", 0) == 0)
        return (type == "beacon" || kind != "c2_beacon") && finding["src"] == label["src"] && contains(finding["dst"], label["dst"]);
    if (kind == "port_scan_horizontal")
        return type == "port_scan" && finding["subtype"] == "horizontal" && finding["src"] == label["src"]
            && contains(finding["dst_ports"], label["ports"][0]);
    if (kind == "port_scan_vertical")
        return type == "port_scan" && finding["subtype"] == "vertical" && finding["src"] == label["src"]
            && contains(finding["dst"], label["dst"]);
    if (kind == "exfiltration")
        return type == "exfiltration" && finding["src"] == label["src"] && contains(finding["dst"], label["dst"]);
    if (kind == "volumetric_udp_flood")
        return type == "volumetric" && contains(finding["dst"], label["dst"]);
    return false;
}

// The figures of a finding against the generator's parameters of its label.
void checkEvidence(const json& f, const json& label)
{
    const std::string kind = label["kind"];
    const json& p = label["parameters"];
    const json& e = f["evidence"];
    const QByteArray what = QByteArray::fromStdString(label["id"].get<std::string>() + ": " + e.dump());
    if (kind == "c2_beacon") {
        const double period = p["period_s"].get<double>();
        QVERIFY2(std::abs(e["period_s"].get<double>() - period) <= 0.05 * period, what.constData());
        // Jitter is uniform ±jitter_frac: reported as a percentage of the period, within its bounds.
        QVERIFY2(e["jitter_pct"].get<double>() <= 100 * p["jitter_frac"].get<double>() + 5, what.constData());
        QVERIFY2(e["beats"].get<int>() >= 0.9 * (p["connections"].get<int>() - p.value("dropped_beats", 0)), what.constData());
    } else if (kind == "port_scan_vertical") {
        QVERIFY2(e["ports_answered_open"] == p["open_ports"], what.constData());
        QVERIFY2(e["targets"].get<int>() >= p["ports_scanned"].get<int>(), what.constData());
    } else if (kind == "port_scan_horizontal") {
        QVERIFY2(e["targets"].get<int>() >= p["targets"].get<int>(), what.constData());
    } else if (kind == "exfiltration") {
        const double payload = p["total_payload_bytes"].get<double>();
        QVERIFY2(e["bytes_sent"].get<double>() >= payload && e["bytes_sent"].get<double>() < 1.05 * payload, what.constData());
        QCOMPARE(e["connections"].get<int>(), p["flows"].get<int>());
    } else if (kind == "volumetric_udp_flood") {
        QCOMPARE(e["top_service"].get<std::string>(), std::string("udp/") + std::to_string(label["ports"][0].get<int>()));
        QCOMPARE(e["top_service_sources"].get<int>(), p["sources"].get<int>());
        QCOMPARE(e["top_services"][0]["packets"].get<double>(), p["packets"].get<double>());
    }
}

} // namespace

class TestCorpusAnalysis final : public QObject {
    Q_OBJECT

private:
    json analyze(const QString& exportName, QString* stdoutText = nullptr, const QStringList& moreExports = {})
    {
        QStringList args = {QStringLiteral("analyze")};
        for (const QString& name : QStringList{exportName} + moreExports) {
            const QString capture = kCorpus + QStringLiteral("/exports/") + name;
            if (!QFile::exists(capture))
                return json();
            args << QStringLiteral("--flow-file") << capture;
        }
        const QString report = m_dir.filePath(exportName + QString::number(moreExports.size()) + QStringLiteral(".json"));
        args << QStringLiteral("--output") << report;
        QProcess cli;
        cli.start(QStringLiteral(FLOWSIFT_CLI_PATH), args);
        if (!cli.waitForFinished(300000) || cli.exitCode() != 0) {
            qWarning() << cli.readAllStandardError();
            return json();
        }
        if (stdoutText)
            *stdoutText = QString::fromUtf8(cli.readAllStandardOutput());
        std::ifstream in(report.toStdString());
        return json::parse(in, nullptr, false);
    }

    static json labels(const QString& scenario)
    {
        std::ifstream in(QString(kCorpus + QStringLiteral("/labels/") + scenario + QStringLiteral(".labels.json")).toStdString());
        return json::parse(in, nullptr, false);
    }

    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        if (!QDir(kCorpus).exists())
            QSKIP("reference corpus not present");
        QVERIFY(m_dir.isValid());
    }

    void labelledAttacksAreFoundAndRanked_data()
    {
        QTest::addColumn<QString>("exportName");
        QTest::addColumn<int>("flows");
        QTest::newRow("softflowd-v9") << QStringLiteral("enterprise4h__softflowd-v9.pcap") << 33401;
        QTest::newRow("softflowd-ipfix") << QStringLiteral("enterprise4h__softflowd-ipfix.pcap") << 33401;
        // Dual stack: the IPv6 beacon's site prefix is global (2001:db8:10::/48) and must be learnt.
        QTest::newRow("dualstack-v9") << QStringLiteral("dualstack2h__softflowd-v9-ipv6.pcap") << 14517;
        QTest::newRow("dualstack-ipfix") << QStringLiteral("dualstack2h__softflowd-ipfix-ipv6.pcap") << 14517;
    }

    void labelledAttacksAreFoundAndRanked()
    {
        QFETCH(QString, exportName);
        QFETCH(int, flows);
        QString printed;
        const json report = analyze(exportName, &printed);
        QVERIFY2(report.is_object(), "analyze failed or wrote no report");
        QVERIFY(printed.contains(QStringLiteral("Findings:")));

        // The report's contract.
        const json& meta = report["metadata"];
        QCOMPARE(meta["flows"].get<int>(), flows);
        QCOMPARE(meta["start"].get<std::string>().substr(0, 13), std::string("2026-03-02T08"));
        QVERIFY(meta["inputs"].size() == 1);
        const json& findings = report["findings"];
        QVERIFY(findings.is_array() && !findings.empty());
        for (size_t i = 1; i < findings.size(); ++i)
            QVERIFY2(findings[i - 1]["score"].get<double>() >= findings[i]["score"].get<double>(), "findings not sorted by priority");
        for (const auto& f : findings)
            for (const char* key : {"id", "type", "severity", "score", "src", "dst", "dst_ports", "start", "end", "summary", "evidence", "attack"})
                QVERIFY2(f.contains(key), key);

        const json l = labels(exportName.section(QStringLiteral("__"), 0, 0));
        int malicious = 0;
        const size_t topN = 12;
        for (const auto& label : l["labels"]) {
            bool found = false;
            for (size_t i = 0; i < findings.size(); ++i) {
                const json& f = findings[i];
                if (!matches(f, label))
                    continue;
                if (label["malicious"].get<bool>()) {
                    if (severityRank(f["severity"]) >= 3 && i < topN) {
                        found = true;
                        checkEvidence(f, label);
                    }
                } else {
                    if (label["kind"] == "benign_periodic_ntp") // the built-in allowlist names itself
                        QVERIFY2(f["evidence"].value("suppressed_by", "") == "ntp" && f["severity"] == "info",
                                 f["summary"].get<std::string>().c_str());
                    QVERIFY2(severityRank(f["severity"]) < 3,
                             qPrintable(QStringLiteral("benign %1 rated %2: %3")
                                            .arg(QString::fromStdString(label["id"]), QString::fromStdString(f["severity"]),
                                                 QString::fromStdString(f["summary"]))));
                }
            }
            if (label["malicious"].get<bool>()) {
                ++malicious;
                QVERIFY2(found, qPrintable(QStringLiteral("label %1 not among the top %2 findings at high or critical")
                                                .arg(QString::fromStdString(label["id"])).arg(topN)));
            }
        }
        QCOMPARE(malicious, exportName.startsWith(QStringLiteral("enterprise4h")) ? 6 : 5);
    }

    void negativeControlHasNothingHigh_data()
    {
        QTest::addColumn<QString>("exportName");
        QTest::newRow("baseline-v9") << QStringLiteral("baseline2h__softflowd-v9.pcap");
        QTest::newRow("baseline-ipfix") << QStringLiteral("baseline2h__softflowd-ipfix.pcap");
    }

    void negativeControlHasNothingHigh()
    {
        QFETCH(QString, exportName);
        const json report = analyze(exportName);
        QVERIFY2(report.is_object(), "analyze failed or wrote no report");
        QCOMPARE(report["metadata"]["flows"].get<int>(), 10152);
        for (const auto& f : report["findings"])
            QVERIFY2(severityRank(f["severity"]) < 3, qPrintable(QString::fromStdString(f["summary"])));
    }

    void sameTrafficFromSeveralExportersCountsOnce()
    {
        // softflowd v9, pmacct v9 and softflowd v5 exported the same packets: three records of every flow.
        const json report = analyze(QStringLiteral("enterprise4h__softflowd-v9.pcap"), nullptr,
                                    {QStringLiteral("enterprise4h__pmacct-v9.pcap"),
                                     QStringLiteral("enterprise4h__softflowd-v5.pcap")});
        QVERIFY2(report.is_object(), "analyze failed");
        QCOMPARE(report["metadata"]["flows"].get<int>(), 3 * 33401);
        QCOMPARE(report["metadata"]["analysis"]["duplicate_records_ignored"].get<int>(), 2 * 33401);
        const json l = labels(QStringLiteral("enterprise4h"));
        for (const auto& label : l["labels"]) {
            if (!label["malicious"].get<bool>())
                continue;
            const json* hit = nullptr;
            for (const auto& f : report["findings"])
                if (matches(f, label) && severityRank(f["severity"]) >= 3)
                    hit = &f;
            QVERIFY2(hit, qPrintable(QString::fromStdString(label["id"])));
            if (label["kind"] == "exfiltration") { // 4 x 500 MB, not three times that
                const double bytes = (*hit)["evidence"]["bytes_sent"].get<double>();
                QVERIFY2(bytes > 1.9e9 && bytes < 2.2e9, qPrintable(QString::number(bytes)));
            }
            if (label["kind"] == "port_scan_vertical")
                QVERIFY((*hit)["evidence"]["targets"].get<int>() >= 1024);
        }
    }

    void unreadableInputFailsClearly()
    {
        const QString bogus = m_dir.filePath(QStringLiteral("not-a-capture.bin"));
        QFile f(bogus);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not a flow capture\n");
        f.close();
        QProcess cli;
        cli.start(QStringLiteral(FLOWSIFT_CLI_PATH), {QStringLiteral("analyze"), QStringLiteral("--flow-file"), bogus});
        QVERIFY(cli.waitForFinished(30000));
        QCOMPARE(cli.exitCode(), 1);
        const QString err = QString::fromUtf8(cli.readAllStandardError());
        QVERIFY2(err.contains(bogus), qPrintable(err));

        cli.start(QStringLiteral(FLOWSIFT_CLI_PATH), {QStringLiteral("analyze"), QStringLiteral("--flow-file"), m_dir.filePath(QStringLiteral("missing.pcap"))});
        QVERIFY(cli.waitForFinished(30000));
        QCOMPARE(cli.exitCode(), 1);
        QVERIFY(QString::fromUtf8(cli.readAllStandardError()).contains(QStringLiteral("missing.pcap")));
    }

    // An --output that cannot be written is found before the analysis, not after it.
    void unwritableOutputFailsBeforeTheAnalysis()
    {
        const QString sample = kCorpus + QStringLiteral("/exports/enterprise4h__softflowd-v9.pcap");
        if (!QFileInfo::exists(sample))
            QSKIP("reference corpus not present");
        const QString db = m_dir.filePath(QStringLiteral("unwritable.flowsift"));
        QProcess cli;
        cli.start(QStringLiteral(FLOWSIFT_CLI_PATH),
                  {QStringLiteral("analyze"), QStringLiteral("--flow-file"), sample, QStringLiteral("--db"), db,
                   QStringLiteral("--output"), m_dir.filePath(QStringLiteral("no-such-folder/report.json"))});
        QVERIFY(cli.waitForFinished(30000));
        QCOMPARE(cli.exitCode(), 1);
        const QString err = QString::fromUtf8(cli.readAllStandardError());
        QVERIFY2(err.contains(QStringLiteral("no-such-folder/report.json: cannot write: No such file or directory")),
                 qPrintable(err));
        QVERIFY2(!err.contains(QStringLiteral("flows imported")), qPrintable(err)); // nothing was imported
        QVERIFY(!QFileInfo::exists(db));
        cli.start(QStringLiteral(FLOWSIFT_CLI_PATH), {QStringLiteral("analyze"), QStringLiteral("--flow-file"), sample,
                                                      QStringLiteral("--output"), m_dir.path()});
        QVERIFY(cli.waitForFinished(30000));
        QCOMPARE(cli.exitCode(), 1);
        QVERIFY(QString::fromUtf8(cli.readAllStandardError()).contains(QStringLiteral("is a directory")));
        // A writable path is checked without leaving a file behind when the run then fails.
        const QString report = m_dir.filePath(QStringLiteral("report.json"));
        cli.start(QStringLiteral(FLOWSIFT_CLI_PATH), {QStringLiteral("analyze"), QStringLiteral("--flow-file"),
                                                      m_dir.filePath(QStringLiteral("missing.pcap")),
                                                      QStringLiteral("--output"), report});
        QVERIFY(cli.waitForFinished(30000));
        QCOMPARE(cli.exitCode(), 1);
        QVERIFY(!QFileInfo::exists(report));
    }
};

QTEST_GUILESS_MAIN(TestCorpusAnalysis)
#include "tst_corpusanalysis.moc"
