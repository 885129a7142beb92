#include "detect/PortScanDetector.h"

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
double round3(double v) { return std::round(v * 1000) / 1000; }

// A horizontal group is (client, proto, port) across hosts; a vertical one (client, proto, server)
// across ports.
// Within one client's conversations: a horizontal group is (proto, port) across hosts, a
// vertical one (proto, server) across ports; both packed into one integer.
uint64_t horizontalKey(const Conversation& c) { return uint64_t(c.protocol) << 16 | c.serverPort; }
uint64_t verticalKey(const Conversation& c) { return 1ULL << 63 | uint64_t(c.protocol) << 32 | c.server; }

struct GroupKey {
    IpAddress client;
    IpAddress server; // vertical groups only
    uint16_t port = 0; // horizontal groups only
    uint8_t proto = 0;
    bool vertical = false;
};

// One target of a group: a host (horizontal) or a port (vertical).
struct Target {
    IpAddress host;
    uint16_t port = 0;
    bool operator<(const Target& o) const { return std::tie(host, port) < std::tie(o.host, o.port); }
};

struct Contact {
    int64_t firstMs = 0;
    bool succeeded = false; // any attempt to this target got through
    bool failed = false;    // any attempt failed
};

struct Attempts {
    bool vertical = false;
    // Targets as they come (a host's AddressBook id or a port), then, once the group is
    // complete, in address or port order (sortContacts): the order the findings list them in.
    std::unordered_map<uint32_t, uint32_t> contactIndex;
    std::vector<std::pair<uint32_t, Contact>> arrived;
    std::vector<std::pair<Target, Contact>> contacts;
    std::set<uint16_t> openPorts;
    std::unordered_set<uint32_t> answeringHosts;
    uint64_t attempts = 0;
    uint64_t failed = 0;
    std::vector<int64_t> failedStarts;
    int64_t firstMs = 0;
    int64_t lastMs = 0;

    void sortContacts(const DetectionContext& ctx)
    {
        contacts.reserve(arrived.size());
        for (const auto& [key, c] : arrived)
            contacts.emplace_back(vertical ? Target{IpAddress(), uint16_t(key)} : Target{ctx.address(key), 0}, c);
        std::sort(contacts.begin(), contacts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        arrived = {};
        contactIndex = {};
    }

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
        const uint32_t target = vertical ? c.serverPort : c.server;
        auto [it, fresh] = contactIndex.try_emplace(target, uint32_t(arrived.size()));
        if (fresh)
            arrived.push_back({target, Contact{c.startMs, false, false}});
        Contact& contact = arrived[it->second].second;
        if (c.failedAttempt()) {
            ++failed;
            contact.failed = true;
            failedStarts.push_back(c.startMs);
        } else {
            contact.succeeded = true;
        }
        if (c.answered()) {
            answeringHosts.insert(c.server);
            // A SYN-ACK means the port is open; a bare RST means closed.
            if (c.protocol != IpProtocol::Tcp || (c.flagsIn & TcpFlag::Syn))
                openPorts.insert(c.serverPort);
        }
    }

    size_t failedTargets() const
    {
        return size_t(std::count_if(contacts.begin(), contacts.end(), [](const auto& kv) { return kv.second.failed; }));
    }
    std::vector<std::pair<const Target*, const Contact*>> byFirstContact() const
    {
        std::vector<std::pair<const Target*, const Contact*>> v;
        v.reserve(contacts.size());
        for (const auto& [t, c] : contacts)
            v.emplace_back(&t, &c);
        std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second->firstMs < b.second->firstMs; });
        return v;
    }
};

// The walk of the Threshold Random Walk over first contacts in time order: each failure adds
// log((1-theta1)/(1-theta0)), each success log(theta1/theta0). The walk is floored at the benign
// threshold (a host that proved itself benign starts again from there, so a later scan is still
// seen) and its highest point is the evidence.
double trwPeak(const std::vector<std::pair<const Target*, const Contact*>>& order, const PortScanDetector::Parameters& p)
{
    const double up = std::log((1 - p.trwScannerSuccess) / (1 - p.trwBenignSuccess));
    const double down = std::log(p.trwScannerSuccess / p.trwBenignSuccess);
    const double floor = std::log((1 - p.trwDetection) / (1 - p.trwFalseAlarm));
    double llr = 0, peak = 0;
    for (const auto& [t, c] : order) {
        llr = std::max(floor, llr + (c->succeeded ? down : up));
        peak = std::max(peak, llr);
    }
    return peak;
}

