#pragma once

#include "model/FlowRecord.h"

#include <deque>
#include <unordered_map>

// Recognises a flow record that another exporter (or a second import of the
// same capture) already reported: same 5-tuple, direction, byte and packet
// counts, starting within kWindowMs. Several routers on one path export the
// same traffic; counting it twice would double volumes and turn one answered
// connection into "retries". Feed records in start-time order.
class FlowDeduplicator final {
public:
    static constexpr int64_t kWindowMs = 1000; // v9 header times are whole seconds

    bool isDuplicate(const FlowRecord& f);
    uint64_t duplicates() const { return m_duplicates; }

private:
    struct Key {
        IpAddress src, dst;
        uint16_t srcPort, dstPort;
        uint8_t protocol;
        uint64_t bytes, packets, revBytes;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        size_t operator()(const Key& k) const noexcept;
    };

    std::unordered_map<Key, int64_t, KeyHash> m_recent; // key -> latest start
    std::deque<std::pair<int64_t, Key>> m_order;         // for eviction by start time
    uint64_t m_duplicates = 0;
};
