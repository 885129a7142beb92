#pragma once

#include "model/IpAddress.h"

#include <cstdint>

// One connection: the unidirectional records of both directions (and the
// pieces an exporter split by its active timeout) joined, with the side that
// started it as the client.
struct Conversation {
    IpAddress client;
    IpAddress server;
    uint16_t clientPort = 0;
    uint16_t serverPort = 0;
    uint8_t protocol = 0;
    int64_t startMs = 0;
    int64_t endMs = 0;
    uint64_t bytesOut = 0; // client -> server
    uint64_t packetsOut = 0;
    uint64_t bytesIn = 0; // server -> client
    uint64_t packetsIn = 0;
    uint8_t flagsOut = 0;
    uint8_t flagsIn = 0;
    uint32_t records = 0;
    bool loggedAttempt = false;     // a connection log said: never established
    bool loggedEstablished = false; // ... or: established

    bool answered() const { return packetsIn > 0; }
    // A connection attempt that never carried data: unanswered, refused (RST),
    // or a SYN/SYN-ACK exchange that the client tore down (half-open scans).
    bool failedAttempt() const;
};
