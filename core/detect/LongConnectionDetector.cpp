#include "detect/LongConnectionDetector.h"

#include "model/TextFormat.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace {

double clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

// Group and broadcast destinations keep "sessions" that are only a stream of
// announcements (NetBIOS, mDNS, DHCPv6): not a connection to anyone.
bool isGroupOrBroadcast(const IpAddress& a)
{
    if (a.isV4()) {
        const uint32_t v = a.v4();
        return (v >> 28) == 0xe || v == 0xffffffffu || (v & 0xff) == 0xff || (v >> 24) == 0; // 0/8: "this network"
    }
    return a.bytes()[0] == 0xff;
}

// Sessions of transports that have them: ICMP and IGMP "flows" that last an
// hour are a monitor's pings or group membership reports.
bool isSessionProtocol(uint8_t p) { return p == IpProtocol::Tcp || p == IpProtocol::Udp || p == 132 /* SCTP */; }

struct Pair {
    uint64_t connections = 0;
    std::map<uint16_t, uint64_t> ports; // service port -> long sessions
    int64_t longestMs = 0;
    int64_t totalMs = 0;
    int64_t firstMs = INT64_MAX;
    int64_t lastMs = 0;
    uint64_t bytesSent = 0; // by the internal side
    uint64_t bytesReceived = 0;
    bool internalInitiated = false;
    uint32_t outside = 0; // AddressBook id
};

} // namespace

std::vector<Finding> LongConnectionDetector::run(const DetectionContext& ctx, const std::atomic_bool& cancel) const
{
    // (inside, outside, protocol) -> the long sessions between them. Not per
    // port: for a session that began before the capture, which side is the
    // client (and so which port is the service) is a guess.
    using Key = std::tuple<IpAddress, IpAddress, uint8_t>;
    std::map<Key, Pair> pairs;
    std::unordered_map<uint32_t, std::unordered_set<uint32_t>> holdersOfPeer;
    size_t n = 0;
    for (const Conversation& c : ctx.conversations) {
        if ((++n & 0xffff) == 0 && cancel.load(std::memory_order_relaxed))
            return {};
        const int64_t duration = c.endMs() - c.startMs;
        if (duration < m_params.minDurationMs || !isSessionProtocol(c.protocol)
            || isGroupOrBroadcast(ctx.address(c.server)) || isGroupOrBroadcast(ctx.address(c.client)))
            continue;
        const bool clientInternal = ctx.isInternal(c.client);
        const bool serverInternal = ctx.isInternal(c.server);
        if (!clientInternal && !serverInternal)
            continue;
        if (clientInternal && serverInternal && !m_params.internalToInternal)
            continue;
        const bool insideIsClient = clientInternal;
        const uint32_t inside = insideIsClient ? c.client : c.server;
        const uint32_t outside = insideIsClient ? c.server : c.client;
        Pair& p = pairs[{ctx.address(inside), ctx.address(outside), c.protocol}];
        p.outside = outside;
        ++p.connections;
        ++p.ports[c.serverPort];
        p.longestMs = std::max(p.longestMs, duration);
        p.totalMs += duration;
        p.firstMs = std::min(p.firstMs, c.startMs);
        p.lastMs = std::max(p.lastMs, c.endMs());
        p.bytesSent += insideIsClient ? c.bytesOut : c.bytesIn;
        p.bytesReceived += insideIsClient ? c.bytesIn : c.bytesOut;
        p.internalInitiated = p.internalInitiated || insideIsClient;
        holdersOfPeer[outside].insert(inside);
    }

    const double window = double(std::max<int64_t>(ctx.endMs - ctx.startMs, 1));
    const double span = std::log(double(std::max(m_params.highDurationMs, m_params.minDurationMs + 1))
                                 / double(m_params.minDurationMs));
    std::vector<Finding> findings;
    for (const auto& [key, p] : pairs) {
        const auto& [inside, outside, protocol] = key;
        std::vector<std::pair<uint16_t, uint64_t>> ports(p.ports.begin(), p.ports.end());
        std::stable_sort(ports.begin(), ports.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        const uint16_t port = ports.front().first;
        const size_t holders = holdersOfPeer[p.outside].size();
        const double durationPart = clamp01(std::log(double(p.longestMs) / double(m_params.minDurationMs)) / span);
        const double coverage = clamp01(double(p.totalMs) / window);
        const double rarity = holders <= 1 ? 1.0 : clamp01(1.0 - std::log10(double(holders)));
        // A long session is a lead to hunt, not proof: the score stays below critical.
        const double score = std::min(80.0, 100 * (0.15 + 0.45 * durationPart + 0.15 * rarity + 0.10 * coverage));

        Finding f;
        f.type = "long_connection";
        f.subtype = p.internalInitiated ? "outbound" : "inbound";
        f.score = std::round(score * 10) / 10;
        f.severity = severityForScore(f.score);
        f.src = inside;
        f.dst = {outside};
        for (const auto& [servicePort, sessions] : ports)
            f.dstPorts.push_back(servicePort);
        f.protocol = protocol;
        f.startMs = p.firstMs;
        f.endMs = p.lastMs;
        f.attack = {"T1071", "T1571"};
        const std::string service = TextFormat::protocolName(protocol) + std::string("/") + std::to_string(port);
        f.id = "long_connection:" + inside.toString() + ">" + outside.toString() + ":"
            + TextFormat::protocolName(protocol);
        f.filter = "host " + inside.toString() + " and host " + outside.toString() + " and proto "
            + TextFormat::protocolName(protocol);
        f.summary = inside.toString() + (p.internalInitiated ? " held a connection to " : " held a connection from ")
            + outside.toString() + " (" + service + ") open for " + TextFormat::humanDuration(double(p.longestMs) / 1000)
            + (p.connections > 1 ? " (" + std::to_string(p.connections) + " long sessions, "
                                       + TextFormat::humanDuration(double(p.totalMs) / 1000) + " in all)"
                                 : std::string());
        f.evidence = {{"longest_seconds", std::round(double(p.longestMs) / 100) / 10},
                      {"total_seconds", std::round(double(p.totalMs) / 100) / 10},
                      {"long_sessions", p.connections},
                      {"service_ports", f.dstPorts},
                      {"coverage_of_window", std::round(coverage * 1000) / 1000},
                      {"bytes_sent", p.bytesSent},
                      {"bytes_received", p.bytesReceived},
                      {"internal_hosts_with_long_sessions_to_peer", holders},
                      {"initiator", p.internalInitiated ? "internal" : "external"},
                      {"threshold_seconds", double(m_params.minDurationMs) / 1000},
                      {"score_parts",
                       {{"duration", std::round(durationPart * 1000) / 1000},
                        {"rarity", std::round(rarity * 1000) / 1000},
                        {"coverage", std::round(coverage * 1000) / 1000}}}};
        findings.push_back(std::move(f));
    }
    return findings;
}
