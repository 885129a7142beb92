#pragma once

#include "detect/Detector.h"
#include "detect/DetectorParameters.h"

// Network service discovery (ATT&CK T1046): one source trying one port on many
// hosts (horizontal) or many ports on one host (vertical), and many sources
// sharing out one target set on one port in a short window (distributed).
// Failed attempts carry the evidence (unanswered, refused, or a half-open
// SYN/SYN-ACK torn down), so a busy client that talks to many servers is not
// a scan. Slow scans are caught by counting over the whole capture and by a
// sequential test on first contacts (Threshold Random Walk, Jung et al. 2004):
// a scanner's first contacts mostly fail, a client's mostly succeed, however
// slowly either comes.
class PortScanDetector final : public Detector {
public:
    using Parameters = PortScanParameters;

    PortScanDetector() = default;
    explicit PortScanDetector(Parameters p) : m_params(p) {}
    std::string name() const override { return "port_scan"; }
    std::vector<Finding> run(const DetectionContext& context, const std::atomic_bool& cancel) const override;

private:
    std::vector<Finding> distributed(const DetectionContext& context, const std::atomic_bool& cancel) const;

    Parameters m_params;
};
