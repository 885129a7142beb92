#pragma once

#include "model/Finding.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

class FlowStore;

// The findings report that other tools read: {"metadata": {...}, "findings": [...]}.
// Field names are a contract; add fields, never rename them.
class JsonReport final {
public:
    static nlohmann::json findingToJson(const Finding& finding);
    static nlohmann::json build(const FlowStore& store, const std::vector<Finding>& findings);
    // Writes the report; false with error (naming the path) on failure.
    static bool writeFile(const FlowStore& store, const std::vector<Finding>& findings, const std::string& path,
                          std::string& error);
};
