#include "import/NamedFlowFields.h"

#include "import/TextFields.h"

#include <cmath>
#include <unordered_map>

using Field = NamedFlowFields::Field;

Field NamedFlowFields::lookup(std::string_view name)
{
    static const std::unordered_map<std::string_view, Field> kNames = {
        // NetFlow v9 (RFC 3954 §8) and the names NetFlow datasets use
        {"IPV4_SRC_ADDR", Field::SrcV4}, {"IPV4_DST_ADDR", Field::DstV4}, {"IPV6_SRC_ADDR", Field::SrcV6},
        {"IPV6_DST_ADDR", Field::DstV6}, {"L4_SRC_PORT", Field::SrcPort}, {"L4_DST_PORT", Field::DstPort},
        {"PROTOCOL", Field::Protocol}, {"TCP_FLAGS", Field::TcpFlags}, {"SRC_TOS", Field::Tos},
        {"IN_BYTES", Field::Bytes}, {"IN_PKTS", Field::Packets}, {"OUT_BYTES", Field::RevBytes},
        {"OUT_PKTS", Field::RevPackets}, {"INPUT_SNMP", Field::InIf}, {"OUTPUT_SNMP", Field::OutIf},
        {"FIRST_SWITCHED", Field::FirstUptime}, {"LAST_SWITCHED", Field::LastUptime},
        {"FLOW_START_SEC", Field::StartSec}, {"FLOW_END_SEC", Field::EndSec},
        {"FLOW_START_MILLISECONDS", Field::StartMs}, {"FLOW_END_MILLISECONDS", Field::EndMs},
        {"FLOW_START_MICROSECONDS", Field::StartUs}, {"FLOW_END_MICROSECONDS", Field::EndUs},
        {"FLOW_DURATION_MILLISECONDS", Field::DurationMs}, {"SAMPLING_INTERVAL", Field::SamplingInterval},
        {"ICMP_TYPE", Field::IcmpTypeCode}, {"IP_PROTOCOL_VERSION", Field::Ignored},
        // IPFIX (IANA information element names)
        {"sourceIPv4Address", Field::SrcV4}, {"destinationIPv4Address", Field::DstV4},
        {"sourceIPv6Address", Field::SrcV6}, {"destinationIPv6Address", Field::DstV6},
        {"sourceTransportPort", Field::SrcPort}, {"destinationTransportPort", Field::DstPort},
        {"protocolIdentifier", Field::Protocol}, {"tcpControlBits", Field::TcpFlags},
        {"ipClassOfService", Field::Tos}, {"octetDeltaCount", Field::Bytes}, {"packetDeltaCount", Field::Packets},
        {"octetTotalCount", Field::Bytes}, {"packetTotalCount", Field::Packets},
        {"reverseOctetDeltaCount", Field::RevBytes}, {"reversePacketDeltaCount", Field::RevPackets},
        {"reverseOctetTotalCount", Field::RevBytes}, {"reversePacketTotalCount", Field::RevPackets},
        {"ingressInterface", Field::InIf}, {"egressInterface", Field::OutIf},
        {"flowStartSysUpTime", Field::FirstUptime}, {"flowEndSysUpTime", Field::LastUptime},
        {"flowStartSeconds", Field::StartSec}, {"flowEndSeconds", Field::EndSec},
        {"flowStartMilliseconds", Field::StartMs}, {"flowEndMilliseconds", Field::EndMs},
        {"flowStartMicroseconds", Field::StartUs}, {"flowEndMicroseconds", Field::EndUs},
        {"flowStartNanoseconds", Field::StartNs}, {"flowEndNanoseconds", Field::EndNs},
        {"flowDurationMilliseconds", Field::DurationMs}, {"samplingInterval", Field::SamplingInterval},
        {"samplingPacketInterval", Field::SamplingInterval}, {"systemInitTimeMilliseconds", Field::SystemInitMs},
        {"icmpTypeCodeIPv4", Field::IcmpTypeCode}, {"icmpTypeCodeIPv6", Field::IcmpTypeCode},
        {"icmpTypeIPv4", Field::IcmpType}, {"icmpCodeIPv4", Field::IcmpCode},
        {"icmpTypeIPv6", Field::IcmpType}, {"icmpCodeIPv6", Field::IcmpCode}, {"ipVersion", Field::Ignored},
        // Generic names some exporters' JSON uses
        {"srcaddr", Field::SrcAddr}, {"dstaddr", Field::DstAddr}, {"src_ip", Field::SrcAddr},
        {"dst_ip", Field::DstAddr},
    };
    const auto it = kNames.find(name);
    return it == kNames.end() ? Field::Unknown : it->second;
}

