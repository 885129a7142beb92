#pragma once

#include "model/IpAddress.h"

#include <cstdint>
#include <unordered_map>
#include <vector>

struct ReassemblyStats {
    uint64_t fragments = 0;    // fragments offered
    uint64_t reassembled = 0;  // datagrams completed
    uint64_t expired = 0;      // datagrams given up incomplete (timeout, limit, end of capture)
    uint64_t invalid = 0;      // fragments that overrun 64 KiB or contradict the datagram's length
};

// Rebuilds IPv4 and IPv6 datagrams from their fragments (RFC 791, RFC 8200
// §4.5): IPFIX messages over the path MTU arrive fragmented. Fragments may
// come in any order; overlaps keep the first bytes received (RFC 5722 would
// drop the datagram; exporters do not send overlaps, so the choice is moot).
// Bounded: at most kMaxPending datagrams in progress, each at most 64 KiB,
// given up after kTimeoutUs of capture time.
class IpFragmentReassembler final {
public:
    static constexpr size_t kMaxPending = 1024;
    static constexpr int64_t kTimeoutUs = 30'000'000;
    static constexpr size_t kMaxDatagram = 65535;

    struct Key {
        IpAddress src, dst;
        uint32_t id = 0;
        uint8_t protocol = 0; // IPv4 protocol; IPv6: the fragment header's next header
        bool operator==(const Key&) const = default;
    };

    // Adds one fragment's payload (offsetBytes into the original payload).
    // Returns the whole payload once every part is there, nullptr before; the
    // pointer stays valid until the next call.
    const std::vector<uint8_t>* add(const Key& key, int64_t timeUs, size_t offsetBytes, bool moreFragments,
                                    const uint8_t* data, size_t length);
    // Gives up on everything still incomplete (end of the capture).
    void finish();

    const ReassemblyStats& stats() const { return m_stats; }

private:
    struct KeyHash {
        size_t operator()(const Key& k) const noexcept
        {
            return std::hash<IpAddress>{}(k.src) ^ (std::hash<IpAddress>{}(k.dst) * 31) ^ (size_t(k.id) << 8)
                ^ k.protocol;
        }
    };
    struct Pending {
        int64_t firstUs = 0;
        std::vector<uint8_t> bytes;
        std::vector<bool> have; // per 8-byte unit (fragment offsets are multiples of 8)
        size_t totalLength = 0; // known once the last fragment arrived; 0 before
    };

    void expire(int64_t nowUs);
    static bool complete(const Pending& p);

    std::unordered_map<Key, Pending, KeyHash> m_pending;
    std::vector<uint8_t> m_done;
    int64_t m_lastExpiryUs = 0;
    ReassemblyStats m_stats;
};
