#include "detect/PortScanDetector.h"

#include "model/TextFormat.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace {

double clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

struct Attempts {
    std::set<IpAddress> hosts;
    std::set<IpAddress> failedHosts;
    std::set<uint16_t> ports;
    std::set<uint16_t> failedPorts;
    std::set<uint16_t> openPorts;
    std::set<IpAddress> answeringHosts;
    uint64_t attempts = 0;
    uint64_t failed = 0;
    std::vector<int64_t> failedStarts;
    int64_t firstMs = 0;
    int64_t lastMs = 0;

    // The scan's window: the failed probes' start times without the odd stray
    // probe (another scan of the same source touching this port or host).
    void settleWindow()
    {
        std::sort(failedStarts.begin(), failedStarts.end());
        const size_t n = failedStarts.size();
        const size_t trim = n >= 50 ? n / 100 : 0;
        firstMs = failedStarts[trim];
        lastMs = failedStarts[n - 1 - trim];
    }

    void add(const Conversation& c)
    {
        ++attempts;
        hosts.insert(c.server);
        ports.insert(c.serverPort);
        if (c.failedAttempt()) {
            ++failed;
            failedHosts.insert(c.server);
            failedPorts.insert(c.serverPort);
            failedStarts.push_back(c.startMs);
        }
        if (c.answered()) {
            answeringHosts.insert(c.server);
            // A SYN-ACK means the port is open; a bare RST means closed.
            if (c.protocol != IpProtocol::Tcp || (c.flagsIn & TcpFlag::Syn))
                openPorts.insert(c.serverPort);
        }
    }
};

// log-scaled breadth: `low` targets score 0, `high` or more score 1.
double breadthScore(size_t n, double low, double high)
{
    return clamp01(std::log(double(n) / low) / std::log(high / low));
}

} // namespace

std::vector<Finding> PortScanDetector::run(const DetectionContext& ctx, const std::atomic_bool& cancel) const
{
    // (client, proto, port) -> attempts across hosts; (client, proto, server) -> attempts across ports.
    std::map<std::tuple<IpAddress, uint8_t, uint16_t>, Attempts> horizontal;
    std::map<std::tuple<IpAddress, uint8_t, IpAddress>, Attempts> vertical;
    for (const Conversation& c : ctx.conversations) {
        if (c.protocol != IpProtocol::Tcp && c.protocol != IpProtocol::Udp)
            continue;
        horizontal[{c.client, c.protocol, c.serverPort}].add(c);
        vertical[{c.client, c.protocol, c.server}].add(c);
    }
    if (cancel.load())
        return {};

    std::vector<Finding> findings;
    auto make = [&](const char* subtype, const IpAddress& src, uint8_t proto, const Attempts& a, size_t failedTargets,
                    size_t targets, double breadth) {
        const double failedShare = double(a.failed) / double(a.attempts);
        // A fast sweep is more clearly a scan than the same count spread over a day.
        const double seconds = std::max(1.0, double(a.lastMs - a.firstMs) / 1000);
        const double rate = double(failedTargets) / seconds;
        const double rateScore = clamp01(std::log10(std::max(rate * 60, 1.0)) / 2); // 1/min -> 0, 100/min -> 1
        const double score = 100 * (0.6 * breadth + 0.25 * failedShare + 0.15 * rateScore);
        Finding f;
        f.type = "port_scan";
        f.subtype = subtype;
        f.score = std::round(score * 10) / 10;
        f.severity = severityForScore(f.score);
        f.src = src;
        f.protocol = proto;
        f.startMs = a.firstMs;
        f.endMs = a.lastMs;
        f.attack = {"T1046"};
        f.evidence = {{"attempts", a.attempts},
                      {"failed_attempts", a.failed},
                      {"failed_share", std::round(failedShare * 1000) / 1000},
                      {"targets", targets},
                      {"failed_targets", failedTargets},
                      {"duration_s", std::round(seconds * 10) / 10},
                      {"failed_targets_per_min", std::round(rate * 600) / 10},
                      {"score_parts",
                       {{"breadth", std::round(breadth * 1000) / 1000},
                        {"failed_share", std::round(failedShare * 1000) / 1000},
                        {"rate", std::round(rateScore * 1000) / 1000}}}};
        return f;
    };

    for (auto& [key, a] : horizontal) {
        const auto& [src, proto, port] = key;
        const size_t failedTargets = a.failedHosts.size();
        if (int(failedTargets) < m_params.minFailedTargets
            || double(a.failed) / double(a.attempts) < m_params.minFailedShare)
            continue;
        a.settleWindow();
        Finding f = make("horizontal", src, proto, a, failedTargets, a.hosts.size(), breadthScore(failedTargets, 5, 200));
        f.dst.assign(a.failedHosts.begin(), a.failedHosts.end());
        f.dstPorts = {port};
        f.evidence["answering_hosts"] = a.answeringHosts.size();
        f.id = "port_scan:h:" + src.toString() + ">" + std::to_string(port) + "/" + TextFormat::protocolName(proto);
        f.filter = "src host " + src.toString() + " and dst port " + std::to_string(port) + " and proto "
            + TextFormat::protocolName(proto);
        f.summary = src.toString() + " probed " + TextFormat::protocolName(proto) + "/" + std::to_string(port) + " on "
            + std::to_string(failedTargets) + " hosts (" + std::to_string(a.failed) + " failed attempts in "
            + TextFormat::humanDuration(f.evidence["duration_s"].get<double>()) + ")";
        findings.push_back(std::move(f));
    }
    for (auto& [key, a] : vertical) {
        const auto& [src, proto, dst] = key;
        const size_t failedPorts = a.failedPorts.size();
        if (int(failedPorts) < m_params.minFailedTargets
            || double(a.failed) / double(a.attempts) < m_params.minFailedShare)
            continue;
        a.settleWindow();
        Finding f = make("vertical", src, proto, a, failedPorts, a.ports.size(), breadthScore(failedPorts, 5, 100));
        f.dst = {dst};
        f.dstPorts.assign(a.failedPorts.begin(), a.failedPorts.end());
        f.evidence["ports_answered_open"] = std::vector<uint16_t>(a.openPorts.begin(), a.openPorts.end());
        f.evidence["port_range"] = {*a.ports.begin(), *a.ports.rbegin()};
        f.id = "port_scan:v:" + src.toString() + ">" + dst.toString() + "/" + TextFormat::protocolName(proto);
        f.filter = "src host " + src.toString() + " and dst host " + dst.toString() + " and proto "
            + TextFormat::protocolName(proto);
        f.summary = src.toString() + " probed " + std::to_string(a.ports.size()) + " " + TextFormat::protocolName(proto)
            + " ports on " + dst.toString() + " (" + std::to_string(a.failed) + " failed, "
            + std::to_string(a.openPorts.size()) + " answered as open, in "
            + TextFormat::humanDuration(f.evidence["duration_s"].get<double>()) + ")";
        findings.push_back(std::move(f));
    }
    return findings;
}
