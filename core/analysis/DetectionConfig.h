#pragma once

#include "analysis/DetectionSettings.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

// The detection configuration file: every threshold, the allowlist rules,
// internal networks and indicator lists, as one JSON object (comments
// allowed). Keys left out keep their defaults; unknown keys are errors, so a
// misspelt threshold is never silently ignored. docs/detection-config.md
// lists the keys; `flowsift-cli config` prints the defaults. Every report
// records the configuration its analysis ran with (toJson).
class DetectionConfig final {
public:
    static nlohmann::json toJson(const DetectionSettings& settings);
    // The settings an analysis ran with, from the record stored with its
    // findings (FlowStore::analysis(): configuration and the internal networks
    // learnt from the traffic); defaults where the record says nothing.
    static DetectionSettings fromAnalysis(const nlohmann::json& analysis);
    // Applies the keys of config over settings. where names the source in errors.
    static bool apply(const nlohmann::json& config, DetectionSettings& settings, const std::string& where,
                      std::string& error);
    // Reads and applies a file; relative indicator_files are taken from the file's folder.
    static bool applyFile(const std::string& path, DetectionSettings& settings, std::string& error);
    // Reads settings.indicatorFiles into settings.indicators (after the inline ones).
    // Lines that are not addresses are reported in problems; false when a file cannot be read.
    static bool loadIndicatorFiles(DetectionSettings& settings, std::vector<std::string>& problems,
                                   std::string& error);
};