struct Burst {
    size_t failed = 0; // targets first contacted in the window that never answered
    size_t contacted = 0;
    int64_t startMs = 0;
    int64_t endMs = 0;
};

// The window of first contacts with the most targets that never answered.
Burst densestFailures(const std::vector<std::pair<const Target*, const Contact*>>& order, int64_t windowMs)
{
    Burst best;
    size_t left = 0, failedIn = 0;
    for (size_t right = 0; right < order.size(); ++right) {
        failedIn += order[right].second->succeeded ? 0 : 1;
        while (order[right].second->firstMs - order[left].second->firstMs > windowMs) {
            failedIn -= order[left].second->succeeded ? 0 : 1;
            ++left;
        }
        if (failedIn > best.failed) {
            // The burst runs from its first unanswered target to its last (this one).
            size_t from = left;
            while (order[from].second->succeeded)
                ++from;
            best = {failedIn, right - from + 1, order[from].second->firstMs, order[right].second->firstMs};
        }
    }
    return best;
}

// log-scaled breadth: `low` targets score 0, `high` or more score 1.
double breadthScore(size_t n, double low, double high)
{
    return clamp01(std::log(double(n) / low) / std::log(high / low));
}

// 1 per minute -> 0, 100 per minute -> 1: a fast sweep is more clearly a scan than the same
// count spread over a day (slow scans are carried by breadth and the sequential test).
double rateScore(double perSecond) { return clamp01(std::log10(std::max(perSecond * 60, 1.0)) / 2); }

constexpr double kBurstMaxScore = 64.9; // medium at most

} // namespace

