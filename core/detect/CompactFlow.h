#pragma once

#include <cstdint>

// A flow record as the analysis reads it, in 72 bytes instead of a FlowRecord's
// 176: addresses as AddressBook ids, the exporter and import as one source id,
// no rarer fields. Counters are raw (as exported); scaled() applies sampling.
struct CompactFlow {
    int64_t startMs = 0;
    int64_t endMs = 0;
    uint64_t bytes = 0;
    uint64_t packets = 0;
    uint64_t revBytes = 0;
    uint64_t revPackets = 0;
    uint32_t src = 0;
    uint32_t dst = 0;
    uint32_t samplingRate = 1;
    uint32_t source = 0; // which exporter in which import reported it (FlowDeduplicator)
    uint16_t srcPort = 0;
    uint16_t dstPort = 0;
    uint8_t protocol = 0;
    uint8_t tcpFlags = 0;
    uint8_t connState = 0;

    // Counters as the network carried them (1 in N packets sampled).
    CompactFlow scaled() const
    {
        CompactFlow r = *this;
        if (samplingRate > 1) {
            r.bytes *= samplingRate;
            r.packets *= samplingRate;
            r.revBytes *= samplingRate;
            r.revPackets *= samplingRate;
        }
        return r;
    }
};
static_assert(sizeof(CompactFlow) == 72);
