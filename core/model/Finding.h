#pragma once

#include "model/IpAddress.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

enum class Severity { Info = 0, Low = 1, Medium = 2, High = 3, Critical = 4 };

const char* severityName(Severity s);
Severity severityFromName(std::string_view name);
// Severity bands over the 0-100 score, shared by every detector.
Severity severityForScore(double score);

// One thing an analyst should look at, with the evidence behind it.
struct Finding {
    std::string id;   // stable within a run: type + entities
    std::string type; // "beacon", "port_scan", "exfiltration", "volumetric"
    std::string subtype; // e.g. "horizontal", "vertical", "destination", "network"
    Severity severity = Severity::Info;
    double score = 0; // 0-100
    std::optional<IpAddress> src;
    std::vector<IpAddress> dst;
    std::vector<uint16_t> dstPorts;
    uint8_t protocol = 0;
    int64_t startMs = 0;
    int64_t endMs = 0;
    std::string summary;
    nlohmann::json evidence = nlohmann::json::object(); // figures, incl. "score_parts"
    std::vector<std::string> attack; // MITRE ATT&CK technique ids
    std::string filter; // nfdump-style expression selecting the finding's flows
};

// Priority order: score, then severity, then time.
bool findingPriorityLess(const Finding& a, const Finding& b);
