#pragma once

#include "detect/Conversation.h"
#include "model/FlowRecord.h"

#include <unordered_map>
#include <vector>

// Pairs unidirectional flow records with their reverse (same 5-tuple swapped,
// overlapping in time) and joins records an exporter split, deciding which
// side initiated. Feed records in start-time order.
class ConversationBuilder final {
public:
    // Records closer than this in time belong to one conversation: v9 exports
    // carry whole-second header times, and active-timeout pieces touch.
    static constexpr int64_t kJoinToleranceMs = 2000;

    void add(const FlowRecord& flow);
    std::vector<Conversation> take();

    // How much a port looks like a service port (higher = more likely the server).
    static int serviceRank(uint16_t port);

private:
    struct Key {
        IpAddress a;
        IpAddress b;
        uint16_t portA;
        uint16_t portB;
        uint8_t protocol;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        size_t operator()(const Key& k) const;
    };
    void decideRoles(Conversation& c, bool sawReverse);

    std::vector<Conversation> m_conversations;
    std::vector<bool> m_sawBothDirections;
    std::unordered_map<Key, size_t, KeyHash> m_open; // key -> latest conversation
};
