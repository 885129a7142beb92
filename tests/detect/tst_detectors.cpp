#include "detect/DetectorEngine.h"
// Detector behaviour on small synthetic traffic with known answers.
#include "detect/BeaconDetector.h"
#include "detect/ConversationBuilder.h"
#include "detect/ExfiltrationDetector.h"
#include "detect/PortScanDetector.h"
#include "detect/RobustStats.h"
#include "detect/VolumetricDetector.h"

#include "SyntheticFlows.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace synthetic;

namespace {

const Finding* findFinding(const std::vector<Finding>& all, const std::string& type, const std::string& src,
                           const std::string& dst = {})
{
    for (const auto& f : all)
        if (f.type == type && f.src && f.src->toString() == src && (dst.empty() || f.dst.at(0).toString() == dst))
            return &f;
    return nullptr;
}

// Poisson browsing from one host to a handful of sites over the window.
void browsing(std::vector<FlowRecord>& out, std::mt19937& rng, const char* host, int64_t spanMs, double meanGapS)
{
    std::exponential_distribution<double> gap(1.0 / meanGapS);
    const char* sites[] = {"93.184.216.34", "151.101.1.69", "140.82.112.3"};
    std::uniform_int_distribution<int> pick(0, 2);
    uint16_t port = 40000;
    for (double t = gap(rng); t * 1000 < double(spanMs); t += gap(rng))
        connection(out, host, port++, sites[pick(rng)], 443, kT0 + int64_t(t * 1000), 900, 45000);
}

const std::atomic_bool kNoCancel{false};

} // namespace

class TestDetectors final : public QObject {
    Q_OBJECT

private slots:
    void allowlistRatesMatchingFindingsInfo()
    {
        Finding ntp;
        ntp.type = "beacon";
        ntp.protocol = IpProtocol::Udp;
        ntp.dstPorts = {123};
        ntp.score = 45;
        ntp.severity = Severity::Medium;
        ntp.summary = "10.0.0.5 beacons to 129.6.15.28";
        ntp.evidence = {{"score_parts", nlohmann::json::object()}};
        Finding c2 = ntp;
        c2.protocol = IpProtocol::Tcp;
        c2.dstPorts = {443};
        Finding mixed = ntp;
        mixed.dstPorts = {123, 4444}; // not every port is NTP: not allowlisted
        std::vector<Finding> findings = {ntp, c2, mixed};
        DetectorEngine::applySuppressions(SuppressionRule::defaults(), findings);
        QCOMPARE(findings[0].severity, Severity::Info);
        QCOMPARE(findings[0].score, 10.0);
        QCOMPARE(findings[0].evidence["suppressed_by"].get<std::string>(), std::string("ntp"));
        QCOMPARE(findings[0].evidence["score_before_suppression"].get<double>(), 45.0);
        QVERIFY(QString::fromStdString(findings[0].summary).endsWith(QStringLiteral("[allowlisted: ntp]")));
        QCOMPARE(findings[1].severity, Severity::Medium);
        QCOMPARE(findings[2].severity, Severity::Medium);
        // The user can turn a default off; a destination rule matches only inside its networks.
        std::vector<SuppressionRule> rules = SuppressionRule::defaults();
        rules[0].enabled = false;
        SuppressionRule partner;
        partner.name = "backup-partner";
        IpPrefix net;
        QVERIFY(IpPrefix::parse("203.0.113.0/24", net));
        partner.destinations = {net};
        rules.push_back(partner);
        Finding a = ntp, b = c2;
        a.dst = {*IpAddress::parse("129.6.15.28")};
        b.dst = {*IpAddress::parse("203.0.113.9")};
        std::vector<Finding> again = {a, b};
        DetectorEngine::applySuppressions(rules, again);
        QCOMPARE(again[0].severity, Severity::Medium);
        QCOMPARE(again[1].evidence["suppressed_by"].get<std::string>(), std::string("backup-partner"));
    }

