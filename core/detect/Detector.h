#pragma once

#include "detect/DetectionContext.h"
#include "model/Finding.h"

#include <atomic>
#include <string>
#include <vector>

// One kind of detection. Detectors are independent and run in parallel over
// the same read-only context.
class Detector {
public:
    virtual ~Detector() = default;
    virtual std::string name() const = 0;
    virtual std::vector<Finding> run(const DetectionContext& context, const std::atomic_bool& cancel) const = 0;
};
