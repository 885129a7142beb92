#pragma once

#include "model/IpAddress.h"

#include <cstdint>
#include <cstdio>
#include <string>

// Writes UDP datagrams as a classic pcap file (LINKTYPE_RAW: each packet an
// IPv4 or IPv6 header, a UDP header and the payload), with headers made up
// from the addresses the datagram was received with. CaptureReader, tshark
// and tcpreplay read it back; `flowsift-cli import` decodes it like any
// capture of exports.
class CaptureWriter final {
public:
    CaptureWriter() = default;
    ~CaptureWriter();
    CaptureWriter(const CaptureWriter&) = delete;
    CaptureWriter& operator=(const CaptureWriter&) = delete;

    // Creates (replaces) the file and writes the pcap header.
    bool open(const std::string& path, std::string& error);
    bool isOpen() const { return m_file != nullptr; }
    // False on a write error (lastError says why); the file stays valid up to the last whole packet.
    bool write(const IpAddress& source, uint16_t sourcePort, const IpAddress& destination, uint16_t destinationPort,
               int64_t timeUs, const uint8_t* payload, size_t length);
    bool flush();
    bool close();

    uint64_t packets() const { return m_packets; }
    const std::string& lastError() const { return m_error; }
    const std::string& path() const { return m_path; }

private:
    FILE* m_file = nullptr;
    std::string m_path;
    std::string m_error;
    uint64_t m_packets = 0;
};
