#pragma once

#include "analysis/DetectionSettings.h"
#include "detect/Conversation.h"
#include "model/FlowRecord.h"

#include <cstdint>
#include <vector>

// Everything the detectors read, built once per analysis.
struct DetectionContext {
    DetectionSettings settings;
    std::vector<FlowRecord> flows;           // ordered by start time
    std::vector<Conversation> conversations; // ordered by start time
    int64_t startMs = 0;
    int64_t endMs = 0;
    uint64_t duplicateRecords = 0; // records another exporter (or import) already reported: left out
};
