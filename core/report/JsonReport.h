#pragma once

#include "model/Finding.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

class FlowStore;

// The findings report that other tools read: {"metadata": {...}, "findings": [...]}.
// Field names are a contract; add fields, never rename them.
struct JsonReportOptions {
    bool temporaryCase = false;        // the case is deleted after the run: no path to report
    nlohmann::json analysis = nullptr; // how the analysis ran (networks, duplicates...), if known
};

class JsonReport final {
public:
    using Options = JsonReportOptions;
    static constexpr size_t kIssuesPerInput = 20;

    static nlohmann::json findingToJson(const Finding& finding);
    static nlohmann::json build(const FlowStore& store, const std::vector<Finding>& findings,
                                const Options& options = Options());
    // Writes the report ("-": standard output); false with error (naming the path) on failure.
    static bool writeFile(const FlowStore& store, const std::vector<Finding>& findings, const std::string& path,
                          std::string& error, const Options& options = Options());
};
