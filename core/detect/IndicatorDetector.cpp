#include "detect/IndicatorDetector.h"

#include "model/TextFormat.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

namespace {

IpAddress masked(const IpAddress& a, int bits)
{
    std::array<uint8_t, 16> b = a.bytes();
    for (int i = 0; i < 16; ++i) {
        const int keep = std::clamp(bits - 8 * i, 0, 8);
        b[size_t(i)] &= uint8_t(0xff00 >> keep);
    }
    return IpAddress::fromBytes16(b.data());
}

// Longest-prefix match over the indicator list: one hash lookup per distinct
// prefix length, so a list of thousands of addresses costs little per flow.
class IndicatorMatcher final {
public:
    explicit IndicatorMatcher(const std::vector<Indicator>& indicators)
    {
        for (size_t i = 0; i < indicators.size(); ++i) {
            const IpPrefix& p = indicators[i].prefix;
            auto level = std::find_if(m_levels.begin(), m_levels.end(), [&](const Level& l) { return l.bits == p.bits; });
            if (level == m_levels.end()) {
                m_levels.push_back({p.bits, {}});
                level = m_levels.end() - 1;
            }
            level->entries.try_emplace(masked(p.base, p.bits), i); // the first listing of a duplicate wins
        }
        std::sort(m_levels.begin(), m_levels.end(), [](const Level& a, const Level& b) { return a.bits > b.bits; });
    }
    bool empty() const { return m_levels.empty(); }
    // Index of the most specific indicator containing a, or -1.
    long find(const IpAddress& a) const
    {
        for (const Level& l : m_levels)
            if (auto it = l.entries.find(l.bits == 128 ? a : masked(a, l.bits)); it != l.entries.end())
                return long(it->second);
        return -1;
    }

private:
    struct Level {
        int bits;
        std::unordered_map<IpAddress, size_t> entries;
    };
    std::vector<Level> m_levels;
};

struct Sighting {
    std::map<IpAddress, uint64_t> peers;      // other side -> connections
    std::map<IpAddress, uint64_t> addresses;  // addresses inside the indicator that were seen
    std::map<uint16_t, uint64_t> ports;       // service ports
    uint64_t connections = 0;
    uint64_t answered = 0;
    uint64_t inbound = 0; // connections an outside host started
    uint64_t bytesToIndicator = 0;
    uint64_t bytesFromIndicator = 0;
    int64_t firstMs = INT64_MAX;
    int64_t lastMs = 0;
    uint8_t protocol = 0;
};

template <typename K>
std::vector<std::pair<K, uint64_t>> topByCount(const std::map<K, uint64_t>& m, size_t n)
{
    std::vector<std::pair<K, uint64_t>> v(m.begin(), m.end());
    std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    if (v.size() > n)
        v.resize(n);
    return v;
}

} // namespace