std::vector<Finding> PortScanDetector::run(const DetectionContext& ctx, const std::atomic_bool& cancel) const
{
    // One client at a time (its conversations in start order): failed attempts per group, then
    // every attempt (answered ones included) of the groups with enough failures. Memory stays
    // with the client at hand, whatever the number of clients and groups in the capture.
    const size_t minFailed = size_t(std::max(1, std::min(m_params.minFailedTargets, m_params.minBurstFailedTargets)));
    std::vector<std::pair<GroupKey, Attempts>> groups; // the client's
    std::unordered_map<uint64_t, uint32_t> failedCount;
    const auto scannable = [](const Conversation& c) {
        return c.protocol == IpProtocol::Tcp || c.protocol == IpProtocol::Udp;
    };
    const double trwThreshold = std::log(m_params.trwDetection / m_params.trwFalseAlarm);
    std::vector<std::pair<GroupKey, Finding>> scored;
    const auto judge = [&](const GroupKey& key, Attempts& a) {
        a.sortContacts(ctx);
        const size_t failedTargets = a.failedTargets();
        const double failedShare = double(a.failed) / double(std::max<uint64_t>(a.attempts, 1));
        const auto order = a.byFirstContact();
        const bool broad = int(failedTargets) >= m_params.minFailedTargets && failedShare >= m_params.minFailedShare;
        const Burst burst = densestFailures(order, m_params.burstWindowMs);
        const bool bursty = int(burst.failed) >= m_params.minBurstFailedTargets
            && double(burst.failed) >= m_params.minBurstFailedShare * double(burst.contacted);
        if ((!broad && !bursty) || a.failedStarts.empty())
            return;
        a.settleWindow();

        const double trw = trwPeak(order, m_params);
        const double trwScore = clamp01(trw / (2 * trwThreshold));
        // A burst is judged by its own window: its breadth against the burst threshold, its share
        // of failures and its rate.
        const double breadth = !broad ? breadthScore(burst.failed, m_params.minBurstFailedTargets / 2.0, 40)
            : key.vertical            ? breadthScore(failedTargets, 5, 100)
                                      : breadthScore(failedTargets, 5, 200);
        const double shareScore = broad ? failedShare : double(burst.failed) / double(burst.contacted);
        const double seconds = std::max(1.0, double(a.lastMs - a.firstMs) / 1000);
        const double rate = broad ? double(failedTargets) / seconds
                                  : double(burst.failed) / std::max(1.0, double(burst.endMs - burst.startMs) / 1000);
        const double rs = rateScore(rate);
        double score = 100 * (0.35 * breadth + 0.25 * shareScore + 0.25 * trwScore + 0.15 * rs);
        if (!broad)
            score = std::min(score, kBurstMaxScore);

        Finding f;
        f.type = "port_scan";
        f.subtype = key.vertical ? "vertical" : "horizontal";
        f.score = std::round(score * 10) / 10;
        f.severity = severityForScore(f.score);
        f.src = key.client;
        f.protocol = key.proto;
        f.startMs = broad ? a.firstMs : burst.startMs;
        f.endMs = broad ? a.lastMs : burst.endMs;
        f.attack = {"T1046"};
        f.evidence = {{"attempts", a.attempts},
                      {"failed_attempts", a.failed},
                      {"failed_share", round3(failedShare)},
                      {"targets", a.contacts.size()},
                      {"failed_targets", failedTargets},
                      {"duration_s", std::round(seconds * 10) / 10},
                      {"failed_targets_per_min", std::round(double(failedTargets) / seconds * 600) / 10},
                      {"trw_log_likelihood_ratio", std::round(trw * 100) / 100},
                      {"trw_scanner_threshold", std::round(trwThreshold * 100) / 100},
                      {"score_parts",
                       {{"breadth", round3(breadth)},
                        {"failed_share", round3(shareScore)},
                        {"sequential_test", round3(trwScore)},
                        {"rate", round3(rs)}}}};
        if (bursty)
            f.evidence["burst"] = {{"failed_targets", burst.failed},
                                   {"targets_first_contacted", burst.contacted},
                                   {"window_s", std::round(double(burst.endMs - burst.startMs) / 100) / 10}};
        const std::string proto = TextFormat::protocolName(key.proto);
        const std::string how = broad ? " failed attempts in " + TextFormat::humanDuration(f.evidence["duration_s"].get<double>())
                                      : " failed attempts, " + std::to_string(burst.failed) + " of "
                + std::to_string(burst.contacted) + " new targets unanswered within "
                + TextFormat::humanDuration(double(burst.endMs - burst.startMs) / 1000);
        if (!key.vertical) {
            f.dst.reserve(failedTargets);
            for (const auto& [t, c] : a.contacts)
                if (c.failed)
                    f.dst.push_back(t.host);
            f.dstPorts = {key.port};
            f.evidence["answering_hosts"] = a.answeringHosts.size();
            f.id = "port_scan:h:" + key.client.toString() + ">" + std::to_string(key.port) + "/" + proto;
            f.filter = "src host " + key.client.toString() + " and dst port " + std::to_string(key.port) + " and proto " + proto;
            f.summary = key.client.toString() + " probed " + proto + "/" + std::to_string(key.port) + " on "
                + std::to_string(failedTargets) + " hosts (" + std::to_string(a.failed) + how + ")";
        } else {
            f.dst = {key.server};
            for (const auto& [t, c] : a.contacts)
                if (c.failed)
                    f.dstPorts.push_back(t.port);
            f.evidence["ports_answered_open"] = std::vector<uint16_t>(a.openPorts.begin(), a.openPorts.end());
            f.evidence["port_range"] = {a.contacts.begin()->first.port, a.contacts.rbegin()->first.port};
            f.id = "port_scan:v:" + key.client.toString() + ">" + key.server.toString() + "/" + proto;
            f.filter = "src host " + key.client.toString() + " and dst host " + key.server.toString() + " and proto " + proto;
            f.summary = key.client.toString() + " probed " + std::to_string(a.contacts.size()) + " " + proto + " ports on "
                + key.server.toString() + " (" + std::to_string(a.failed) + how + ", "
                + std::to_string(a.openPorts.size()) + " answered as open)";
        }
        if (!broad)
            f.summary += " [short burst: medium at most]";
        scored.emplace_back(key, std::move(f));
    };
    for (uint32_t client = 0; client < ctx.addresses.size(); ++client) {
        if ((client & 0xfff) == 0 && cancel.load(std::memory_order_relaxed))
            return {};
        const auto [first, last] = ctx.byClient(client);
        failedCount.clear();
        for (const uint32_t* i = first; i != last; ++i) {
            const Conversation& c = ctx.conversations[*i];
            if (!scannable(c) || !c.failedAttempt())
                continue;
            ++failedCount[horizontalKey(c)];
            ++failedCount[verticalKey(c)];
        }
        groups.clear();
        for (auto& [key, n] : failedCount) {
            if (n < minFailed) {
                n = UINT32_MAX;
                continue;
            }
            n = uint32_t(groups.size()); // from here on: the group's index
            const bool vertical = key >> 63;
            GroupKey k{ctx.address(client), vertical ? ctx.address(uint32_t(key)) : IpAddress(),
                       vertical ? uint16_t(0) : uint16_t(key & 0xffff), uint8_t(vertical ? key >> 32 : key >> 16), vertical};
            groups.emplace_back(k, Attempts{});
            groups.back().second.vertical = vertical;
        }
        if (groups.empty())
            continue;
        for (const uint32_t* i = first; i != last; ++i) {
            const Conversation& c = ctx.conversations[*i];
            if (!scannable(c))
                continue;
            for (const uint64_t k : {horizontalKey(c), verticalKey(c)}) {
                auto it = failedCount.find(k);
                if (it != failedCount.end() && it->second != UINT32_MAX)
                    groups[it->second].second.add(c);
            }
        }
        for (auto& [key, attempts] : groups)
            judge(key, attempts);
    }
    if (cancel.load())
        return {};
    // Deterministic output order, whatever the hash maps' and the address ids'.
    std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
        return std::tie(a.first.vertical, a.first.client, a.first.proto, a.first.port, a.first.server)
            < std::tie(b.first.vertical, b.first.client, b.first.proto, b.first.port, b.first.server);
    });
    std::vector<Finding> findings;
    for (auto& [key, f] : scored)
        findings.push_back(std::move(f));
    scored = {};
    if (cancel.load())
        return {};
    std::vector<Finding> spread = distributed(ctx, cancel);
    std::move(spread.begin(), spread.end(), std::back_inserter(findings));
    return findings;
}

