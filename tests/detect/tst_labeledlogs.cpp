// Detectors on real labelled connection logs (../shared/labeled: Slips' and
// RITA's public test data, GPL, read in place): what their projects expect found.
#include "analysis/DetectionSettings.h"
#include "detect/DetectorEngine.h"
#include "import/FlowImporter.h"
#include "store/FlowStore.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

namespace {

const QString kLabeled = QStringLiteral(FLOWSIFT_SHARED_DIR "/labeled");

struct Analysis {
    std::vector<Finding> findings;
    uint64_t flows = 0;
};

} // namespace

class TestLabeledLogs : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_case = 0;

    Analysis analyse(const QString& relative, const DetectionSettings& settings = {})
    {
        Analysis a;
        std::string error;
        auto store = FlowStore::open(m_dir.filePath(QStringLiteral("c%1.flowsift").arg(++m_case)).toStdString(), error);
        if (!store)
            qFatal("%s", error.c_str());
        std::atomic_bool cancel{false};
        for (const std::string& path : FlowImporter::expandInputs({QString(kLabeled + QLatin1Char('/') + relative).toStdString()}))
            FlowImporter::importFile(*store, path, false, {}, cancel);
        a.flows = store->summary().flows;
        const DetectionContext ctx = DetectorEngine::buildContext(*store, settings, cancel);
        a.findings = DetectorEngine(settings.thresholds).run(ctx, cancel);
        return a;
    }

    static const Finding* find(const Analysis& a, const std::string& type, const std::string& subtype,
                               const std::string& src, const std::string& dstOrPort)
    {
        for (const Finding& f : a.findings) {
            if (f.type != type || (!subtype.empty() && f.subtype != subtype) || !f.src || f.src->toString() != src)
                continue;
            for (const IpAddress& d : f.dst)
                if (d.toString() == dstOrPort)
                    return &f;
            for (uint16_t p : f.dstPorts)
                if (std::to_string(p) == dstOrPort)
                    return &f;
        }
        return nullptr;
    }