void NamedFlowFields::clear()
{
    m_r = FlowRecord();
    m_extra = nlohmann::json();
    m_start = m_end = 0;
    m_first = m_last = m_durationMs = 0;
    m_systemInit.reset();
    m_icmpType = m_icmpCode = -1;
    m_haveSrc = m_haveDst = m_haveStart = m_haveEnd = false;
    m_haveFirst = m_haveLast = m_haveDuration = false;
}

void NamedFlowFields::setExtra(std::string_view name, const nlohmann::json& value)
{
    if (m_extra.is_null())
        m_extra = nlohmann::json::object();
    m_extra[std::string(name)] = value;
}

bool NamedFlowFields::set(Field f, const nlohmann::json& v)
{
    if (v.is_string())
        return setText(f, v.get_ref<const std::string&>());
    switch (f) {
    case Field::SrcV4: case Field::DstV4: case Field::SrcAddr: case Field::DstAddr: {
        // python-netflow writes IPFIX IPv4 addresses as integers.
        if (!v.is_number_unsigned() || v.get<uint64_t>() > 0xffffffffu)
            return false;
        const IpAddress a = IpAddress::fromV4(uint32_t(v.get<uint64_t>()));
        if (f == Field::SrcV4 || f == Field::SrcAddr) {
            m_r.src = a;
            m_haveSrc = true;
        } else {
            m_r.dst = a;
            m_haveDst = true;
        }
        return true;
    }
    case Field::Unknown: case Field::Ignored:
        return true;
    default:
        break;
    }
    if (v.is_number_unsigned())
        return setText(f, std::to_string(v.get<uint64_t>()));
    if (v.is_number_integer())
        return v.get<int64_t>() >= 0 && setText(f, std::to_string(v.get<int64_t>()));
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (!(d >= 0))
            return false;
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.6f", d);
        return setText(f, buf);
    }
    return false;
}

bool NamedFlowFields::setText(Field f, std::string_view text)
{
    uint64_t n = 0;
    double d = 0;
    switch (f) {
    case Field::Unknown: case Field::Ignored:
        return true;
    case Field::SrcV4: case Field::SrcV6: case Field::SrcAddr:
    case Field::DstV4: case Field::DstV6: case Field::DstAddr: {
        auto a = IpAddress::parse(TextFields::trim(text));
        if (!a) {
            if (!TextFields::parseUint(text, n) || n > 0xffffffffu)
                return false;
            a = IpAddress::fromV4(uint32_t(n));
        }
        const bool src = f == Field::SrcV4 || f == Field::SrcV6 || f == Field::SrcAddr;
        (src ? m_r.src : m_r.dst) = *a;
        (src ? m_haveSrc : m_haveDst) = true;
        return true;
    }
    case Field::Protocol:
        return TextFields::parseProtocol(text, m_r.protocol);
    case Field::TcpFlags:
        return TextFields::parseTcpFlags(text, m_r.tcpFlags);
    case Field::StartSec: case Field::EndSec: case Field::StartMs: case Field::EndMs:
    case Field::StartUs: case Field::EndUs: case Field::StartNs: case Field::EndNs: {
        int64_t ms = 0;
        if (TextFields::parseDouble(text, d) && d >= 0) {
            const double scale = (f == Field::StartSec || f == Field::EndSec) ? 1000.0
                : (f == Field::StartMs || f == Field::EndMs)                  ? 1.0
                : (f == Field::StartUs || f == Field::EndUs)                  ? 0.001
                                                                              : 0.000001;
            const double v = d * scale + (scale >= 1 ? 0.5 : 0.0);
            if (!std::isfinite(v) || v > double(TextFields::kMaxTimeMs))
                return false; // converting it to int64_t would be undefined
            ms = int64_t(v);
        } else if (!TextFields::parseTime(text, ms)) {
            return false;
        }
        const bool start = f == Field::StartSec || f == Field::StartMs || f == Field::StartUs || f == Field::StartNs;
        (start ? m_start : m_end) = ms;
        (start ? m_haveStart : m_haveEnd) = true;
        return true;
    }
    default:
        break;
    }
    if (!TextFields::parseUint(text, n))
        return false;
    switch (f) {
    case Field::SrcPort: m_r.srcPort = uint16_t(n); return n <= 0xffff;
    case Field::DstPort: m_r.dstPort = uint16_t(n); return n <= 0xffff;
    case Field::Tos: m_r.tos = uint8_t(n); return n <= 0xff;
    case Field::Bytes: m_r.bytes = n; return true;
    case Field::Packets: m_r.packets = n; return true;
    case Field::RevBytes: m_r.revBytes = n; return true;
    case Field::RevPackets: m_r.revPackets = n; return true;
    case Field::InIf: m_r.inputIf = uint32_t(n); return true;
    case Field::OutIf: m_r.outputIf = uint32_t(n); return true;
    // Times are bounded (TextFields::kMaxTimeMs) so that placing them cannot overflow.
    case Field::FirstUptime: m_first = n; m_haveFirst = true; return n <= uint64_t(TextFields::kMaxTimeMs);
    case Field::LastUptime: m_last = n; m_haveLast = true; return n <= uint64_t(TextFields::kMaxTimeMs);
    case Field::DurationMs: m_durationMs = n; m_haveDuration = true; return n <= uint64_t(TextFields::kMaxTimeMs);
    case Field::SamplingInterval: m_r.samplingRate = n ? uint32_t(std::min<uint64_t>(n, UINT32_MAX)) : 1; return true;
    case Field::SystemInitMs: m_systemInit = int64_t(n); return n <= uint64_t(TextFields::kMaxTimeMs);
    case Field::IcmpType: m_icmpType = int(n & 0xff); return true;
    case Field::IcmpCode: m_icmpCode = int(n & 0xff); return true;
    case Field::IcmpTypeCode: m_icmpType = int((n >> 8) & 0xff); m_icmpCode = int(n & 0xff); return true;
    default: return false;
    }
}