namespace {

// Ports of the two protocols scanned, as one index.
size_t portSlot(uint8_t protocol, uint16_t port) { return size_t(protocol == IpProtocol::Udp) << 16 | port; }

struct Episode {
    uint8_t proto;
    uint16_t port;
    int64_t startMs;
    int64_t endMs;
    // AddressBook ids: hashed, not compared byte by byte (windows hold up to millions of probes).
    std::unordered_map<uint32_t, std::unordered_set<uint32_t>> targetsOfSource;
    std::unordered_set<uint32_t> targets;
    std::unordered_set<uint32_t> refusing;
    uint64_t failed = 0;
    uint64_t attempts = 0; // by the episode's sources on the port in the window, answered or not
};

} // namespace

std::vector<Finding> PortScanDetector::distributed(const DetectionContext& ctx, const std::atomic_bool& cancel) const
{
    // Every port's attempts and failures; then the failed attempts of the ports with enough of
    // them, grouped by port in time order (a counting sort of conversation indexes: 4 bytes per
    // failed attempt instead of a vector of probes per port).
    const size_t slots = size_t(2) << 16;
    std::vector<std::pair<uint64_t, uint64_t>> portTotals(slots); // attempts, failed
    const auto scannable = [](const Conversation& c) {
        return c.protocol == IpProtocol::Tcp || c.protocol == IpProtocol::Udp;
    };
    for (const Conversation& c : ctx.conversations) {
        if (!scannable(c))
            continue;
        auto& totals = portTotals[portSlot(c.protocol, c.serverPort)];
        ++totals.first;
        if (c.failedAttempt())
            ++totals.second;
    }
    std::vector<uint32_t> offsets(slots + 1, 0);
    for (size_t k = 0; k < slots; ++k)
        offsets[k + 1] = offsets[k]
            + (portTotals[k].second >= uint64_t(m_params.minDistributedTargets) ? uint32_t(portTotals[k].second) : 0);
    std::vector<uint32_t> failedOrder(offsets[slots]);
    {
        std::vector<uint32_t> next(offsets.begin(), offsets.end() - 1);
        for (uint32_t i = 0; i < ctx.conversations.size(); ++i) {
            const Conversation& c = ctx.conversations[i];
            if (!scannable(c) || !c.failedAttempt())
                continue;
            const size_t k = portSlot(c.protocol, c.serverPort);
            if (offsets[k + 1] > offsets[k])
                failedOrder[next[k]++] = i;
        }
    }
    std::vector<uint32_t> ports;
    for (size_t k = 0; k < slots; ++k)
        if (offsets[k + 1] > offsets[k])
            ports.push_back(uint32_t(k));

    std::vector<Episode> episodes;
    // The port's failed attempts as conversation indexes (4 bytes each; the busiest port of a
    // one-way capture has millions), read through probe().
    std::vector<uint32_t> probes;
    const auto probe = [&](size_t i) -> const Conversation& { return ctx.conversations[probes[i]]; };
    for (uint32_t k : ports) {
        if (cancel.load())
            return {};
        probes.assign(failedOrder.begin() + offsets[k], failedOrder.begin() + offsets[k + 1]);
        const uint8_t protocol = (k >> 16) ? IpProtocol::Udp : IpProtocol::Tcp;
        const uint16_t port = uint16_t(k & 0xffff);
        // Up to a few episodes per port: the window with the most targets, then the next one
        // among the remaining probes.
        for (int round = 0; round < 4 && probes.size() >= size_t(m_params.minDistributedTargets); ++round) {
            std::unordered_map<uint32_t, int> targetCount, sourceCount;
            size_t left = 0, bestLeft = 0, bestRight = 0, bestTargets = 0;
            for (size_t right = 0; right < probes.size(); ++right) {
                ++targetCount[probe(right).server];
                ++sourceCount[probe(right).client];
                while (probe(right).startMs - probe(left).startMs > m_params.distributedWindowMs) {
                    if (--targetCount[probe(left).server] == 0)
                        targetCount.erase(probe(left).server);
                    if (--sourceCount[probe(left).client] == 0)
                        sourceCount.erase(probe(left).client);
                    ++left;
                }
                if (targetCount.size() > bestTargets && int(sourceCount.size()) >= m_params.minDistributedSources) {
                    bestTargets = targetCount.size();
                    bestLeft = left;
                    bestRight = right;
                }
            }
            if (int(bestTargets) < m_params.minDistributedTargets)
                break;
            {
                // Cheap first look at the port's other failures (exact check below, with the
                // window's answered attempts): this one only ever skips what that one would.
                const auto& totals = portTotals[k];
                const uint64_t inWindow = bestRight - bestLeft + 1;
                const uint64_t otherAttempts = totals.first - std::min<uint64_t>(totals.first, inWindow);
                const uint64_t otherFailed = totals.second - std::min<uint64_t>(totals.second, inWindow);
                if (otherAttempts >= uint64_t(m_params.minDistributedTargets)
                    && double(otherFailed) > m_params.maxBackgroundFailedShare * double(otherAttempts))
                    break;
            }
            Episode e{protocol, port, probe(bestLeft).startMs, probe(bestRight).startMs, {}, {}, {}, 0, 0};
            for (size_t i = bestLeft; i <= bestRight; ++i) {
                const Conversation& c = probe(i);
                const uint32_t dst = c.server;
                e.targetsOfSource[c.client].insert(dst);
                e.targets.insert(dst);
                if (c.answered()) // refused (RST) rather than silent
                    e.refusing.insert(dst);
                ++e.failed;
            }
            probes.erase(probes.begin() + std::ptrdiff_t(bestLeft), probes.begin() + std::ptrdiff_t(bestRight) + 1);
            size_t top = 0;
            for (const auto& [s, t] : e.targetsOfSource)
                top = std::max(top, t.size());
            // One source covering most targets is a scan of its own (reported as horizontal).
            if (double(top) > m_params.maxSingleSourceShare * double(e.targets.size()))
                continue;
            episodes.push_back(std::move(e));
        }
    }
    failedOrder = {};
    if (episodes.empty())
        return {};

    // Every attempt (answered too) of the episode's sources on its port in its window.
    for (Episode& e : episodes) {
        auto it = std::lower_bound(ctx.conversations.begin(), ctx.conversations.end(), e.startMs,
                                   [](const Conversation& c, int64_t t) { return c.startMs < t; });
        for (; it != ctx.conversations.end() && it->startMs <= e.endMs; ++it)
            if (it->protocol == e.proto && it->serverPort == e.port && e.targetsOfSource.count(it->client))
                ++e.attempts;
    }

    std::vector<Finding> findings;
    for (const Episode& e : episodes) {
        const double failedShare = double(e.failed) / double(std::max(e.attempts, e.failed));
        if (failedShare < m_params.minDistributedFailedShare)
            continue;
        const auto& totals = portTotals[portSlot(e.proto, e.port)];
        const uint64_t otherAttempts = totals.first - std::min(totals.first, std::max(e.attempts, e.failed));
        const uint64_t otherFailed = totals.second - std::min(totals.second, e.failed);
        const double backgroundShare = otherAttempts >= uint64_t(m_params.minDistributedTargets)
            ? double(otherFailed) / double(otherAttempts) : 0.0;
        if (backgroundShare > m_params.maxBackgroundFailedShare)
            continue;
        std::vector<double> perSource;
        size_t top = 0;
        for (const auto& [s, t] : e.targetsOfSource) {
            perSource.push_back(double(t.size()));
            top = std::max(top, t.size());
        }
        const double seconds = std::max(1.0, double(e.endMs - e.startMs) / 1000);
        const double breadth = breadthScore(e.targets.size(), 10, 200);
        const double sources = breadthScore(e.targetsOfSource.size(), double(m_params.minDistributedSources), 50);
        const double rs = rateScore(double(e.targets.size()) / seconds);
        const double score = 100 * (0.4 * breadth + 0.2 * sources + 0.25 * failedShare + 0.15 * rs);
        const std::string proto = TextFormat::protocolName(e.proto);

        Finding f;
        f.type = "port_scan";
        f.subtype = "distributed";
        f.score = std::round(score * 10) / 10;
        f.severity = severityForScore(f.score);
        for (const uint32_t t : e.targets)
            f.dst.push_back(ctx.address(t));
        std::sort(f.dst.begin(), f.dst.end());
        f.dstPorts = {e.port};
        f.protocol = e.proto;
        f.startMs = e.startMs;
        f.endMs = e.endMs;
        f.attack = {"T1046"};
        std::vector<IpAddress> sourceAddresses; // listed in address order
        for (const auto& [s, t] : e.targetsOfSource)
            sourceAddresses.push_back(ctx.address(s));
        std::sort(sourceAddresses.begin(), sourceAddresses.end());
        std::vector<std::string> srcList;
        for (const IpAddress& a : sourceAddresses)
            if (srcList.size() < m_params.maxListedSources)
                srcList.push_back(a.toString());
        f.evidence = {{"sources", srcList},
                      {"source_count", e.targetsOfSource.size()},
                      {"targets", e.targets.size()},
                      {"refusing_targets", e.refusing.size()},
                      {"failed_attempts", e.failed},
                      {"attempts", e.attempts},
                      {"failed_share", round3(failedShare)},
                      {"port_failed_share_outside", round3(backgroundShare)},
                      {"duration_s", std::round(seconds * 10) / 10},
                      {"targets_per_source_median", RobustStats::median(perSource)},
                      {"targets_of_top_source", top},
                      {"score_parts",
                       {{"breadth", round3(breadth)},
                        {"sources", round3(sources)},
                        {"failed_share", round3(failedShare)},
                        {"rate", round3(rs)}}}};
        f.id = "port_scan:d:" + std::to_string(e.port) + "/" + proto + "@" + std::to_string(e.startMs);
        f.filter = "dst port " + std::to_string(e.port) + " and proto " + proto;
        f.summary = std::to_string(e.targetsOfSource.size()) + " sources probed " + proto + "/" + std::to_string(e.port)
            + " on " + std::to_string(e.targets.size()) + " hosts within " + TextFormat::humanDuration(seconds) + " ("
            + TextFormat::fixed(RobustStats::median(perSource), 0) + " hosts per source, at most " + std::to_string(top)
            + "): a distributed scan";
        findings.push_back(std::move(f));
    }
    return findings;
}
