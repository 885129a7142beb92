#pragma once

#include "model/IpAddress.h"

#include <cstdint>
#include <string>
#include <string_view>

// One unidirectional flow record as an exporter reported it (biflows carry
// the reverse counters too). Times are UTC epoch milliseconds.
struct FlowRecord {
    int64_t startMs = 0;
    int64_t endMs = 0;
    IpAddress src;
    IpAddress dst;
    uint16_t srcPort = 0;
    uint16_t dstPort = 0;
    uint8_t protocol = 0;
    uint8_t tcpFlags = 0;
    uint8_t tos = 0;
    uint64_t bytes = 0;
    uint64_t packets = 0;
    uint64_t revBytes = 0;   // RFC 5103 reverse direction, 0 for uniflows
    uint64_t revPackets = 0;
    uint32_t samplingRate = 1; // 1 = unsampled; counts above are as exported (raw)
    uint32_t inputIf = 0;
    uint32_t outputIf = 0;
    uint16_t exportVersion = 0; // 5, 9, 10 (IPFIX); 0 for non-export sources
    IpAddress exporter;
    uint16_t exporterPort = 0;
    uint32_t observationDomain = 0; // v9 source id / IPFIX observation domain
    int64_t importId = 0;  // the case's import it came from (set when read from the store)
    uint8_t connState = 0; // ConnState: what a connection log (Zeek, Argus) said of the handshake
    std::string extra; // JSON object with rarer decoded fields; empty when none

    // Counters as the network carried them: raw counts times the sampling rate
    // (1 in N packets sampled). Analyses use these; storage keeps the raw ones.
    FlowRecord scaledBySampling() const
    {
        FlowRecord r = *this;
        if (samplingRate > 1) {
            r.bytes *= samplingRate;
            r.packets *= samplingRate;
            r.revBytes *= samplingRate;
            r.revPackets *= samplingRate;
        }
        return r;
    }
};

namespace IpProtocol {
constexpr uint8_t Icmp = 1;
constexpr uint8_t Tcp = 6;
constexpr uint8_t Udp = 17;
constexpr uint8_t Icmp6 = 58;
}

// Connection logs state the outcome of each connection; NetFlow does not.
namespace ConnState {
constexpr uint8_t Unknown = 0;
constexpr uint8_t Attempt = 1;     // never established: no reply, rejected, half-open
constexpr uint8_t Established = 2; // handshake completed
// Zeek conn_state (S0, REJ, SF, ...) or Argus State (CON, REQ, INT, or CTU-style S_RA flags).
uint8_t fromLogState(std::string_view state, uint8_t protocol);
}

namespace TcpFlag {
constexpr uint8_t Fin = 0x01;
constexpr uint8_t Syn = 0x02;
constexpr uint8_t Rst = 0x04;
constexpr uint8_t Psh = 0x08;
constexpr uint8_t Ack = 0x10;
constexpr uint8_t Urg = 0x20;
}
