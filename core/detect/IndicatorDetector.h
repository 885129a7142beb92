#pragma once

#include "detect/Detector.h"

// Matches every flow against the user's indicator list (known-bad addresses
// and networks, DetectionSettings::indicators): one finding per indicator
// seen, naming the internal hosts that talked to it, in which direction, and
// whether anything beyond failed attempts was exchanged.
class IndicatorDetector final : public Detector {
public:
    std::string name() const override { return "indicator"; }
    std::vector<Finding> run(const DetectionContext& context, const std::atomic_bool& cancel) const override;
};
