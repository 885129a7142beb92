#pragma once

#include "detect/Detector.h"
#include "detect/DetectorParameters.h"

// Command-and-control beaconing (ATT&CK T1071, T1573): an internal host
// connecting to one external host at regular intervals with similar sizes.
// Scoring follows RITA's idea (Bowley skew and MAD of the intervals, size
// consistency) and adds tolerance for missed beats, several connections per
// beat, and a prevalence check for destinations most hosts talk to.
class BeaconDetector final : public Detector {
public:
    using Parameters = BeaconParameters;

    BeaconDetector() = default;
    explicit BeaconDetector(Parameters p) : m_params(p) {}
    std::string name() const override { return "beacon"; }
    std::vector<Finding> run(const DetectionContext& context, const std::atomic_bool& cancel) const override;

private:
    Parameters m_params;
};
