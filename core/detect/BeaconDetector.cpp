#include "detect/BeaconDetector.h"

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

double smoothstep(double edge0, double edge1, double x)
{
    const double t = clamp01((x - edge0) / (edge1 - edge0));
    return t * t * (3 - 2 * t);
}

// Intervals that span k missed beats (k = 2, 3, ...) are folded back to one
// period, but only when such gaps are rare: a Poisson process has many long
// gaps, and folding them would make it look regular.
std::vector<double> foldMissedBeats(const std::vector<double>& intervals, double period, int& folded)
{
    folded = 0;
    std::vector<double> out = intervals;
    std::vector<size_t> candidates;
    for (size_t i = 0; i < intervals.size(); ++i) {
        const double k = std::round(intervals[i] / period);
        if (k >= 2 && std::fabs(intervals[i] - k * period) <= 0.35 * period * std::sqrt(k))
            candidates.push_back(i);
    }
    if (candidates.empty() || double(candidates.size()) > 0.15 * double(intervals.size()))
        return out;
    for (size_t i : candidates)
        out[i] = intervals[i] / std::round(intervals[i] / period);
    folded = int(candidates.size());
    return out;
}

} // namespace

std::vector<Finding> BeaconDetector::run(const DetectionContext& ctx, const std::atomic_bool& cancel) const
{
    // Connections per internal/external pair (inbound pairs too: a sensor on a C2 server, or a
    // DMZ host, sees the implant call in), one client at a time: its conversations (in start
    // order) are counted per server in a small map, and only pairs with enough of them for a
    // beacon are gathered, which keeps millions of pairs cheap.
    struct Pair {
        uint32_t client;
        uint32_t server;
        std::vector<const Conversation*> convs;
    };
    std::vector<Pair> pairs;
    // Prevalence: distinct internal clients per external server (each pair is one client).
    std::vector<uint32_t> clientsOfServer(ctx.addresses.size());
    size_t internalClients = 0;
    std::unordered_map<uint32_t, uint32_t> perServer;
    const auto beaconable = [&](const Conversation& c) {
        return (c.protocol == IpProtocol::Tcp || c.protocol == IpProtocol::Udp)
            && ctx.isInternal(c.client) != ctx.isInternal(c.server);
    };
    for (uint32_t client = 0; client < ctx.addresses.size(); ++client) {
        if ((client & 0xfff) == 0 && cancel.load(std::memory_order_relaxed))
            return {};
        const auto [first, last] = ctx.byClient(client);
        perServer.clear();
        for (const uint32_t* i = first; i != last; ++i)
            if (beaconable(ctx.conversations[*i]))
                ++perServer[ctx.conversations[*i].server];
        if (perServer.empty())
            continue;
        const size_t firstPair = pairs.size();
        for (auto& [server, n] : perServer) {
            if (ctx.isInternal(client))
                ++clientsOfServer[server];
            if (int(n) >= m_params.minBeats) {
                n = uint32_t(pairs.size()); // from here on: the pair's index
                pairs.push_back({client, server, {}});
            } else {
                n = UINT32_MAX;
            }
        }
        if (ctx.isInternal(client))
            ++internalClients;
        if (pairs.size() == firstPair)
            continue;
        for (const uint32_t* i = first; i != last; ++i) {
            const Conversation& c = ctx.conversations[*i];
            if (!beaconable(c))
                continue;
            const uint32_t p = perServer[c.server];
            if (p != UINT32_MAX)
                pairs[p].convs.push_back(&c);
        }
    }

    const double windowMs = double(std::max<int64_t>(ctx.endMs - ctx.startMs, 1));
    std::vector<Finding> findings;
    for (const Pair& pair : pairs) {
        const std::vector<const Conversation*>& convs = pair.convs;
        const IpAddress& client = ctx.address(pair.client);
        const IpAddress& server = ctx.address(pair.server);
        if (cancel.load(std::memory_order_relaxed))
            return {};
        if (int(convs.size()) < m_params.minBeats)
            continue;
        // Beats: connections starting within beatMergeMs of a beat's first one belong to it.
        std::vector<int64_t> beats;
        std::vector<double> beatBytes;
        uint64_t answered = 0, bytesOut = 0, bytesIn = 0;
        std::set<uint16_t> ports;
        for (const Conversation* c : convs) {
            if (c->answered())
                ++answered;
            bytesOut += c->bytesOut;
            bytesIn += c->bytesIn;
            ports.insert(c->serverPort);
            if (!beats.empty() && c->startMs - beats.back() <= m_params.beatMergeMs) {
                beatBytes.back() += double(c->bytesOut);
                continue;
            }
            beats.push_back(c->startMs);
            beatBytes.push_back(double(c->bytesOut));
        }
        if (int(beats.size()) < m_params.minBeats)
            continue;
        std::vector<double> raw;
        for (size_t i = 1; i < beats.size(); ++i)
            raw.push_back(double(beats[i] - beats[i - 1]) / 1000.0);
        const double rawMedian = RobustStats::median(raw);
        if (rawMedian <= 0)
            continue;
        int folded = 0;
        const std::vector<double> intervals = foldMissedBeats(raw, rawMedian, folded);
        // Regularity is judged against the median (as RITA does: a Poisson process has a
        // mean well above its median); the period reported is the trimmed mean, the better
        // estimate when the jitter is symmetric.
        const double medianInterval = RobustStats::median(intervals);
        const double madRatio = RobustStats::mad(intervals) / medianInterval;
        const double period = RobustStats::trimmedMean(intervals, 0.1);
        const double skew = RobustStats::bowleySkew(intervals);

        const double madScore = clamp01(1 - madRatio);
        const double skewScore = clamp01(1 - std::fabs(skew));
        const double coverage = clamp01(double(beats.back() - beats.front()) / windowMs);
        const double countScore = clamp01(std::log(double(beats.size())) / std::log(48.0));
        const double sizeMedian = RobustStats::median(beatBytes);
        const double sizeMadRatio = sizeMedian > 0 ? RobustStats::mad(beatBytes) / sizeMedian : 1;
        const double sizeScore = 0.5 * clamp01(1 - sizeMadRatio) + 0.5 * clamp01(1 - std::fabs(RobustStats::bowleySkew(beatBytes)));

        const double timing = 0.45 * madScore + 0.25 * skewScore + 0.15 * coverage + 0.15 * countScore;
        // Irregular timing is not beaconing, whatever the other parts say.
        const double regularity = smoothstep(0.45, 0.8, madScore);
        double score = 100 * (0.75 * timing + 0.25 * sizeScore) * regularity;
        if (score < 20)
            continue;

        nlohmann::json notes = nlohmann::json::array();
        const size_t prevalenceCount = clientsOfServer[pair.server];
        const double prevalence = double(prevalenceCount) / double(std::max<size_t>(internalClients, 1));
        if (prevalenceCount >= 3 && prevalence >= m_params.commonPrevalence) {
            // Update checkers, NTP and telemetry are perfectly periodic and everywhere.
            score *= 0.4;
            notes.push_back("destination contacted by " + std::to_string(prevalenceCount) + " internal hosts: common service");
        }
        const double answeredShare = double(answered) / double(convs.size());
        // How much of its own span the beat fills: a beacon beats all along (or in daily
        // windows, ~1/3); a client that comes back in a few bursts fills almost nothing.
        const double spanS = std::max(1.0, double(beats.back() - beats.front()) / 1000);
        const double fill = clamp01(double(beats.size() - 1) * period / spanS);
        const bool inbound = !ctx.isInternal(pair.client);
        score *= 0.5 + 0.5 * smoothstep(0.05, 0.5, fill);
        if (fill < 0.25)
            notes.push_back("beats come in bursts: they fill " + TextFormat::fixed(100 * fill, 0) + "% of their span");
        if (inbound) {
            // Internet scanners and crawlers also return on a schedule, but they fail or
            // touch many ports; an implant calling in is answered, on one service.
            if (answeredShare < 0.8 || ports.size() > 2 || fill < 0.5)
                continue;
            score *= 0.9;
            notes.push_back("inbound: an outside host calling in on a schedule");
            // An Internet-facing host sees crawlers and bots return on a schedule for a
            // while; an implant keeps calling. Short inbound series are not reported.
            if (beats.size() < size_t(m_params.minInboundBeats))
                continue;
        }
        if (answeredShare < 0.5) {
            // Retries to a dead host are periodic too, but carry nothing.
            score *= 0.6;
            notes.push_back("most connections unanswered");
        }

        Finding f;
        f.type = "beacon";
        f.subtype = "pair";
        f.score = std::round(score * 10) / 10;
        f.severity = severityForScore(f.score);
        f.src = client;
        f.dst = {server};
        f.dstPorts.assign(ports.begin(), ports.end());
        f.protocol = convs.front()->protocol;
        f.startMs = beats.front();
        f.endMs = convs.back()->endMs();
        f.attack = {"T1071", "T1573"};
        f.id = "beacon:" + client.toString() + ">" + server.toString();
        f.filter = "src host " + client.toString() + " and dst host " + server.toString();
        // Jitter as half the interquartile range relative to the period: +-10 % uniform reads as about 10 %.
        std::vector<double> sortedIntervals = intervals;
        std::sort(sortedIntervals.begin(), sortedIntervals.end());
        const double jitterPct = 100 * (RobustStats::quantileSorted(sortedIntervals, 0.75)
                                        - RobustStats::quantileSorted(sortedIntervals, 0.25)) / period;
        f.summary = client.toString() + " beacons to " + server.toString() + " every "
            + TextFormat::humanDuration(period) + " (±" + TextFormat::fixed(jitterPct, 0) + "%), "
            + std::to_string(beats.size()) + " beats over " + TextFormat::humanDuration(double(beats.back() - beats.front()) / 1000);
        f.evidence = {
            {"connections", convs.size()},
            {"beats", beats.size()},
            {"period_s", std::round(period * 100) / 100},
            {"jitter_pct", std::round(jitterPct * 10) / 10},
            {"interval_mad_s", std::round(madRatio * medianInterval * 100) / 100},
            {"interval_median_s", std::round(medianInterval * 100) / 100},
            {"interval_bowley_skew", std::round(skew * 1000) / 1000},
            {"missed_beats_folded", folded},
            {"coverage", std::round(coverage * 1000) / 1000},
            {"span_fill", std::round(fill * 1000) / 1000},
            {"direction", inbound ? "inbound" : "outbound"},
            {"bytes_out_total", bytesOut},
            {"bytes_in_total", bytesIn},
            {"bytes_per_beat_median", sizeMedian},
            {"answered_share", std::round(answeredShare * 1000) / 1000},
            {"destination_prevalence", prevalenceCount},
            {"internal_clients", internalClients},
            {"score_parts",
             {{"interval_mad", std::round(madScore * 1000) / 1000},
              {"interval_skew", std::round(skewScore * 1000) / 1000},
              {"coverage", std::round(coverage * 1000) / 1000},
              {"beat_count", std::round(countScore * 1000) / 1000},
              {"size_consistency", std::round(sizeScore * 1000) / 1000},
              {"regularity_gate", std::round(regularity * 1000) / 1000}}},
            {"notes", notes},
        };
        findings.push_back(std::move(f));
    }
    return findings;
}