    void robustStatistics()
    {
        QCOMPARE(RobustStats::median({5, 1, 3}), 3.0);
        QCOMPARE(RobustStats::median({1, 2, 3, 4}), 2.5);
        QCOMPARE(RobustStats::mad({1, 2, 3, 4, 100}), 1.0);
        QCOMPARE(RobustStats::bowleySkew({1, 2, 3, 4, 5}), 0.0);
        QVERIFY(RobustStats::bowleySkew({1, 1, 1, 2, 10, 50}) > 0.5);
    }

    void conversationsPairDirectionsAndPickTheClient()
    {
        std::vector<FlowRecord> flows;
        // Reply seen first in the export: the client is still the ephemeral side.
        flows.push_back(flow("203.0.113.9", 443, "10.0.0.5", 51000, kT0, 300, 5000, 5));
        flows.push_back(flow("10.0.0.5", 51000, "203.0.113.9", 443, kT0, 300, 700, 6));
        // Unanswered probe.
        flows.push_back(flow("10.0.8.14", 53014, "10.0.0.10", 3389, kT0 + 5000, 0, 44, 1, TcpFlag::Syn));
        // Biflow record carrying both directions.
        FlowRecord bi = flow("10.0.0.6", 52000, "198.51.100.1", 8443, kT0 + 9000, 100, 300, 4);
        bi.revBytes = 9000;
        bi.revPackets = 7;
        flows.push_back(bi);
        const auto ctx = contextOf(flows);
        QCOMPARE(ctx.conversations.size(), size_t(3));
        const Conversation& web = ctx.conversations[0];
        QCOMPARE(ctx.address(web.client).toString(), std::string("10.0.0.5"));
        QCOMPARE(web.serverPort, uint16_t(443));
        QCOMPARE(web.bytesOut, uint64_t(700));
        QCOMPARE(web.bytesIn, uint64_t(5000));
        QVERIFY(!web.failedAttempt());
        const Conversation& probe = ctx.conversations[1];
        QCOMPARE(ctx.address(probe.client).toString(), std::string("10.0.8.14"));
        QVERIFY(!probe.answered());
        QVERIFY(probe.failedAttempt());
        const Conversation& biflow = ctx.conversations[2];
        QCOMPARE(biflow.packetsIn, uint32_t(7));
        QCOMPARE(biflow.serverPort, uint16_t(8443));
    }

    void jitteryBeaconWithMissedBeatsIsHighAndBrowsingIsNot()
    {
        std::mt19937 rng(7);
        std::uniform_real_distribution<double> jitter(-0.3, 0.3);
        std::uniform_int_distribution<int> size(240, 640);
        std::vector<FlowRecord> flows;
        const int64_t span = 4 * 3600 * 1000LL;
        uint16_t port = 50000;
        for (int beat = 0; beat < 48; ++beat) {
            if (beat == 11 || beat == 30)
                continue; // missed beats
            const int64_t t = kT0 + int64_t((beat * 300 + 300 * jitter(rng)) * 1000) + 600000;
            connection(flows, "10.0.6.41", port++, "203.0.113.201", 8443, t, uint64_t(size(rng)), 900);
        }
        browsing(flows, rng, "10.0.6.41", span, 240);
        browsing(flows, rng, "10.0.2.2", span, 120);
        const auto findings = BeaconDetector().run(contextOf(flows), kNoCancel);
        const Finding* beacon = findFinding(findings, "beacon", "10.0.6.41", "203.0.113.201");
        QVERIFY(beacon);
        QCOMPARE(beacon->dstPorts, std::vector<uint16_t>{8443});
        QVERIFY2(beacon->severity >= Severity::High, beacon->summary.c_str());
        const double period = beacon->evidence["period_s"].get<double>();
        QVERIFY2(period > 270 && period < 330, beacon->summary.c_str());
        QCOMPARE(beacon->evidence["beats"].get<int>(), 46);
        for (const auto& f : findings)
            if (f.dst.at(0).toString() != "203.0.113.201")
                QVERIFY2(f.severity <= Severity::Low, f.summary.c_str());
    }

