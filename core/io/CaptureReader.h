#pragma once

#include "io/IpFragmentReassembler.h"
#include "model/IpAddress.h"

#include <cstdint>
#include <cstdio>
#include <string>

struct pcap;

// One UDP datagram found in a capture. payload points into the reader's
// packet buffer and stays valid until the next call to CaptureReader::next().
struct UdpDatagram {
    IpAddress srcAddr; // the exporter for NetFlow/IPFIX
    IpAddress dstAddr;
    uint16_t srcPort = 0;
    uint16_t dstPort = 0;
    int64_t timestampUs = 0; // capture time, UTC epoch microseconds
    const uint8_t* payload = nullptr;
    size_t length = 0;        // payload bytes available (may be less than announced)
    bool truncated = false;   // caplen < len, or the UDP length announces more than is there
    bool reassembled = false; // rebuilt from IP fragments: payload is not contiguous in the file
    uint64_t packetNumber = 0; // 1-based, as Wireshark numbers frames
    int64_t packetFileOffset = -1; // byte offset of the packet record in the file; -1 for pcapng
    int64_t payloadFileOffset = -1; // byte offset of payload[0] in the file; -1 for pcapng
};

struct CaptureStats {
    uint64_t packets = 0;
    uint64_t udpDatagrams = 0;
    uint64_t truncatedPackets = 0;  // caplen < len
    uint64_t fragments = 0;         // IPv4/IPv6 fragments of UDP datagrams
    uint64_t reassembled = 0;       // datagrams rebuilt from them
    uint64_t fragmentsIncomplete = 0; // datagrams given up for a missing fragment
    uint64_t fragmentsInvalid = 0;  // fragments contradicting their datagram
    uint64_t nonIp = 0;
    uint64_t nonUdp = 0;
    uint64_t malformed = 0;         // headers that do not fit or contradict themselves
};

// Reads classic pcap and pcapng (also gzip-compressed) through libpcap and yields the UDP datagrams
// inside, whatever their port. Every header is bounds-checked against caplen.
class CaptureReader final {
public:
    CaptureReader() = default;
    ~CaptureReader();
    CaptureReader(const CaptureReader&) = delete;
    CaptureReader& operator=(const CaptureReader&) = delete;

    // Opens the file; on failure fills error with the file name and reason.
    bool open(const std::string& path, std::string& error);
    void close();

    enum class Result { Datagram, End, Error };
    // Advances to the next UDP datagram. On Error, lastError() says why
    // (a read error in the middle of the file: what was read stays valid).
    Result next(UdpDatagram& out);

    int64_t bytesRead() const { return m_bytesRead; }
    int64_t bytesTotal() const { return m_bytesTotal; }
    int linkType() const { return m_linkType; }
    bool isPcapNg() const { return m_pcapNg; }
    const CaptureStats& stats() const { return m_stats; }
    const std::string& lastError() const { return m_error; }
    const std::string& path() const { return m_path; }

private:
    bool decodePacket(const uint8_t* data, size_t caplen, UdpDatagram& out);
    bool decodeIp(const uint8_t* data, size_t caplen, size_t offset, UdpDatagram& out);
    bool decodeIpv4(const uint8_t* data, size_t caplen, size_t offset, UdpDatagram& out);
    bool decodeIpv6(const uint8_t* data, size_t caplen, size_t offset, UdpDatagram& out);
    bool decodeUdp(const uint8_t* data, size_t end, size_t offset, UdpDatagram& out);
    // Adds a fragment; true (out filled from the rebuilt datagram) when it completed one.
    bool addFragment(const IpFragmentReassembler::Key& key, size_t offsetBytes, bool more, const uint8_t* data,
                     size_t length, UdpDatagram& out);
    void syncReassemblyStats();

    pcap* m_pcap = nullptr;
    std::string m_path;
    std::string m_error;
    int m_linkType = -1;
    bool m_pcapNg = false;
    int64_t m_bytesRead = 0;
    int64_t m_bytesTotal = 0;
    int64_t m_recordHeaderSize = 16; // classic pcap; 24 for the "modified" variant
    bool m_compressed = false;       // .pcap.gz: read through zlib; no byte offsets
    void* m_gzip = nullptr;          // the gzFile under the stream, for progress
    CaptureStats m_stats;
    IpFragmentReassembler m_reassembler;
    int64_t m_packetTimeUs = 0;
    uint64_t m_fragmentsCut = 0; // fragments shortened by the snaplen
};
