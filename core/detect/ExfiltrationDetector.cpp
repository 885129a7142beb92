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

// The median as RobustStats::median computes it (the mean of the middle two for an even
// count), by selection, reordering values instead of sorting a copy.
double medianInPlace(std::vector<double>& values)
{
    const size_t n = values.size();
    if (n == 0)
        return 0;
    const auto mid = values.begin() + std::ptrdiff_t(n / 2);
    std::nth_element(values.begin(), mid, values.end());
    if (n % 2)
        return *mid;
    const double lower = *std::max_element(values.begin(), mid);
    return lower + (*mid - lower) * 0.5;
}

} // namespace

std::vector<Finding> ExfiltrationDetector::run(const DetectionContext& ctx, const std::atomic_bool& cancel) const
{
    // Bytes an internal host sent to an external one, whichever side started the connection:
    // the crossing conversations grouped by their internal side (a counting sort of indexes),
    // then one internal host at a time with a small map of its peers. Only transfers big enough
    // to report are kept; the rest leave their size (for the peer baseline) and a count.
    const auto insideOf = [&](const Conversation& c) -> uint32_t {
        const bool clientInternal = ctx.isInternal(c.client);
        if (clientInternal == ctx.isInternal(c.server))
            return UINT32_MAX;
        return clientInternal ? c.client : c.server;
    };
    const size_t hosts = ctx.addresses.size();
    std::vector<uint32_t> offsets(hosts + 1, 0);
    for (const Conversation& c : ctx.conversations) {
        const uint32_t inside = insideOf(c);
        if (inside != UINT32_MAX)
            ++offsets[inside + 1];
    }
    for (size_t i = 1; i <= hosts; ++i)
        offsets[i] += offsets[i - 1];
    std::vector<uint32_t> order(offsets[hosts]);
    {
        std::vector<uint32_t> next(offsets.begin(), offsets.end() - 1);
        for (uint32_t i = 0; i < ctx.conversations.size(); ++i) {
            const uint32_t inside = insideOf(ctx.conversations[i]);
            if (inside != UINT32_MAX)
                order[next[inside]++] = i;
        }
    }
    if (cancel.load() || order.empty())
        return {};

    struct Candidate {
        uint32_t inside;
        uint32_t outside;
        Transfer t;
        double hostSent;
    };
    std::vector<Candidate> candidates;
    std::vector<uint32_t> talkersOfExternal(hosts); // internal hosts talking to each external one
    std::vector<double> logSent; // every transfer's, for the peer baseline
    std::unordered_map<uint32_t, Transfer> transfers;
    for (uint32_t inside = 0; inside < hosts; ++inside) {
        if (offsets[inside] == offsets[inside + 1])
            continue;
        if ((inside & 0xfff) == 0 && cancel.load(std::memory_order_relaxed))
            return {};
        transfers.clear();
        double hostSent = 0;
        for (uint32_t j = offsets[inside]; j < offsets[inside + 1]; ++j) {
            const Conversation& c = ctx.conversations[order[j]];
            const bool clientInternal = c.client == inside;
            Transfer& t = transfers[clientInternal ? c.server : c.client];
            const double sent = double(clientInternal ? c.bytesOut : c.bytesIn);
            t.sent += sent;
            t.received += double(clientInternal ? c.bytesIn : c.bytesOut);
            ++t.connections;
            t.firstMs = std::min(t.firstMs, c.startMs);
            t.lastMs = std::max(t.lastMs, c.endMs());
            t.addPort(clientInternal ? c.serverPort : c.clientPort);
            hostSent += sent;
        }
        for (auto& [outside, t] : transfers) {
            ++talkersOfExternal[outside];
            logSent.push_back(std::log10(t.sent + 1));
            if (t.sent < m_params.minBytes)
                continue;
            const double pcr = (t.sent - t.received) / (t.sent + t.received);
            if (pcr < m_params.minProducerConsumerRatio)
                continue;
            candidates.push_back({inside, outside, std::move(t), hostSent});
        }
    }
    order = {};
    offsets = {};

    // Peer baseline: what internal hosts typically send to one external destination (log scale).
    // In place (selection, not sort): this is the one array with an entry per pair.
    const double peerMedian = medianInPlace(logSent);
    for (double& v : logSent)
        v = std::fabs(v - peerMedian);
    const double peerScale = 1.4826 * medianInPlace(logSent) + 0.1;
    logSent = {};

    std::vector<Finding> findings;
    for (const Candidate& cand : candidates) {
        const Transfer& t = cand.t;
        const IpAddress& inside = ctx.address(cand.inside);
        const IpAddress& outside = ctx.address(cand.outside);
        const double pcr = (t.sent - t.received) / (t.sent + t.received);
        const double peerZ = (std::log10(t.sent + 1) - peerMedian) / peerScale;
        const double ownOther = cand.hostSent - t.sent;
        const double shareOfHost = t.sent / std::max(cand.hostSent, 1.0);
        const size_t talkers = talkersOfExternal[cand.outside];

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
