#pragma once

#include "analysis/DetectionSettings.h"

class FlowStore;

// The settings a case was analysed with (configuration and the internal
// networks learnt from its traffic), so that views mark hosts internal or
// external as the findings did. Defaults when the case holds no analysis.
struct CaseSettings {
    static DetectionSettings read(const FlowStore& store);
};
