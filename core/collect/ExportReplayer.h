#pragma once

#include "model/IpAddress.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

// Sends the UDP payloads of a capture of exports (pcap/pcapng) to a
// collector at a chosen rate: the load for tests and the collector benchmark.
// Each exporter of the capture (source address and port) gets its own socket,
// so the collector keeps their templates apart as it would the real ones; on
// loopback each binds its own 127.0.0.X address (X = 2, 3, ...) and, when
// free, its original port (sourceAddress: all from that address, each exporter
// from its own port). Only loopback targets unless allowRemote: this is a
// load generator, it must not be pointed at a network by accident.
class ExportReplayer final {
public:
    struct Settings {
        std::string target;        // "127.0.0.1:9995", "[::1]:9995"
        double flowsPerSecond = 0; // pace by flows...
        double datagramsPerSecond = 0; // ... or by datagrams; neither: as fast as possible
        uint64_t skip = 0;         // start at this datagram of the capture (0-based)
        uint64_t count = 0;        // stop after this many datagrams (0: no limit)
        double durationSeconds = 0; // stop after this long (0: no limit)
        bool loop = false;         // start over at the end of the capture
        bool allowRemote = false;
        // Every exporter sends from this address (own port each) instead of
        // 127.0.0.2, 127.0.0.3, ...: for a collector that accepts one source address.
        std::string sourceAddress;
    };
    struct Result {
        uint64_t datagrams = 0;
        uint64_t bytes = 0;
        uint64_t flows = 0;  // flow records in what was sent (as the project's decoder counts them)
        uint64_t passes = 0; // complete passes over the capture
        uint64_t sendErrors = 0;
        std::string lastSendError;
        double seconds = 0;
    };
    struct Datagram {
        uint32_t exporter = 0; // index into exporters()
        uint32_t flows = 0;
        uint32_t offset = 0;
        uint32_t length = 0;
    };
    struct Exporter {
        IpAddress address;
        uint16_t port = 0;
    };

    ~ExportReplayer();

    // Reads every UDP datagram of the capture into memory (up to 2 GiB) and
    // counts the flows in each with the project's decoder.
    bool load(const std::string& path, std::string& error);
    // Creates one socket per exporter, connected to the target.
    bool open(const Settings& settings, std::string& error);
    // Sends until the capture (or count, or duration) is done or cancel is set.
    Result run(const std::atomic_bool& cancel);
    // Another part of the capture for the next run(), through the same sockets.
    void setWindow(uint64_t skip, uint64_t count)
    {
        m_settings.skip = skip;
        m_settings.count = count;
    }

    const std::vector<Datagram>& datagrams() const { return m_datagrams; }
    const std::vector<Exporter>& exporters() const { return m_exporters; }
    uint64_t flowsInCapture() const { return m_flowsInCapture; }
    const std::string& sourceDescription() const { return m_sources; } // "127.0.0.2:40000, ..."

    // "HOST:PORT" or "[V6]:PORT"; false when it is neither.
    static bool parseTarget(const std::string& text, IpAddress& address, uint16_t& port);

private:
    void closeSockets();

    Settings m_settings;
    std::vector<uint8_t> m_bytes;
    std::vector<Datagram> m_datagrams;
    std::vector<Exporter> m_exporters;
    std::vector<int> m_sockets; // per exporter
    uint64_t m_flowsInCapture = 0;
    std::string m_sources;
};