    void periodicDestinationOfManyHostsIsNotHigh()
    {
        std::vector<FlowRecord> flows;
        const char* hosts[] = {"10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.4", "10.0.1.5", "10.0.1.6"};
        uint16_t port = 40000;
        for (const char* h : hosts)
            for (int i = 0; i < 24; ++i) {
                const uint16_t p = port++;
                connection(flows, h, p, "23.32.248.11", 443, kT0 + i * 600000LL + (p % 7) * 1000, 800, 4000);
            }
        const auto findings = BeaconDetector().run(contextOf(flows), kNoCancel);
        QCOMPARE(findings.size(), size_t(6)); // still listed, as evidence of what is periodic
        for (const auto& f : findings) {
            QVERIFY2(f.severity <= Severity::Medium, f.summary.c_str());
            QCOMPARE(f.evidence["destination_prevalence"].get<int>(), 6);
        }
    }

    void horizontalAndVerticalScansAreFound()
    {
        std::vector<FlowRecord> flows;
        for (int h = 1; h <= 120; ++h) {
            const std::string target = "10.0.0." + std::to_string(h);
            flows.push_back(flow("10.0.8.14", uint16_t(41000 + h), target.c_str(), 445, kT0 + h * 100, 0, 44, 1, TcpFlag::Syn));
            if (h % 4 == 0) // live hosts refuse
                flows.push_back(flow(target.c_str(), 445, "10.0.8.14", uint16_t(41000 + h), kT0 + h * 100, 0, 40, 1, TcpFlag::Rst | TcpFlag::Ack));
        }
        for (int p = 1; p <= 300; ++p)
            flows.push_back(flow("10.0.8.15", 53014, "10.0.0.10", uint16_t(p), kT0 + 60000 + p * 50, 0, 44, 1, TcpFlag::Syn));
        // A busy client with answered connections to many servers is no scan.
        for (int h = 1; h <= 150; ++h) {
            const std::string server = "198.51.100." + std::to_string(h);
            connection(flows, "10.0.3.3", uint16_t(42000 + h), server.c_str(), 443, kT0 + h * 2000, 800, 40000);
        }
        const auto findings = PortScanDetector().run(contextOf(flows), kNoCancel);
        const Finding* h = findFinding(findings, "port_scan", "10.0.8.14");
        QVERIFY(h);
        QCOMPARE(h->subtype, std::string("horizontal"));
        QCOMPARE(h->dst.size(), size_t(120));
        QCOMPARE(h->dstPorts, std::vector<uint16_t>{445});
        QCOMPARE(h->evidence["answering_hosts"].get<int>(), 30);
        QVERIFY(h->severity >= Severity::High);
        const Finding* v = findFinding(findings, "port_scan", "10.0.8.15");
        QVERIFY(v);
        QCOMPARE(v->subtype, std::string("vertical"));
        QCOMPARE(v->dstPorts.size(), size_t(300));
        QVERIFY(v->severity >= Severity::High);
        QVERIFY(!findFinding(findings, "port_scan", "10.0.3.3"));
    }

