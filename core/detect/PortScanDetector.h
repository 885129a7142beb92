#pragma once

#include "detect/Detector.h"
#include "detect/DetectorParameters.h"

// Network service discovery (ATT&CK T1046): one source trying one port on many
// hosts (horizontal) or many ports on one host (vertical). Only failed attempts
// count towards a scan, so a busy client that talks to many servers is not one.
class PortScanDetector final : public Detector {
public:
    using Parameters = PortScanParameters;

    PortScanDetector() = default;
    explicit PortScanDetector(Parameters p) : m_params(p) {}
    std::string name() const override { return "port_scan"; }
    std::vector<Finding> run(const DetectionContext& context, const std::atomic_bool& cancel) const override;

private:
    Parameters m_params;
};
