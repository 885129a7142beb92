#include "detect/HostRanking.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

std::vector<HostScore> HostRanking::rank(const std::vector<Finding>& findings, const DetectionSettings& settings)
{
    struct Acc {
        double keep = 1; // prod(1 - s_i / 100)
        HostScore score;
    };
    std::map<IpAddress, Acc> hosts;
    std::vector<Finding> ordered = findings;
    std::sort(ordered.begin(), ordered.end(), findingPriorityLess);
    for (const Finding& f : ordered) {
        if (f.severity == Severity::Info)
            continue;
        // The internal host a finding is about: its actor (src) when that is
        // internal; otherwise its one internal target (a flood's victim, a host an
        // outsider beacons into). A scan's hundred targets are not suspects.
        std::optional<IpAddress> entity;
        if (f.src && settings.isInternal(*f.src))
            entity = *f.src;
        else if (f.dst.size() == 1 && settings.isInternal(f.dst.front()))
            entity = f.dst.front();
        if (entity) {
            const IpAddress& h = *entity;
            Acc& a = hosts[h];
            a.score.host = h;
            a.keep *= 1 - std::clamp(f.score, 0.0, 100.0) / 100;
            a.score.findingIds.push_back(f.id);
            if (std::find(a.score.types.begin(), a.score.types.end(), f.type) == a.score.types.end())
                a.score.types.push_back(f.type);
        }
    }
    std::vector<HostScore> out;
    out.reserve(hosts.size());
    for (auto& [host, a] : hosts) {
        a.score.score = std::round(1000 * (1 - a.keep)) / 10;
        a.score.severity = severityForScore(a.score.score);
        out.push_back(std::move(a.score));
    }
    std::stable_sort(out.begin(), out.end(), [](const HostScore& a, const HostScore& b) {
        return a.score != b.score ? a.score > b.score : a.findingIds.size() > b.findingIds.size();
    });
    return out;
}