    void slowScansAreFoundBySequentialTest()
    {
        std::vector<FlowRecord> flows;
        std::mt19937 rng(5);
        // 30 hosts on 3389, one probe every 3 minutes (90 min), no host answers: too few targets
        // and too slow for breadth and rate alone, but 30 failed first contacts in a row.
        for (int h = 1; h <= 30; ++h) {
            const std::string target = "10.0.0." + std::to_string(h);
            flows.push_back(flow("10.0.8.14", uint16_t(41000 + h), target.c_str(), 3389, kT0 + h * 180000LL, 0, 44, 1, TcpFlag::Syn));
        }
        // 25 ports on one server over an hour, 5 of them open (SYN-ACK, then the scanner's RST).
        for (int p = 0; p < 25; ++p) {
            const auto port = uint16_t(8000 + p);
            const int64_t t = kT0 + p * 144000LL;
            flows.push_back(flow("10.0.8.15", 53014, "10.0.0.20", port, t, 0, 44, 1, TcpFlag::Syn));
            flows.push_back(flow("10.0.0.20", port, "10.0.8.15", 53014, t, 0, 40, 1,
                                 p % 5 == 0 ? TcpFlag::Syn | TcpFlag::Ack : TcpFlag::Rst | TcpFlag::Ack));
        }
        // A client whose connections mostly succeed, with 20 failures spread over the same hours.
        browsing(flows, rng, "10.0.3.3", 5400000, 20);
        for (int h = 1; h <= 20; ++h) {
            const std::string server = "198.51.100." + std::to_string(h);
            flows.push_back(flow("10.0.3.3", uint16_t(50000 + h), server.c_str(), 443, kT0 + h * 250000LL, 0, 60, 1, TcpFlag::Syn));
        }
        for (int h = 1; h <= 200; ++h) {
            const std::string server = "203.0.113." + std::to_string(h);
            connection(flows, "10.0.3.3", uint16_t(52000 + h), server.c_str(), 443, kT0 + h * 25000LL + 1000, 800, 40000);
        }
        const auto findings = PortScanDetector().run(contextOf(flows), kNoCancel);
        const Finding* h = findFinding(findings, "port_scan", "10.0.8.14");
        QVERIFY(h);
        QCOMPARE(h->subtype, std::string("horizontal"));
        QCOMPARE(h->dst.size(), size_t(30));
        QCOMPARE(h->evidence["failed_share"].get<double>(), 1.0);
        QCOMPARE(h->evidence["duration_s"].get<double>(), 29 * 180.0);
        QCOMPARE(h->evidence["trw_log_likelihood_ratio"].get<double>(), std::round(30 * std::log(4.0) * 100) / 100);
        QCOMPARE(h->evidence["score_parts"]["sequential_test"].get<double>(), 1.0);
        QCOMPARE(h->evidence["score_parts"]["rate"].get<double>(), 0.0);
        QVERIFY2(h->severity >= Severity::High, h->summary.c_str());
        const Finding* v = findFinding(findings, "port_scan", "10.0.8.15");
        QVERIFY(v);
        QCOMPARE(v->subtype, std::string("vertical"));
        QCOMPARE(v->dstPorts.size(), size_t(25));
        QCOMPARE(v->evidence["ports_answered_open"].size(), size_t(5));
        QVERIFY2(v->severity >= Severity::High, v->summary.c_str());
        // 20 failed of 220 first contacts on 443: the walk never leaves the benign side for long.
        const Finding* c = findFinding(findings, "port_scan", "10.0.3.3");
        QVERIFY(!c || c->severity < Severity::Medium);
    }

    void shortBurstOfFailuresIsMediumAtMost()
    {
        // Slips' horizontal scan shape: a client fetching pages, then 10 unanswered hosts on :80
        // among 22 new ones within 5 s. Suspicious, but a client whose network broke looks alike.
        std::vector<FlowRecord> flows;
        for (int h = 1; h <= 22; ++h) {
            const std::string server = "198.51.100." + std::to_string(h);
            const int64_t t = kT0 + 60000 + h * 230;
            if (h % 2 == 0 && h <= 20)
                flows.push_back(flow("10.0.2.112", uint16_t(49000 + h), server.c_str(), 80, t, 0, 52, 1, TcpFlag::Syn));
            else
                connection(flows, "10.0.2.112", uint16_t(49000 + h), server.c_str(), 80, t, 800, 1200);
        }
        const auto findings = PortScanDetector().run(contextOf(flows), kNoCancel);
        const Finding* f = findFinding(findings, "port_scan", "10.0.2.112");
        QVERIFY(f);
        QCOMPARE(f->subtype, std::string("horizontal"));
        QCOMPARE(f->dst.size(), size_t(10));
        QCOMPARE(f->evidence["burst"]["failed_targets"].get<int>(), 10);
        QCOMPARE(f->evidence["burst"]["targets_first_contacted"].get<int>(), 19); // from the first unanswered to the last
        QVERIFY2(f->severity == Severity::Medium, f->summary.c_str());
    }

