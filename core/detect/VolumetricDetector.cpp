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

struct Series {
    std::vector<double> packets;
    std::vector<double> bytes;
    std::vector<double> flows;
    std::vector<std::unordered_set<IpAddress>> sources;
    std::set<uint16_t> ports;
    std::map<uint16_t, double> packetsByPort;
    std::set<uint8_t> protocols;

    explicit Series(size_t n) : packets(n), bytes(n), flows(n), sources(n) {}
};

// Adds a flow's packets and bytes to the buckets it spans, evenly over its duration.
void spread(Series& s, const FlowRecord& f, int64_t startMs, int64_t bucketMs)
{
    const int64_t last = int64_t(s.packets.size()) - 1;
    const int64_t b0 = std::clamp<int64_t>((f.startMs - startMs) / bucketMs, 0, last);
    const int64_t b1 = std::clamp<int64_t>((std::max(f.endMs, f.startMs) - startMs) / bucketMs, 0, last);
    const double n = double(b1 - b0 + 1);
    for (int64_t b = b0; b <= b1; ++b) {
        s.packets[size_t(b)] += double(f.packets + f.revPackets) / n;
        s.bytes[size_t(b)] += double(f.bytes + f.revBytes) / n;
        s.sources[size_t(b)].insert(f.src);
    }
    s.flows[size_t(b0)] += 1;
}

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

Contributors contributors(const DetectionContext& ctx, const IpAddress& dst, int64_t fromMs, int64_t toMs)
{
    std::unordered_map<IpAddress, double> bySource;
    std::map<ServiceKey, std::pair<double, std::unordered_set<IpAddress>>> byService;
    Contributors c;
    auto add = [&](const IpAddress& src, uint8_t proto, uint16_t port, uint64_t pk) {
        if (pk == 0)
            return;
        bySource[src] += double(pk);
        auto& sv = byService[ServiceKey{proto, port}];
        sv.first += double(pk);
        sv.second.insert(src);
        c.packets += double(pk);
        ++c.flows;
    };
    // Flows are ordered by start; exporters cut long flows at their active timeout (at
    // most 30 min in practice), so nothing starting an hour before the episode reaches it.
    constexpr int64_t kLookbackMs = 3'600'000;
    auto first = std::lower_bound(ctx.flows.begin(), ctx.flows.end(), fromMs - kLookbackMs,
                                  [](const FlowRecord& f, int64_t t) { return f.startMs < t; });
    for (auto it = first; it != ctx.flows.end(); ++it) {
        const FlowRecord& f = *it;
        if (f.startMs >= toMs)
            break;
        if (std::max(f.endMs, f.startMs) < fromMs)
            continue;
        if (f.dst == dst)
            add(f.src, f.protocol, f.dstPort, f.packets);
        else if (f.src == dst && f.revPackets) // biflow: the reverse direction went to dst
            add(f.dst, f.protocol, f.srcPort, f.revPackets);
    }
    c.sources = bySource.size();
    c.topSources.assign(bySource.begin(), bySource.end());
    std::sort(c.topSources.begin(), c.topSources.end(), [](auto& a, auto& b) { return a.second > b.second; });
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
    const int64_t bucketMs = m_params.bucketMs;
    const int64_t startMs = ctx.startMs - ctx.startMs % bucketMs;
    const size_t nBuckets = size_t(std::max<int64_t>(1, (ctx.endMs - startMs) / bucketMs + 1));
    if (nBuckets < 10)
        return {}; // no baseline to speak of

    std::unordered_map<IpAddress, Series> perDestination;
    auto addDirection = [&](const FlowRecord& f) {
        if (f.packets == 0 || !ctx.settings.isInternal(f.dst))
            return;
        auto it = perDestination.try_emplace(f.dst, nBuckets).first;
        spread(it->second, f, startMs, bucketMs);
        it->second.packetsByPort[f.dstPort] += double(f.packets);
        it->second.protocols.insert(f.protocol);
    };
    for (const FlowRecord& f : ctx.flows) {
        if (f.revPackets == 0 && f.revBytes == 0) {
            addDirection(f);
            continue;
        }
        // A biflow is traffic towards both ends: count each direction against its receiver.
        FlowRecord forward = f;
        forward.revBytes = forward.revPackets = 0;
        addDirection(forward);
        FlowRecord reverse = forward;
        std::swap(reverse.src, reverse.dst);
        std::swap(reverse.srcPort, reverse.dstPort);
        reverse.bytes = f.revBytes;
        reverse.packets = f.revPackets;
        addDirection(reverse);
    }
    if (cancel.load())
        return {};

    std::vector<Finding> findings;
    const double bucketSeconds = double(bucketMs) / 1000;
    for (auto& [dst, s] : perDestination) {
        const double median = RobustStats::median(s.packets);
        const double scale = std::max({1.4826 * RobustStats::mad(s.packets), 0.1 * median, 10.0});
        std::vector<Episode> episodes;
        for (size_t b = 0; b < nBuckets; ++b) {
            const double z = (s.packets[b] - median) / scale;
            const bool anomalous = z >= m_params.minZ && s.packets[b] / bucketSeconds >= m_params.minPacketsPerSecond
                && int(s.sources[b].size()) >= m_params.minSources;
            if (!anomalous)
                continue;
            if (!episodes.empty() && b - episodes.back().last <= 2)
                episodes.back().last = b;
            else
                episodes.push_back({b, b});
        }
        for (const Episode& e : episodes) {
            double packets = 0, bytes = 0, peak = 0;
            std::unordered_set<IpAddress> sources;
            for (size_t b = e.first; b <= e.last; ++b) {
                packets += s.packets[b];
                bytes += s.bytes[b];
                peak = std::max(peak, s.packets[b]);
                sources.insert(s.sources[b].begin(), s.sources[b].end());
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
            const Contributors top = contributors(ctx, dst, f.startMs, f.endMs);
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