private slots:
    void initTestCase()
    {
        if (!QDir(kLabeled).exists())
            QSKIP("../shared/labeled not present (GPL data, read in place)");
    }

    void slipsScansAreHigh_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("subtype");
        QTest::addColumn<QString>("src");
        QTest::addColumn<QString>("target");
        // Zeek JSON, nmap against scanme: REJ/RSTO on 50 ports.
        QTest::newRow("zeek vertical") << "slips/port-scans/vertical/conn.log" << "vertical" << "192.168.1.9" << "45.33.32.156";
        // Argus: S0 attempts that aggregate retransmissions (31 packets each): the state decides.
        QTest::newRow("argus vertical") << "slips/test11-portscan.binetflow" << "vertical" << "10.8.0.69" << "14.1.11.113";
        QTest::newRow("argus rdp sweep") << "slips/test3-mixed.binetflow" << "horizontal" << "46.166.151.160" << "3389";
        QTest::newRow("argus 81 sweep") << "slips/test4-malicious.binetflow" << "horizontal" << "192.168.2.12" << "81";
    }

    void slipsScansAreHigh()
    {
        QFETCH(QString, file);
        QFETCH(QString, subtype);
        QFETCH(QString, src);
        QFETCH(QString, target);
        const Analysis a = analyse(file);
        QVERIFY(a.flows > 0);
        const Finding* f = find(a, "port_scan", subtype.toStdString(), src.toStdString(), target.toStdString());
        QVERIFY2(f, qPrintable(file));
        QVERIFY2(f->severity >= Severity::High, f->summary.c_str());
    }

    void slipsHorizontalBurstIsMedium()
    {
        // Slips' horizontal scan: a bot fetching pages, then 10 unanswered hosts among 20 new ones on
        // :80 within 5 s. Too few for a scan by the sequential test or Zeek's threshold; reported as
        // a short burst, at medium (a client whose network broke fails alike).
        const Analysis a = analyse(QStringLiteral("slips/port-scans/horizontal/conn.log"));
        QCOMPARE(a.flows, uint64_t(41));
        const Finding* f = find(a, "port_scan", "horizontal", "10.0.2.112", "80");
        QVERIFY(f);
        QCOMPARE(f->severity, Severity::Medium);
        QCOMPARE(f->dst.size(), size_t(10));
        QCOMPARE(f->evidence["burst"]["failed_targets"].get<int>(), 10);
        QCOMPARE(f->evidence["burst"]["targets_first_contacted"].get<int>(), 20);
    }

    void remcosRetriesToItsServer()
    {
        // CTU-SME-11: RemcosRAT retrying 66.63.168.35:5888 every ~0.5-2 s (REJ), labelled malicious.
        // The folder also holds dns.log and ssl.log: skipped, not read as connections.
        const Analysis a = analyse(QStringLiteral("slips/test18-malicious-ctu-sme-11-win/zeek-labeled"));
        QCOMPARE(a.flows, uint64_t(766));
        const Finding* f = find(a, "beacon", "", "192.168.1.107", "66.63.168.35");
        QVERIFY(f);
        QVERIFY2(f->severity >= Severity::High, f->summary.c_str());
        // Zeek's REJ retries from one source port are separate attempts, not duplicates.
        QVERIFY(f->evidence["beats"].get<int>() >= 200);
    }

    void slipsLongConnection()
    {
        // Slips expects "Long Connection" (over 1500 s) on this Argus log: 10.8.0.69 keeps
        // Google's push service (tcp/5228) open for about an hour at a time, Argus cutting
        // the session into hour-long records.
        const Analysis a = analyse(QStringLiteral("slips/test2-malicious.binetflow"));
        const Finding* f = find(a, "long_connection", "", "10.8.0.69", "74.125.133.188");
        QVERIFY(f);
        QCOMPARE(f->evidence["longest_seconds"].get<double>(), 3581.0); // the record's Dur 3580.963135
        QCOMPARE(f->evidence["long_sessions"].get<int>(), 4);
        QVERIFY(std::find(f->dstPorts.begin(), f->dstPorts.end(), 5228) != f->dstPorts.end());
        QCOMPARE(f->severity, Severity::Medium); // a lead to look at, not an alarm
        // ICMP unreachables and IGMP reports to 0.0.0.1 last as long, and are no connections.
        for (const Finding& g : a.findings)
            if (g.type == "long_connection")
                QVERIFY2(g.protocol == IpProtocol::Tcp || g.protocol == IpProtocol::Udp, g.summary.c_str());
    }

    void benignNfdumpCaptureRaisesNothingHigh()
    {
        const Analysis a = analyse(QStringLiteral("slips/test1-malicious.nfdump"));
        QCOMPARE(a.flows, uint64_t(4593));
        for (const Finding& f : a.findings)
            QVERIFY2(f.severity < Severity::High, f.summary.c_str());
    }

    void zeekOriginatorIsNeverSwapped()
    {
        // RITA's sensor on an Internet-facing droplet: thousands of inbound probes. The droplet
        // is never the scanner: Zeek's originator column says who started each connection.
        DetectionSettings s;
        IpPrefix droplet;
        QVERIFY(IpPrefix::parse("64.225.56.201/32", droplet));
        s.internalNetworks = {droplet};
        const Analysis a = analyse(QStringLiteral("rita_missing_host"), s);
        QCOMPARE(a.flows, uint64_t(105918));
        int scans = 0;
        for (const Finding& f : a.findings) {
            if (f.type != "port_scan")
                continue;
            ++scans;
            QVERIFY2(f.src->toString() != "64.225.56.201", f.summary.c_str());
        }
        QVERIFY(scans > 20);

        // RITA's ground truth: 73.54.23.243 calls the droplet's :80 every 200-350 s for three
        // days (951 connections): an inbound beacon, and the strongest beacon of the capture.
        const Finding* beacon = nullptr;
        int beacons = 0;
        for (const Finding& f : a.findings)
            if (f.type == "beacon") {
                ++beacons;
                if (!beacon || f.score > beacon->score)
                    beacon = &f;
            }
        // An Internet-facing sensor sees hundreds of returning bots; short inbound series are not beacons.
        QVERIFY2(beacons < 40, qPrintable(QString::number(beacons)));
        QVERIFY(beacon);
        QCOMPARE(beacon->src->toString(), std::string("73.54.23.243"));
        QCOMPARE(beacon->dst.front().toString(), std::string("64.225.56.201"));
        QVERIFY2(beacon->severity >= Severity::High, beacon->summary.c_str());
        QCOMPARE(beacon->evidence["direction"].get<std::string>(), std::string("inbound"));
        const double period = beacon->evidence["period_s"].get<double>();
        QVERIFY2(period > 233 && period < 309, beacon->summary.c_str()); // between RITA's p25 and p75 intervals
        QVERIFY(beacon->evidence["beats"].get<int>() >= 900);
    }
};

QTEST_GUILESS_MAIN(TestLabeledLogs)
#include "tst_labeledlogs.moc"
