#pragma once
// Small synthetic traffic for detector tests: records, answered connections,
// and a detection context built the way the engine builds it.
#include "detect/ContextBuilder.h"
#include "detect/DetectionContext.h"

#include <algorithm>
#include <vector>

namespace synthetic {

constexpr int64_t kT0 = 1772438400000; // 2026-03-02T08:00:00Z

inline IpAddress ip(const char* text) { return *IpAddress::parse(text); }

inline FlowRecord flow(const char* src, uint16_t sport, const char* dst, uint16_t dport, int64_t startMs,
                       int64_t durMs, uint64_t bytes, uint64_t packets,
                       uint8_t flags = TcpFlag::Syn | TcpFlag::Ack | TcpFlag::Psh | TcpFlag::Fin,
                       uint8_t proto = IpProtocol::Tcp)
{
    FlowRecord r;
    r.src = ip(src);
    r.dst = ip(dst);
    r.srcPort = sport;
    r.dstPort = dport;
    r.startMs = startMs;
    r.endMs = startMs + durMs;
    r.bytes = bytes;
    r.packets = packets;
    r.tcpFlags = flags;
    r.protocol = proto;
    return r;
}

// An answered TCP connection as two unidirectional records.
inline void connection(std::vector<FlowRecord>& out, const char* client, uint16_t cport, const char* server,
                       uint16_t sport, int64_t startMs, uint64_t up, uint64_t down, int64_t durMs = 400)
{
    out.push_back(flow(client, cport, server, sport, startMs, durMs, up, 6));
    out.push_back(flow(server, sport, client, cport, startMs, durMs, down, 5));
}

inline DetectionContext contextOf(std::vector<FlowRecord> flows, const DetectionSettings& settings = {})
{
    std::stable_sort(flows.begin(), flows.end(), [](auto& a, auto& b) { return a.startMs < b.startMs; });
    int64_t endMs = 0;
    for (const auto& f : flows)
        endMs = std::max(endMs, f.endMs);
    ContextBuilder builder(settings, flows.front().startMs, endMs, flows.size());
    for (const auto& f : flows)
        builder.add(f);
    return builder.finish();
}

inline const Finding* findType(const std::vector<Finding>& all, const std::string& type, const std::string& src)
{
    for (const auto& f : all)
        if (f.type == type && f.src && f.src->toString() == src)
            return &f;
    return nullptr;
}

} // namespace synthetic
