#pragma once

#include <algorithm>
#include <cstdint>

// One connection: the unidirectional records of both directions (and the
// pieces an exporter split by its active timeout) joined, with the side that
// started it as the client. 56 bytes: addresses are AddressBook ids, the end
// a duration, so that ten million of them fit in about half a gigabyte.
struct Conversation {
    int64_t startMs = 0;
    uint64_t bytesOut = 0; // client -> server
    uint64_t bytesIn = 0;  // server -> client
    uint32_t durationMs = 0; // saturates at ~49 days
    uint32_t packetsOut = 0; // saturating
    uint32_t packetsIn = 0;
    uint32_t client = 0; // AddressBook ids
    uint32_t server = 0;
    uint32_t records = 0; // flow records joined into it
    uint16_t clientPort = 0;
    uint16_t serverPort = 0;
    uint8_t protocol = 0;
    uint8_t flagsOut = 0;
    uint8_t flagsIn = 0;
    bool loggedAttempt : 1 = false;     // a connection log said: never established
    bool loggedEstablished : 1 = false; // ... or: established

    int64_t endMs() const { return startMs + int64_t(durationMs); }
    void setEndMs(int64_t endMs) { durationMs = uint32_t(std::clamp<int64_t>(endMs - startMs, 0, UINT32_MAX)); }
    static uint32_t saturatingAdd(uint32_t a, uint64_t b)
    {
        return uint32_t(std::min<uint64_t>(uint64_t(a) + b, UINT32_MAX));
    }

    bool answered() const { return packetsIn > 0; }
    // A connection attempt that never carried data: unanswered, refused (RST),
    // or a SYN/SYN-ACK exchange that the client tore down (half-open scans).
    bool failedAttempt() const;
};
static_assert(sizeof(Conversation) == 56);
