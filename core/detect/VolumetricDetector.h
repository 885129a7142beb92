#pragma once

#include "detect/Detector.h"
#include "detect/DetectorParameters.h"

// Volumetric anomalies (ATT&CK T1498, T1499): packets and flows per time bucket
// against a robust baseline (median and MAD of the same series), per internal
// destination (floods against one host) and network-wide.
class VolumetricDetector final : public Detector {
public:
    using Parameters = VolumetricParameters;

    VolumetricDetector() = default;
    explicit VolumetricDetector(Parameters p) : m_params(p) {}
    std::string name() const override { return "volumetric"; }
    std::vector<Finding> run(const DetectionContext& context, const std::atomic_bool& cancel) const override;

private:
    Parameters m_params;
};
