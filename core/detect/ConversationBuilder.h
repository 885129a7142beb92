#pragma once

#include "detect/CompactFlow.h"
#include "detect/Conversation.h"

#include <unordered_map>
#include <vector>

// Pairs unidirectional flow records with their reverse (same 5-tuple swapped,
// overlapping in time) and joins records an exporter split, deciding which
// side initiated. Feed records (counters scaled) in start-time order.
class ConversationBuilder final {
public:
    // Records closer than this in time belong to one conversation: v9 exports
    // carry whole-second header times, and active-timeout pieces touch.
    static constexpr int64_t kJoinToleranceMs = 2000;

    void reserve(size_t conversations) { m_conversations.reserve(conversations); }
    void add(const CompactFlow& flow);
    std::vector<Conversation> take();
    int64_t longestMs() const { return m_longestMs; }

    // How much a port looks like a service port (higher = more likely the server).
    static int serviceRank(uint16_t port);

private:
    struct Key {
        uint32_t a;
        uint32_t b;
        uint16_t portA;
        uint16_t portB;
        uint8_t protocol;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        size_t operator()(const Key& k) const;
    };
    void decideRoles(Conversation& c, bool sawReverse);
    // Forgets conversations no later record can join (flows come in start order),
    // so the map holds the open ones only, not one entry per conversation ever.
    void evictClosed(int64_t nowMs);

    std::vector<Conversation> m_conversations;
    std::vector<bool> m_sawBothDirections;
    std::unordered_map<Key, uint32_t, KeyHash> m_open; // key -> latest conversation
    size_t m_openAfterEviction = 0;
    int64_t m_longestMs = 0;
};
