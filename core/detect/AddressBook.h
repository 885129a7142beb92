#pragma once

#include "model/IpAddress.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <vector>

struct DetectionSettings;

// The distinct addresses of an analysis, each with a 32-bit id: conversations
// and the detectors' maps carry ids (4 bytes, hashed as an integer) instead of
// 16-byte addresses, and "is it internal" is decided once per address instead
// of once per conversation and detector.
class AddressBook final {
public:
    uint32_t intern(const IpAddress& a);
    const IpAddress& address(uint32_t id) const { return m_addresses[id]; }
    size_t size() const { return m_addresses.size(); }
    // Classifies every address against the final networks (after IPv6 inference).
    void classify(const DetectionSettings& settings);
    bool isInternal(uint32_t id) const { return m_internal[id] != 0; }
    // Id of a known address, or UINT32_MAX.
    uint32_t find(const IpAddress& a) const;

private:
    // Two 8-byte loads instead of a memcmp call: this map is probed twice per flow record.
    struct Same {
        bool operator()(const IpAddress& a, const IpAddress& b) const noexcept
        {
            uint64_t x[2], y[2];
            std::memcpy(x, a.bytes().data(), 16);
            std::memcpy(y, b.bytes().data(), 16);
            return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
        }
    };
    std::unordered_map<IpAddress, uint32_t, std::hash<IpAddress>, Same> m_ids;
    std::vector<IpAddress> m_addresses;
    std::vector<uint8_t> m_internal;
};
