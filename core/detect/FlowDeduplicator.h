#pragma once

#include "detect/CompactFlow.h"

#include <cstddef>
#include <deque>
#include <unordered_map>

// Recognises a flow record that another exporter (or a second import of the
// same capture) already reported: same 5-tuple, direction, byte and packet
// counts, starting within kWindowMs, from another exporter or import. Several
// routers on one path export the same traffic; counting it twice would double
// volumes and turn one answered connection into "retries". Records of one
// exporter in one import are never merged: a connection log's retries (Zeek
// REJ every 0.5 s from one source port) are real. Feed records in start-time order.
class FlowDeduplicator final {
public:
    static constexpr int64_t kWindowMs = 1000; // v9 header times are whole seconds

    bool isDuplicate(const CompactFlow& f); // raw counters
    uint64_t duplicates() const { return m_duplicates; }

private:
    struct Key {
        uint32_t src, dst;
        uint16_t srcPort, dstPort;
        uint8_t protocol;
        uint64_t bytes, packets, revBytes;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        size_t operator()(const Key& k) const noexcept;
    };

    struct Seen {
        int64_t startMs;
        uint32_t source;
    };
    std::unordered_map<Key, Seen, KeyHash> m_recent; // key -> latest record
    std::deque<std::pair<int64_t, Key>> m_order;         // for eviction by start time
    uint64_t m_duplicates = 0;
};
