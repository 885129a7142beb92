#pragma once

#include "detect/Detector.h"
#include "detect/DetectorParameters.h"

// Exfiltration over C2 or other channels (ATT&CK T1041, T1048): an internal
// host sending far more to one external destination than its peers send to
// theirs and than it sends anywhere else, mostly uploading (producer/consumer
// ratio), to a rare destination.
class ExfiltrationDetector final : public Detector {
public:
    using Parameters = ExfiltrationParameters;

    ExfiltrationDetector() = default;
    explicit ExfiltrationDetector(Parameters p) : m_params(p) {}
    std::string name() const override { return "exfiltration"; }
    std::vector<Finding> run(const DetectionContext& context, const std::atomic_bool& cancel) const override;

private:
    Parameters m_params;
};