bool NamedFlowFields::finish(FlowRecord& out, const TimeBase& base, std::string& reason)
{
    if (!hasAddresses()) {
        reason = m_haveSrc || m_haveDst ? "flow has only one of source and destination address"
                                        : "no source/destination address";
        return false;
    }
    if (m_icmpType >= 0 && m_r.dstPort == 0)
        // NetFlow convention (as v5/v9 exporters do): ICMP type and code in the destination port.
        m_r.dstPort = uint16_t(m_icmpType << 8 | std::max(m_icmpCode, 0));

    bool haveStart = m_haveStart, haveEnd = m_haveEnd;
    int64_t start = m_start, end = m_end;
    if (!haveStart || !haveEnd) {
        if (m_haveFirst || m_haveLast) {
            auto place = [&](uint64_t uptime) -> int64_t {
                switch (base.kind) {
                case TimeBase::Kind::V9Header:
                    // Signed 32-bit difference: sysUptime wraps at 2^32 ms (RFC 3954 §5.1).
                    return base.exportMs + int32_t(uint32_t(uptime) - base.uptimeMs);
                case TimeBase::Kind::SystemInit:
                    return base.systemInitMs + int64_t(uptime);
                case TimeBase::Kind::None:
                    break;
                }
                return uptime < 100000000000ULL ? int64_t(uptime) * 1000 : int64_t(uptime);
            };
            if (base.kind == TimeBase::Kind::None && m_systemInit) {
                TimeBase own;
                own.kind = TimeBase::Kind::SystemInit;
                own.systemInitMs = *m_systemInit;
                if (!haveStart && m_haveFirst) { start = own.systemInitMs + int64_t(m_first); haveStart = true; }
                if (!haveEnd && m_haveLast) { end = own.systemInitMs + int64_t(m_last); haveEnd = true; }
            }
            if (!haveStart && m_haveFirst) { start = place(m_first); haveStart = true; }
            if (!haveEnd && m_haveLast) { end = place(m_last); haveEnd = true; }
        }
    }
    if (m_haveDuration) {
        if (haveStart && !haveEnd) { end = start + int64_t(m_durationMs); haveEnd = true; }
        else if (haveEnd && !haveStart) { start = end - int64_t(m_durationMs); haveStart = true; }
    }
    if (!haveStart && !haveEnd) {
        reason = "no flow start or end time";
        return false;
    }
    if (!haveStart)
        start = end;
    if (!haveEnd)
        end = start;
    m_r.startMs = start;
    m_r.endMs = end;
    if (!m_extra.is_null())
        // Input text is any bytes: invalid UTF-8 becomes U+FFFD (dump() would throw).
        m_r.extra = m_extra.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out = std::move(m_r);
    return true;
}
