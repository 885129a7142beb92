#pragma once

#include "analysis/DetectionSettings.h"
#include "detect/DetectionContext.h"
#include "detect/Detector.h"
#include "model/Finding.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

class FlowStore;

// Runs every detector over a case: loads the flows once, builds
// conversations, runs the detectors in parallel and ranks their findings.
class DetectorEngine final {
public:
    using Progress = std::function<void(const std::string& stage)>;

    // All built-in detectors, with these thresholds (settings.thresholds of an analysis).
    explicit DetectorEngine(const DetectorThresholds& thresholds = {});
    explicit DetectorEngine(std::vector<std::unique_ptr<Detector>> detectors);

    static DetectionContext buildContext(const FlowStore& store, const DetectionSettings& settings,
                                         const std::atomic_bool& cancel);
    // Findings sorted by priority, highest first. Empty when cancelled.
    std::vector<Finding> run(const DetectionContext& context, const std::atomic_bool& cancel,
                             const Progress& progress = {}) const;

    // Allowlist rules rate matching findings info (kept, with the rule named).
    static bool suppresses(const SuppressionRule& rule, const Finding& finding);
    static void applySuppressions(const std::vector<SuppressionRule>& rules, std::vector<Finding>& findings);

private:
    std::vector<std::unique_ptr<Detector>> m_detectors;
};