    void distributedScanIsOneFindingWithItsSources()
    {
        std::vector<FlowRecord> flows;
        std::mt19937 rng(9);
        // 40 outside sources share out 10.0.0.1-240 on :22 within 10 minutes, 6 hosts each;
        // one host in ten refuses (RST), the rest stay silent.
        for (int i = 0; i < 240; ++i) {
            const std::string src = "185.220." + std::to_string(i % 40) + ".7";
            const std::string dst = "10.0.0." + std::to_string(i + 1);
            const int64_t t = kT0 + 1800000 + int64_t(i) * 2500;
            flows.push_back(flow(src.c_str(), uint16_t(40000 + i), dst.c_str(), 22, t, 0, 44, 1, TcpFlag::Syn));
            if (i % 10 == 0)
                flows.push_back(flow(dst.c_str(), 22, src.c_str(), uint16_t(40000 + i), t, 0, 40, 1, TcpFlag::Rst | TcpFlag::Ack));
        }
        // Many outside clients of one web server, all answered; and one internal scanner alone.
        for (int i = 0; i < 300; ++i) {
            const std::string client = "198.18." + std::to_string(i / 200) + "." + std::to_string(i % 200 + 1);
            connection(flows, client.c_str(), uint16_t(30000 + i), "10.0.0.80", 443, kT0 + int64_t(i) * 10000, 600, 20000);
        }
        for (int h = 1; h <= 60; ++h) {
            const std::string dst = "10.0.1." + std::to_string(h);
            flows.push_back(flow("10.0.8.14", uint16_t(41000 + h), dst.c_str(), 445, kT0 + 1900000 + h * 500, 0, 44, 1, TcpFlag::Syn));
        }
        // A port where every attempt fails all day (seen in one direction only): a window of many
        // sources failing there is no scan.
        for (int i = 0; i < 400; ++i) {
            const std::string src = "10.0.4." + std::to_string(i % 100 + 1);
            const std::string dst = "192.0.2." + std::to_string(i % 250 + 1);
            const int64_t t = kT0 + (i < 100 ? 600000 + int64_t(i) * 3000 : int64_t(i) * 18000);
            flows.push_back(flow(src.c_str(), uint16_t(20000 + i), dst.c_str(), 8443, t, 0, 60, 1, TcpFlag::Syn));
        }
        const auto findings = PortScanDetector().run(contextOf(flows), kNoCancel);
        std::vector<const Finding*> spread;
        for (const Finding& f : findings)
            if (f.subtype == "distributed")
                spread.push_back(&f);
        QCOMPARE(spread.size(), size_t(1));
        const Finding& d = *spread[0];
        QVERIFY(!d.src);
        QCOMPARE(d.dstPorts, std::vector<uint16_t>{22});
        QCOMPARE(d.dst.size(), size_t(240));
        QCOMPARE(d.evidence["source_count"].get<int>(), 40);
        QCOMPARE(d.evidence["sources"].size(), size_t(40));
        QCOMPARE(d.evidence["targets_of_top_source"].get<int>(), 6);
        QCOMPARE(d.evidence["refusing_targets"].get<int>(), 24);
        QCOMPARE(d.evidence["failed_share"].get<double>(), 1.0);
        QCOMPARE(d.evidence["port_failed_share_outside"].get<double>(), 0.0);
        QCOMPARE(d.evidence["duration_s"].get<double>(), 239 * 2.5);
        QCOMPARE(d.startMs, kT0 + 1800000);
        QVERIFY2(d.severity >= Severity::High, d.summary.c_str());
        // Each source alone is no scan; the lone scanner is a horizontal one.
        QVERIFY(!findFinding(findings, "port_scan", "185.220.0.7"));
        const Finding* lone = findFinding(findings, "port_scan", "10.0.8.14");
        QVERIFY(lone);
        QCOMPARE(lone->subtype, std::string("horizontal"));
    }

    void largeUploadToRareDestinationIsExfiltration()
    {
        std::vector<FlowRecord> flows;
        uint16_t port = 30000;
        for (int h = 1; h <= 25; ++h) {
            const std::string host = "10.0.2." + std::to_string(h);
            for (int i = 0; i < 10; ++i) // ordinary browsing: small uploads, big downloads
                connection(flows, host.c_str(), port++, "93.184.216.34", 443, kT0 + i * 60000 + h, 2000, 900000);
        }
        for (int i = 0; i < 4; ++i)
            connection(flows, "10.0.3.7", port++, "198.51.100.200", 443, kT0 + 600000 + i * 300000, 400000000, 20000);
        const auto findings = ExfiltrationDetector().run(contextOf(flows), kNoCancel);
        QCOMPARE(findings.size(), size_t(1));
        const Finding& f = findings[0];
        QCOMPARE(f.src->toString(), std::string("10.0.3.7"));
        QCOMPARE(f.dst.at(0).toString(), std::string("198.51.100.200"));
        QCOMPARE(f.evidence["bytes_sent"].get<double>(), 1.6e9);
        QCOMPARE(f.evidence["connections"].get<int>(), 4);
        QVERIFY(f.severity >= Severity::High);
    }

