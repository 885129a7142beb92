#pragma once

#include "analysis/DetectionSettings.h"
#include "model/Finding.h"

#include <string>
#include <vector>

// One host with everything found about it.
struct HostScore {
    IpAddress host;
    double score = 0; // combined: 100 * (1 - prod(1 - s_i / 100)) over its findings
    Severity severity = Severity::Info;
    std::vector<std::string> findingIds; // in priority order
    std::vector<std::string> types;      // distinct finding types
};

// The host view: internal hosts ranked by the combined score of their
// findings, so that a host with a beacon, a scan and an upload outranks one
// with a single finding of the same strength. Findings rated info (allowlisted
// or too weak) do not count.
class HostRanking final {
public:
    static std::vector<HostScore> rank(const std::vector<Finding>& findings, const DetectionSettings& settings);
};
