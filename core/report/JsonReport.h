#pragma once

#include "detect/DetectionContext.h"
#include "model/Finding.h"
#include "model/Verdict.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

class FlowStore;

// The findings report that other tools read: {"metadata": {...}, "findings": [...],
// "hosts": [...]}. Field names are a contract (resources/schema/report.schema.json);
// add fields, never rename them.
struct JsonReportOptions {
    bool temporaryCase = false;        // the case is deleted after the run: no path to report
    // How the analysis ran (configuration, networks, duplicates...); null: as stored in the case.
    nlohmann::json analysis = nullptr;
    std::string analyst; // who wrote the report (flowsift-cli report --analyst); empty: not stated
};

class JsonReport final {
public:
    using Options = JsonReportOptions;
    static constexpr size_t kIssuesPerInput = 20;
    static constexpr size_t kHostsListed = 100;

    static nlohmann::json findingToJson(const Finding& finding);
    // {"status": "none"|"confirmed"|"false_positive"|"needs_review", "comment", "analyst", "updated"}.
    static nlohmann::json verdictToJson(const Verdict* verdict);
    // How an analysis ran: its configuration, internal networks (given and learnt), what was analysed.
    static nlohmann::json describeAnalysis(const DetectionContext& context);
    static nlohmann::json build(const FlowStore& store, const std::vector<Finding>& findings,
                                const Options& options = Options());
    // Writes the report ("-": standard output); false with error (naming the path) on failure.
    static bool writeFile(const FlowStore& store, const std::vector<Finding>& findings, const std::string& path,
                          std::string& error, const Options& options = Options());
};