std::vector<Finding> IndicatorDetector::run(const DetectionContext& ctx, const std::atomic_bool& cancel) const
{
    const std::vector<Indicator>& indicators = ctx.settings.indicators;
    if (indicators.empty())
        return {};
    const IndicatorMatcher matcher(indicators);
    // Each address is looked up once, not once per conversation it appears in.
    std::vector<long> hitOf(ctx.addresses.size());
    for (uint32_t id = 0; id < hitOf.size(); ++id)
        hitOf[id] = matcher.find(ctx.address(id));
    std::map<size_t, Sighting> seen;
    size_t n = 0;
    for (const Conversation& c : ctx.conversations) {
        if ((++n & 0xffff) == 0 && cancel.load(std::memory_order_relaxed))
            return {};
        long hit = hitOf[c.server];
        bool indicatorIsClient = false;
        if (hit < 0) {
            hit = hitOf[c.client];
            indicatorIsClient = hit >= 0;
        }
        if (hit < 0)
            continue;
        Sighting& s = seen[size_t(hit)];
        const IpAddress& bad = ctx.address(indicatorIsClient ? c.client : c.server);
        const IpAddress& peer = ctx.address(indicatorIsClient ? c.server : c.client);
        ++s.peers[peer];
        ++s.addresses[bad];
        ++s.ports[c.serverPort];
        ++s.connections;
        if (c.answered() && !c.failedAttempt())
            ++s.answered;
        if (!ctx.isInternal(c.client)) // started from outside the network, as other findings count it
            ++s.inbound;
        s.bytesToIndicator += indicatorIsClient ? c.bytesIn : c.bytesOut;
        s.bytesFromIndicator += indicatorIsClient ? c.bytesOut : c.bytesIn;
        s.firstMs = std::min(s.firstMs, c.startMs);
        s.lastMs = std::max(s.lastMs, c.endMs());
        s.protocol = s.connections == 1 || s.protocol == c.protocol ? c.protocol : 0;
    }

    std::vector<Finding> findings;
    for (const auto& [index, s] : seen) {
        const Indicator& ind = indicators[index];
        // A listed address that answered is contact with known-bad infrastructure;
        // only failed attempts (blocked, sinkholed, down) still deserve a look.
        const bool exchanged = s.answered > 0;
        const size_t internalPeers = size_t(std::count_if(s.peers.begin(), s.peers.end(), [&](const auto& p) {
            return ctx.settings.isInternal(p.first);
        }));
        const double base = exchanged ? 70 : 50;
        const double spread = std::min(15.0, 5.0 * double(std::max<size_t>(internalPeers, 1) - 1));
        const double upload = s.bytesToIndicator > 1'000'000 ? 10 : 0;
        const double score = std::min(95.0, base + spread + upload);

        const auto peers = topByCount(s.peers, 50);
        const auto addresses = topByCount(s.addresses, 20);
        const auto ports = topByCount(s.ports, 10);
        Finding f;
        f.type = "indicator";
        f.subtype = s.inbound == s.connections ? "inbound" : (s.inbound ? "both" : "outbound");
        f.score = score;
        f.severity = severityForScore(score);
        // A listed internal host (a known-compromised machine) is the actor;
        // for a listed outside address the actor is the internal host talking to it.
        const bool listedInside = ctx.settings.isInternal(addresses.front().first);
        f.src = listedInside ? addresses.front().first : peers.front().first;
        if (listedInside)
            for (size_t i = 0; i < peers.size() && i < 20; ++i)
                f.dst.push_back(peers[i].first);
        else
            for (const auto& [a, count] : addresses)
                f.dst.push_back(a);
        for (const auto& [p, count] : ports)
            f.dstPorts.push_back(p);
        f.protocol = s.protocol;
        f.startMs = s.firstMs;
        f.endMs = s.lastMs;
        f.attack = {"T1071"};
        const std::string what = ind.prefix.toString() + (ind.label.empty() ? std::string() : " (" + ind.label + ")");
        f.id = "indicator:" + ind.prefix.toString();
        f.filter = ind.prefix.bits == 128 ? "host " + ind.prefix.base.toString() : "net " + ind.prefix.toString();
        f.summary = "listed indicator " + what + ": " + std::to_string(s.connections) + " connections with "
            + std::to_string(s.peers.size()) + (s.peers.size() == 1 ? " host" : " hosts") + " ("
            + peers.front().first.toString() + (s.peers.size() > 1 ? " and others" : "") + "), "
            + (exchanged ? std::to_string(s.answered) + " answered, " + TextFormat::humanBytes(double(s.bytesToIndicator))
                               + " sent to it"
                         : std::string("none answered"));
        nlohmann::json peerList = nlohmann::json::array();
        for (const auto& [a, count] : peers)
            peerList.push_back({{"host", a.toString()}, {"connections", count}, {"internal", ctx.settings.isInternal(a)}});
        nlohmann::json addressList = nlohmann::json::array();
        for (const auto& [a, count] : addresses)
            addressList.push_back(a.toString());
        f.evidence = {{"indicator", ind.prefix.toString()},
                      {"label", ind.label},
                      {"listed_at", ind.origin},
                      {"connections", s.connections},
                      {"answered_connections", s.answered},
                      {"inbound_connections", s.inbound},
                      {"bytes_to_indicator", s.bytesToIndicator},
                      {"bytes_from_indicator", s.bytesFromIndicator},
                      {"hosts", s.peers.size()},
                      {"internal_hosts", internalPeers},
                      {"peers", peerList},
                      {"addresses_seen", addressList},
                      {"score_parts",
                       {{"contact", base / 100}, {"spread", spread / 100}, {"upload", upload / 100}}}};
        findings.push_back(std::move(f));
    }
    return findings;
}