    void exfiltrationInManySmallFlowsIsHighAndBackupsAreNot()
    {
        std::vector<FlowRecord> flows;
        uint16_t port = 30000;
        for (int h = 1; h <= 25; ++h) {
            const std::string host = "10.0.2." + std::to_string(h);
            for (int i = 0; i < 10; ++i)
                connection(flows, host.c_str(), port++, "93.184.216.34", 443, kT0 + i * 60000 + h, 2000, 900000);
        }
        // 200 uploads of 300 KB over four hours: 60 MB, modest, but 100x all else the host sent.
        for (int i = 0; i < 200; ++i)
            connection(flows, "10.0.3.7", port++, "198.51.100.200", 443, kT0 + i * 72000LL, 300000, 80);
        // A backup server that uploads 40 MB to each of 10 storage endpoints.
        for (int d = 1; d <= 10; ++d) {
            const std::string dst = "192.0.2." + std::to_string(d);
            connection(flows, "10.0.0.30", port++, dst.c_str(), 443, kT0 + d * 600000LL, 40000000, 20000);
        }
        const auto findings = ExfiltrationDetector().run(contextOf(flows), kNoCancel);
        const Finding* f = findFinding(findings, "exfiltration", "10.0.3.7", "198.51.100.200");
        QVERIFY(f);
        QCOMPARE(f->evidence["bytes_sent"].get<double>(), 60e6);
        QCOMPARE(f->evidence["connections"].get<int>(), 200);
        QCOMPARE(f->evidence["score_parts"]["host_history"].get<double>(), 1.0);
        QVERIFY2(f->severity >= Severity::High, f->summary.c_str());
        int backups = 0;
        for (const Finding& b : findings)
            if (b.src->toString() == "10.0.0.30") {
                ++backups;
                QCOMPARE(b.evidence["score_parts"]["host_history"].get<double>(), 0.0);
                QVERIFY2(b.severity < Severity::High, b.summary.c_str());
            }
        QCOMPARE(backups, 10);
    }

    void floodAgainstOneHostIsVolumetric()
    {
        std::vector<FlowRecord> flows;
        std::mt19937 rng(3);
        std::uniform_int_distribution<int> octet(1, 250);
        uint16_t port = 20000;
        for (int minute = 0; minute < 120; ++minute)
            for (int i = 0; i < 5; ++i) {
                const std::string client = "198.18." + std::to_string(octet(rng)) + "." + std::to_string(octet(rng));
                connection(flows, client.c_str(), port++, "10.0.0.80", 443, kT0 + minute * 60000LL + i * 7000, 600, 20000);
            }
        for (int s = 0; s < 400; ++s) {
            const std::string src = (s < 250 ? "203.0.113." : "192.0.2.") + std::to_string(s % 250 + 1);
            flows.push_back(flow(src.c_str(), 123, "10.0.0.80", 80, kT0 + 90 * 60000LL, 180000, 50 * 468, 50, 0, IpProtocol::Udp));
        }
        const auto findings = VolumetricDetector().run(contextOf(flows), kNoCancel);
        QCOMPARE(findings.size(), size_t(1));
        const Finding& f = findings[0];
        QCOMPARE(f.dst.at(0).toString(), std::string("10.0.0.80"));
        QCOMPARE(f.evidence["sources"].get<int>(), 400 + 4 * 5); // the flood plus the regular clients of those minutes
        QCOMPARE(f.startMs, kT0 + 90 * 60000LL);
        QCOMPARE(f.endMs, kT0 + 94 * 60000LL);
        QVERIFY(f.severity >= Severity::High);
    }
};

QTEST_GUILESS_MAIN(TestDetectors)
#include "tst_detectors.moc"
