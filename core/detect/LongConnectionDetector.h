#pragma once

#include "detect/Detector.h"
#include "detect/DetectorParameters.h"

// Long-lived connections (ATT&CK T1071, T1571): a session between an internal
// and an external host that stays open for hours, as interactive C2, reverse
// shells and tunnels do. Scored by duration (log scale from the threshold),
// how much of the observed time it covers, and how few internal hosts hold
// such sessions with the same peer (a VPN concentrator or push service that
// every host keeps open is less telling).
class LongConnectionDetector final : public Detector {
public:
    using Parameters = LongConnectionParameters;

    LongConnectionDetector() = default;
    explicit LongConnectionDetector(Parameters p) : m_params(p) {}
    std::string name() const override { return "long_connection"; }
    std::vector<Finding> run(const DetectionContext& context, const std::atomic_bool& cancel) const override;

private:
    Parameters m_params;
};
