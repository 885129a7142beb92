// Long connections, indicator matches and the host ranking, on synthetic
// traffic with known answers.
#include "detect/DetectorEngine.h"
#include "detect/HostRanking.h"
#include "detect/IndicatorDetector.h"
#include "detect/LongConnectionDetector.h"
#include "SyntheticFlows.h"

#include <QTest>

using namespace synthetic;

namespace {

Indicator indicator(const char* text, const char* label = "")
{
    Indicator i;
    IpPrefix::parse(text, i.prefix);
    i.label = label;
    i.origin = "test";
    return i;
}

Finding finding(const char* type, const char* src, double score, const char* dst = nullptr)
{
    Finding f;
    f.type = type;
    f.id = std::string(type) + ":" + src;
    f.src = ip(src);
    if (dst)
        f.dst = {ip(dst)};
    f.score = score;
    f.severity = severityForScore(score);
    return f;
}

} // namespace

class TestHostDetectors final : public QObject {
    Q_OBJECT

private slots:
    void exportersSplitSessionIsOneLongConnection()
    {
        // A 3-hour SSH session cut into 30-minute records by the exporter's active
        // timeout, both directions: one connection of 3 h, not six of 30 min.
        std::vector<FlowRecord> flows;
        for (int i = 0; i < 6; ++i)
            connection(flows, "10.0.0.5", 51000, "198.51.100.9", 22, kT0 + i * 1'800'000, 40'000, 90'000, 1'800'000);
        // A 10-minute download: too short. An hour of pings and a broadcast stream: not sessions.
        connection(flows, "10.0.0.6", 52000, "203.0.113.3", 443, kT0, 5'000, 9'000'000, 600'000);
        flows.push_back(flow("10.0.0.7", 0, "198.51.100.50", 2048, kT0, 3'600'000, 6000, 60, 0, IpProtocol::Icmp));
        flows.push_back(flow("10.0.0.8", 137, "10.0.0.255", 137, kT0, 3'600'000, 6000, 60, 0, IpProtocol::Udp));
        flows.push_back(flow("10.0.0.9", 5353, "224.0.0.251", 5353, kT0, 3'600'000, 6000, 60, 0, IpProtocol::Udp));
        const DetectionContext ctx = contextOf(flows);
        std::atomic_bool cancel{false};
        const std::vector<Finding> found = LongConnectionDetector().run(ctx, cancel);
        QCOMPARE(found.size(), size_t(1));
        const Finding& f = found[0];
        QCOMPARE(f.type, std::string("long_connection"));
        QCOMPARE(f.subtype, std::string("outbound"));
        QCOMPARE(f.src->toString(), std::string("10.0.0.5"));
        QCOMPARE(f.dst.at(0).toString(), std::string("198.51.100.9"));
        QCOMPARE(f.dstPorts, std::vector<uint16_t>{22});
        QCOMPARE(f.evidence["longest_seconds"].get<double>(), 10800.0);
        QCOMPARE(f.evidence["long_sessions"].get<int>(), 1);
        QCOMPARE(f.evidence["bytes_sent"].get<uint64_t>(), uint64_t(240'000));
        // 3 h on the 25 min .. 8 h log scale, a rare peer, the whole window covered.
        const double duration = std::log(10800.0 / 1500) / std::log(28800.0 / 1500);
        QCOMPARE(f.evidence["score_parts"]["duration"].get<double>(), std::round(duration * 1000) / 1000);
        QCOMPARE(f.score, std::round(10 * 100 * (0.15 + 0.45 * duration + 0.15 + 0.10)) / 10);
        QCOMPARE(f.severity, Severity::High); // 69.5: the session is the whole capture
        QCOMPARE(f.filter, std::string("host 10.0.0.5 and host 198.51.100.9 and proto tcp"));
    }

    void longConnectionThresholdComesFromTheParameters()
    {
        std::vector<FlowRecord> flows;
        connection(flows, "10.0.0.6", 52000, "203.0.113.3", 443, kT0, 5'000, 9'000'000, 600'000);
        const DetectionContext ctx = contextOf(flows);
        std::atomic_bool cancel{false};
        LongConnectionParameters p;
        p.minDurationMs = 300'000;
        const std::vector<Finding> found = LongConnectionDetector(p).run(ctx, cancel);
        QCOMPARE(found.size(), size_t(1));
        QCOMPARE(found[0].evidence["threshold_seconds"].get<double>(), 300.0);
    }

    void indicatorsMatchTheMostSpecificEntryInBothDirections()
    {
        std::vector<FlowRecord> flows;
        // Two hosts reach the listed C2 address and exchange data.
        connection(flows, "10.0.0.5", 40000, "203.0.113.77", 443, kT0, 1'500'000, 3'000);
        connection(flows, "10.0.0.6", 40001, "203.0.113.77", 443, kT0 + 1000, 800, 3'000);
        // A listed scanner network knocks on the VPN gateway: refused.
        flows.push_back(flow("192.0.2.44", 50000, "10.0.0.1", 22, kT0 + 2000, 0, 60, 1, TcpFlag::Syn));
        flows.push_back(flow("10.0.0.1", 22, "192.0.2.44", 50000, kT0 + 2000, 0, 40, 1, TcpFlag::Rst | TcpFlag::Ack));
        // Unlisted traffic.
        connection(flows, "10.0.0.5", 40002, "198.51.100.1", 443, kT0 + 3000, 900, 45'000);
        DetectionSettings settings;
        settings.indicators = {indicator("203.0.113.0/24", "bad hosting"), indicator("203.0.113.77", "c2 panel"),
                               indicator("192.0.2.0/24", "scanners"), indicator("2001:db8:bad::/48")};
        const DetectionContext ctx = contextOf(flows, settings);
        std::atomic_bool cancel{false};
        const std::vector<Finding> found = IndicatorDetector().run(ctx, cancel);
        QCOMPARE(found.size(), size_t(2));
        const Finding* c2 = nullptr;
        const Finding* scan = nullptr;
        for (const Finding& f : found)
            (f.evidence["indicator"] == "203.0.113.77/32" ? c2 : scan) = &f;
        QVERIFY(c2 && scan);
        // The /32 wins over the /24 that also contains it.
        QCOMPARE(c2->evidence["label"].get<std::string>(), std::string("c2 panel"));
        QCOMPARE(c2->subtype, std::string("outbound"));
        QCOMPARE(c2->evidence["connections"].get<int>(), 2);
        QCOMPARE(c2->evidence["answered_connections"].get<int>(), 2);
        QCOMPARE(c2->evidence["internal_hosts"].get<int>(), 2);
        QCOMPARE(c2->evidence["bytes_to_indicator"].get<uint64_t>(), uint64_t(1'500'800));
        QCOMPARE(c2->src->toString(), std::string("10.0.0.5"));
        QCOMPARE(c2->filter, std::string("host 203.0.113.77"));
        QCOMPARE(c2->score, 85.0); // contact 70 + a second host 5 + over 1 MB sent 10
        QCOMPARE(c2->severity, Severity::Critical);

        QCOMPARE(scan->evidence["indicator"].get<std::string>(), std::string("192.0.2.0/24"));
        QCOMPARE(scan->subtype, std::string("inbound"));
        QCOMPARE(scan->evidence["answered_connections"].get<int>(), 0);
        QCOMPARE(scan->src->toString(), std::string("10.0.0.1"));
        QCOMPARE(scan->dst.at(0).toString(), std::string("192.0.2.44"));
        QCOMPARE(scan->score, 50.0);
        QCOMPARE(scan->filter, std::string("net 192.0.2.0/24"));
    }

    void listedInternalHostIsTheActor()
    {
        // A machine the list names as compromised: its own outbound connections.
        std::vector<FlowRecord> flows;
        connection(flows, "10.0.0.5", 40000, "203.0.113.77", 443, kT0, 900, 3'000);
        connection(flows, "10.0.0.5", 40001, "198.51.100.1", 443, kT0 + 1000, 900, 3'000);
        DetectionSettings settings;
        settings.indicators = {indicator("10.0.0.5", "compromised laptop")};
        std::atomic_bool cancel{false};
        const std::vector<Finding> found = IndicatorDetector().run(contextOf(flows, settings), cancel);
        QCOMPARE(found.size(), size_t(1));
        QCOMPARE(found[0].subtype, std::string("outbound"));
        QCOMPARE(found[0].src->toString(), std::string("10.0.0.5"));
        QCOMPARE(found[0].dst.size(), size_t(2));
        QCOMPARE(found[0].evidence["inbound_connections"].get<int>(), 0);
    }

    void noIndicatorsNoFindings()
    {
        std::vector<FlowRecord> flows;
        connection(flows, "10.0.0.5", 40000, "203.0.113.77", 443, kT0, 1'500'000, 3'000);
        std::atomic_bool cancel{false};
        QVERIFY(IndicatorDetector().run(contextOf(flows), cancel).empty());
    }

    void severalFindingsRaiseTheirHost()
    {
        const std::vector<Finding> findings = {
            finding("beacon", "10.0.0.5", 60),      finding("exfiltration", "10.0.0.5", 50),
            finding("port_scan", "10.0.0.9", 70),   finding("beacon", "10.0.0.7", 15), // info: ignored
            finding("volumetric", "198.51.100.1", 80, "10.0.0.80"), // external source: the internal target counts
            finding("port_scan", "10.0.0.9", 40, "10.0.0.10"), // internal scanner: its target is no suspect
        };
        const std::vector<HostScore> hosts = HostRanking::rank(findings, DetectionSettings{});
        QCOMPARE(hosts.size(), size_t(3));
        QCOMPARE(hosts[0].host.toString(), std::string("10.0.0.9"));
        QCOMPARE(hosts[0].score, 82.0); // 1 - 0.3 * 0.6
        QCOMPARE(hosts[0].severity, Severity::High);
        // Equal scores: more findings first.
        QCOMPARE(hosts[1].host.toString(), std::string("10.0.0.5"));
        QCOMPARE(hosts[1].score, 80.0); // 1 - 0.4 * 0.5
        QCOMPARE(hosts[1].findingIds, (std::vector<std::string>{"beacon:10.0.0.5", "exfiltration:10.0.0.5"}));
        QCOMPARE(hosts[1].types, (std::vector<std::string>{"beacon", "exfiltration"}));
        QCOMPARE(hosts[2].host.toString(), std::string("10.0.0.80"));
        QCOMPARE(hosts[2].score, 80.0);
    }

    void engineRunsTheNewDetectorsWithConfiguredThresholds()
    {
        std::vector<FlowRecord> flows;
        connection(flows, "10.0.0.5", 51000, "198.51.100.9", 22, kT0, 40'000, 90'000, 900'000); // 15 min
        DetectionSettings settings;
        settings.indicators = {indicator("198.51.100.9")};
        settings.thresholds.longConnection.minDurationMs = 600'000;
        const DetectionContext ctx = contextOf(flows, settings);
        std::atomic_bool cancel{false};
        const std::vector<Finding> found = DetectorEngine(settings.thresholds).run(ctx, cancel);
        QVERIFY(findType(found, "long_connection", "10.0.0.5"));
        QVERIFY(findType(found, "indicator", "10.0.0.5"));
        QVERIFY(!findType(DetectorEngine().run(ctx, cancel), "long_connection", "10.0.0.5")); // default: 25 min
    }
};

QTEST_GUILESS_MAIN(TestHostDetectors)
#include "tst_hostdetectors.moc"
