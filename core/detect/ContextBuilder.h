#pragma once

#include "detect/CompactFlow.h"
#include "detect/ConversationBuilder.h"
#include "detect/DetectionContext.h"
#include "detect/FlowDeduplicator.h"
#include "model/FlowRecord.h"

#include <vector>

// Builds a DetectionContext from flow records fed in start-time order, one at a
// time, keeping no record: each is deduplicated, scaled by its sampling rate,
// joined into its conversation and summed into the traffic volumes.
class ContextBuilder final {
public:
    // startMs/endMs: the time span of the flows (the volume buckets cover it).
    ContextBuilder(const DetectionSettings& settings, int64_t startMs, int64_t endMs, size_t expectedFlows = 0);

    // The compact form of a record (interning its addresses and source), for
    // readers that reorder records before add().
    CompactFlow compact(const FlowRecord& f);
    void add(const CompactFlow& raw);
    void add(const FlowRecord& f) { add(compact(f)); }
    DetectionContext finish();

private:
    struct Source {
        int64_t importId;
        IpAddress exporter;
        uint16_t exporterPort;
        uint32_t domain;
        bool operator==(const Source&) const = default;
    };
    bool tracksVolumeOf(uint32_t dst);

    DetectionContext m_ctx;
    ConversationBuilder m_conversations;
    FlowDeduplicator m_dedup;
    std::vector<Source> m_sources;
    size_t m_lastSource = 0;
    std::vector<int8_t> m_volumeCandidate; // per address: -1 unknown, 0 no, 1 yes
    bool m_mayInferIpv6 = false;
};
