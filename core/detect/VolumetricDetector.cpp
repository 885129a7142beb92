#include "detect/VolumetricDetector.h"

#include "detect/RobustStats.h"
#include "model/TextFormat.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace {

double clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

struct Episode {
    size_t first;
    size_t last;
};

struct ServiceKey {
    uint8_t protocol = 0;
    uint16_t port = 0;
    bool operator<(const ServiceKey& o) const { return std::tie(protocol, port) < std::tie(o.protocol, o.port); }
};

// Who and what made up an episode: the traffic towards dst that overlaps it.
struct Contributors {
    double packets = 0;
    uint64_t flows = 0;
    size_t sources = 0;
    ServiceKey topService;
    double topServiceShare = 0;
    size_t topServiceSources = 0;
    std::vector<std::pair<IpAddress, double>> topSources; // most packets first
    struct Service {
        ServiceKey key;
        double packets;
        size_t sources;
    };
    std::vector<Service> topServices;
};

// From the conversations, which carry both directions: a flood's records towards dst are
// its conversations' client-to-server halves (and the replies when dst is the client).
// Counted per conversation that overlaps the window, not per record.
Contributors contributors(const DetectionContext& ctx, uint32_t dst, int64_t fromMs, int64_t toMs)
{
    std::unordered_map<uint32_t, double> bySource;
    std::map<ServiceKey, std::pair<double, std::unordered_set<uint32_t>>> byService;
    Contributors c;
    auto add = [&](uint32_t src, uint8_t proto, uint16_t port, uint64_t pk) {
        if (pk == 0)
            return;
        bySource[src] += double(pk);
        auto& sv = byService[ServiceKey{proto, port}];
        sv.first += double(pk);
        sv.second.insert(src);
        c.packets += double(pk);
        ++c.flows;
    };
    // Conversations are ordered by start; none lasts longer than the longest one.
    auto first = std::lower_bound(ctx.conversations.begin(), ctx.conversations.end(),
                                  fromMs - ctx.longestConversationMs,
                                  [](const Conversation& cv, int64_t t) { return cv.startMs < t; });
    for (auto it = first; it != ctx.conversations.end(); ++it) {
        const Conversation& cv = *it;
        if (cv.startMs >= toMs)
            break;
        if (cv.endMs() < fromMs)
            continue;
        if (cv.server == dst)
            add(cv.client, cv.protocol, cv.serverPort, cv.packetsOut);
        else if (cv.client == dst)
            add(cv.server, cv.protocol, cv.clientPort, cv.packetsIn);
    }
    c.sources = bySource.size();
    for (const auto& [src, pk] : bySource)
        c.topSources.emplace_back(ctx.address(src), pk);
    // Ties by address: the order must not depend on the hash map's or the ids'.
    std::sort(c.topSources.begin(), c.topSources.end(),
              [](auto& a, auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
    if (c.topSources.size() > 5)
        c.topSources.resize(5);
    for (const auto& [key, v] : byService)
        c.topServices.push_back({key, v.first, v.second.size()});
    std::sort(c.topServices.begin(), c.topServices.end(), [](auto& a, auto& b) { return a.packets > b.packets; });
    if (c.topServices.size() > 5)
        c.topServices.resize(5);
    if (!c.topServices.empty()) {
        c.topService = c.topServices.front().key;
        c.topServiceShare = c.topServices.front().packets / std::max(c.packets, 1.0);
        c.topServiceSources = c.topServices.front().sources;
    }
    return c;
}

} // namespace

std::vector<Finding> VolumetricDetector::run(const DetectionContext& ctx, const std::atomic_bool& cancel) const
{
    // The volumes were summed while the flows were read, in buckets of the analysis' settings.
    const TrafficVolumes& volumes = ctx.volumes;
    const int64_t bucketMs = volumes.bucketMs();
    const int64_t startMs = volumes.startMs();
    const size_t nBuckets = volumes.buckets();
    if (nBuckets < 10)
        return {}; // no baseline to speak of
    const int minSources = std::min(m_params.minSources, volumes.sourceCap());
    std::vector<Finding> findings;
    const double bucketSeconds = double(bucketMs) / 1000;
    for (const TrafficVolumes::Series& s : volumes.series()) {
        if (cancel.load(std::memory_order_relaxed))
            return {};
        if (!ctx.isInternal(s.destination))
            continue;
        const IpAddress& dst = ctx.address(s.destination);
        std::vector<double> packetSeries(nBuckets);
        for (size_t b = 0; b < nBuckets; ++b)
            packetSeries[b] = s.buckets[b].packets;
        const double median = RobustStats::median(packetSeries);
        const double scale = std::max({1.4826 * RobustStats::mad(packetSeries), 0.1 * median, 10.0});
        std::vector<Episode> episodes;
        for (size_t b = 0; b < nBuckets; ++b) {
            const double z = (s.buckets[b].packets - median) / scale;
            const bool anomalous = z >= m_params.minZ && s.buckets[b].packets / bucketSeconds >= m_params.minPacketsPerSecond
                && int(s.buckets[b].sourceCount) >= minSources;
            if (!anomalous)
                continue;
            if (!episodes.empty() && b - episodes.back().last <= 2)
                episodes.back().last = b;
            else
                episodes.push_back({b, b});
        }
        for (const Episode& e : episodes) {
            double packets = 0, bytes = 0, peak = 0;
            for (size_t b = e.first; b <= e.last; ++b) {
                packets += s.buckets[b].packets;
                bytes += s.buckets[b].bytes;
                peak = std::max(peak, s.buckets[b].packets);
            }
            const double peakPps = peak / bucketSeconds;
            const double ratio = peak / std::max(median, 1.0);
            const double zPeak = (peak - median) / scale;
            const double magnitude = clamp01(std::log10(ratio) / 2);          // 1x -> 0, 100x -> 1
            const double rate = clamp01(std::log10(peakPps / 10) / 2);        // 10 pps -> 0, 1000 pps -> 1
            Finding f;
            f.type = "volumetric";
            f.subtype = "destination";
            f.dst = {dst};
            f.startMs = startMs + int64_t(e.first) * bucketMs;
            f.endMs = startMs + int64_t(e.last + 1) * bucketMs;
            const Contributors top = contributors(ctx, s.destination, f.startMs, f.endMs);
            // A flood comes from many sources; one host sending a lot is a transfer.
            const double spreadScore = clamp01(std::log10(double(std::max<size_t>(top.topServiceSources, 1))) / 2);
            double score = 100 * (0.4 * magnitude + 0.25 * rate + 0.35 * spreadScore);
            nlohmann::json notes = nlohmann::json::array();
            if (int(top.topServiceSources) < m_params.minSources) {
                score *= 0.6;
                notes.push_back("most of it from " + std::to_string(top.topServiceSources)
                                + " source(s): a bulk transfer more than a flood");
            }
            f.score = std::round(score * 10) / 10;
            f.severity = severityForScore(f.score);
            f.dstPorts = {top.topService.port};
            f.protocol = top.topService.protocol;
            f.attack = {"T1498", "T1499"};
            f.id = "volumetric:" + dst.toString() + "@" + std::to_string(f.startMs);
            f.filter = "dst host " + dst.toString();
            const std::string service = TextFormat::protocolName(top.topService.protocol) + "/"
                + std::to_string(top.topService.port);
            f.summary = dst.toString() + " received " + TextFormat::fixed(packets, 0) + " packets ("
                + TextFormat::humanBytes(bytes) + ") in " + TextFormat::humanDuration(double(f.endMs - f.startMs) / 1000)
                + ", " + TextFormat::fixed(100 * top.topServiceShare, 0) + "% of them " + service + " from "
                + std::to_string(top.topServiceSources) + " sources; peak " + TextFormat::fixed(peakPps, 0) + " pps, "
                + TextFormat::fixed(ratio, 0) + "x its baseline";
            nlohmann::json topSources = nlohmann::json::array();
            for (const auto& [addr, pk] : top.topSources)
                topSources.push_back({{"address", addr.toString()}, {"packets", std::round(pk)}});
            nlohmann::json topServices = nlohmann::json::array();
            for (const auto& sv : top.topServices)
                topServices.push_back({{"service", TextFormat::protocolName(sv.key.protocol) + "/" + std::to_string(sv.key.port)},
                                       {"packets", std::round(sv.packets)},
                                       {"share", std::round(1000 * sv.packets / std::max(top.packets, 1.0)) / 1000},
                                       {"sources", sv.sources}});
            f.evidence = {{"bucket_s", bucketSeconds},
                          {"packets", std::round(packets)},
                          {"bytes", std::round(bytes)},
                          {"flows", top.flows},
                          {"sources", top.sources},
                          {"top_service", service},
                          {"top_service_share", std::round(1000 * top.topServiceShare) / 1000},
                          {"top_service_sources", top.topServiceSources},
                          {"top_sources", topSources},
                          {"top_services", topServices},
                          {"peak_packets_per_s", std::round(peakPps * 10) / 10},
                          {"baseline_packets_per_bucket", median},
                          {"baseline_scale", std::round(scale * 10) / 10},
                          {"peak_robust_z", std::round(zPeak * 10) / 10},
                          {"peak_over_baseline", std::round(ratio * 10) / 10},
                          {"top_port", top.topService.port},
                          {"notes", notes},
                          {"score_parts",
                           {{"magnitude", std::round(magnitude * 1000) / 1000},
                            {"rate", std::round(rate * 1000) / 1000},
                            {"source_spread", std::round(spreadScore * 1000) / 1000}}}};
            findings.push_back(std::move(f));
        }
    }
    return findings;
}
