#pragma once

#include "model/IpAddress.h"

#include <cstdint>
#include <vector>

// Datagrams as the receive thread read them, packed into one buffer so that a
// burst crosses the queue as one allocation-free unit (batches are recycled).
struct DatagramBatch {
    struct Datagram {
        IpAddress source;      // the exporter
        IpAddress destination; // the collector's address it was sent to (unspecified if unknown)
        uint16_t sourcePort = 0;
        uint16_t destinationPort = 0;
        int64_t receivedUs = 0; // UTC epoch microseconds
        uint32_t offset = 0;    // into bytes
        uint32_t length = 0;
    };

    std::vector<Datagram> datagrams;
    std::vector<uint8_t> bytes;

    void clear()
    {
        datagrams.clear();
        bytes.clear();
    }
    bool empty() const { return datagrams.empty(); }
    const uint8_t* payload(const Datagram& d) const { return bytes.data() + d.offset; }
    // Memory the batch holds, for the queue's bound.
    size_t footprint() const { return bytes.size() + datagrams.size() * sizeof(Datagram); }
};
