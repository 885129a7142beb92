#include "detect/ExfiltrationDetector.h"

#include "detect/RobustStats.h"
#include "model/TextFormat.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace {

double clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

struct Transfer {
    double sent = 0;
    double received = 0;
    uint64_t connections = 0;
    int64_t firstMs = INT64_MAX;
    int64_t lastMs = 0;
    std::vector<uint16_t> ports; // distinct, few: a vector beats a set per pair over millions of pairs

    void addPort(uint16_t p)
    {
        if (ports.size() < 64 && std::find(ports.begin(), ports.end(), p) == ports.end())
            ports.push_back(p);
    }
};

struct PairHash {
    size_t operator()(const std::pair<IpAddress, IpAddress>& k) const
    {
        return std::hash<IpAddress>{}(k.first) * 1099511628211ULL ^ std::hash<IpAddress>{}(k.second);
    }
};

} // namespace

std::vector<Finding> ExfiltrationDetector::run(const DetectionContext& ctx, const std::atomic_bool& cancel) const
{
    // Bytes an internal host sent to an external one, whichever side started the connection.
    std::unordered_map<std::pair<IpAddress, IpAddress>, Transfer, PairHash> transfers;
    std::unordered_map<IpAddress, double> hostSent;
    for (const Conversation& c : ctx.conversations) {
        const bool clientInternal = ctx.settings.isInternal(c.client);
        const bool serverInternal = ctx.settings.isInternal(c.server);
        if (clientInternal == serverInternal)
            continue;
        const IpAddress& inside = clientInternal ? c.client : c.server;
        const IpAddress& outside = clientInternal ? c.server : c.client;
        Transfer& t = transfers[{inside, outside}];
        const double sent = double(clientInternal ? c.bytesOut : c.bytesIn);
        t.sent += sent;
        t.received += double(clientInternal ? c.bytesIn : c.bytesOut);
        ++t.connections;
        t.firstMs = std::min(t.firstMs, c.startMs);
        t.lastMs = std::max(t.lastMs, c.endMs);
        t.addPort(clientInternal ? c.serverPort : c.clientPort);
        hostSent[inside] += sent;
    }
    if (cancel.load() || transfers.empty())
        return {};

    // Internal hosts talking to each external one: one transfer per (inside, outside) pair.
    std::unordered_map<IpAddress, uint32_t> talkersOfExternal;
    for (const auto& [key, t] : transfers)
        ++talkersOfExternal[key.second];

    // Peer baseline: what internal hosts typically send to one external destination (log scale).
    std::vector<double> logSent;
    logSent.reserve(transfers.size());
    for (const auto& [key, t] : transfers)
        logSent.push_back(std::log10(t.sent + 1));
    const double peerMedian = RobustStats::median(logSent);
    const double peerScale = 1.4826 * RobustStats::mad(logSent) + 0.1;

    std::vector<Finding> findings;
    for (const auto& [key, t] : transfers) {
        const auto& [inside, outside] = key;
        if (t.sent < m_params.minBytes)
            continue;
        const double pcr = (t.sent - t.received) / (t.sent + t.received);
        if (pcr < m_params.minProducerConsumerRatio)
            continue;
        const double peerZ = (std::log10(t.sent + 1) - peerMedian) / peerScale;
        const double ownOther = hostSent[inside] - t.sent;
        const double shareOfHost = t.sent / std::max(hostSent[inside], 1.0);
        const size_t talkers = talkersOfExternal[outside];

        const double volume = clamp01((std::log10(t.sent) - 7) / 2); // 10 MB -> 0, 1 GB -> 1
        const double peer = clamp01(peerZ / 8);
        const double ratio = clamp01(pcr);
        const double rarity = talkers <= 1 ? 1.0 : clamp01(1.0 - std::log10(double(talkers)) / 1.3);
        // The host's own history: this destination against everything else it uploaded. Exfiltration
        // split over many moderate flows stays modest in volume but dwarfs the host's other uploads
        // (a client sends kilobytes of requests); a backup server uploading everywhere scores 0.
        // 1 % of minBytes keeps a host that uploads nothing else from dividing by zero.
        const double ownHistory = clamp01(std::log10(t.sent / (ownOther + 0.01 * m_params.minBytes)) / 2); // 100x -> 1
        const double score = 100 * (0.3 * volume + 0.2 * peer + 0.15 * ratio + 0.15 * rarity + 0.2 * ownHistory);

        Finding f;
        f.type = "exfiltration";
        f.subtype = "upload";
        f.score = std::round(score * 10) / 10;
        f.severity = severityForScore(f.score);
        f.src = inside;
        f.dst = {outside};
        f.dstPorts = t.ports;
        std::sort(f.dstPorts.begin(), f.dstPorts.end());
        f.startMs = t.firstMs;
        f.endMs = t.lastMs;
        f.attack = {"T1041", "T1048"};
        f.id = "exfiltration:" + inside.toString() + ">" + outside.toString();
        f.filter = "src host " + inside.toString() + " and dst host " + outside.toString();
        f.summary = inside.toString() + " sent " + TextFormat::humanBytes(t.sent) + " to " + outside.toString()
            + " (received " + TextFormat::humanBytes(t.received) + ") in " + std::to_string(t.connections)
            + " connections over " + TextFormat::humanDuration(double(t.lastMs - t.firstMs) / 1000);
        f.evidence = {{"bytes_sent", t.sent},
                      {"bytes_received", t.received},
                      {"connections", t.connections},
                      {"producer_consumer_ratio", std::round(pcr * 1000) / 1000},
                      {"peer_median_bytes", std::round(std::pow(10, peerMedian))},
                      {"peer_robust_z", std::round(peerZ * 100) / 100},
                      {"host_bytes_sent_elsewhere", ownOther},
                      {"share_of_host_upload", std::round(shareOfHost * 1000) / 1000},
                      {"internal_hosts_talking_to_destination", talkers},
                      {"score_parts",
                       {{"volume", std::round(volume * 1000) / 1000},
                        {"peer_anomaly", std::round(peer * 1000) / 1000},
                        {"producer_consumer", std::round(ratio * 1000) / 1000},
                        {"destination_rarity", std::round(rarity * 1000) / 1000},
                        {"host_history", std::round(ownHistory * 1000) / 1000}}}};
        findings.push_back(std::move(f));
    }
    return findings;
}
