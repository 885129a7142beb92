#pragma once

#include "model/FlowRecord.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Builds a FlowRecord from named fields, as flow tools write them in JSON and
// CSV: NetFlow v9 names (RFC 3954 §8: IPV4_SRC_ADDR, IN_BYTES, FIRST_SWITCHED, …)
// or IPFIX information element names (RFC 7012 / IANA: sourceIPv4Address,
// octetDeltaCount, flowStartMilliseconds, …). Unknown names are kept in the
// record's extra JSON so that nothing read is thrown away.
class NamedFlowFields final {
public:
    enum class Field : uint8_t {
        Unknown, Ignored, SrcV4, DstV4, SrcV6, DstV6, SrcAddr, DstAddr, SrcPort, DstPort, Protocol, TcpFlags, Tos,
        Bytes, Packets, RevBytes, RevPackets, InIf, OutIf,
        FirstUptime, LastUptime,   // ms of exporter uptime (v9 FIRST_SWITCHED, IPFIX flowStartSysUpTime)
        StartSec, EndSec, StartMs, EndMs, StartUs, EndUs, StartNs, EndNs, DurationMs,
        SamplingInterval, SystemInitMs, IcmpType, IcmpCode, IcmpTypeCode,
    };

    // How uptime-relative times (FIRST_SWITCHED, flowStartSysUpTime) become
    // wall-clock times for the record being built.
    struct TimeBase {
        enum class Kind { None, V9Header, SystemInit } kind = Kind::None;
        int64_t exportMs = 0;   // V9Header: header unix seconds × 1000
        uint32_t uptimeMs = 0;  // V9Header: header sysUptime
        int64_t systemInitMs = 0; // SystemInit: IPFIX IE 160
    };

    static Field lookup(std::string_view name);

    void clear();
    bool set(Field f, const nlohmann::json& value);
    bool setText(Field f, std::string_view text);
    void setExtra(std::string_view name, const nlohmann::json& value);

    bool hasUptimeTimes() const { return m_haveFirst || m_haveLast; }
    bool hasAbsoluteTimes() const { return m_haveStart || m_haveEnd; }
    bool hasAddresses() const { return m_haveSrc && m_haveDst; }
    // Options records (IPFIX/v9 options data) carry this instead of flows.
    std::optional<int64_t> systemInitMs() const { return m_systemInit; }

    // Completes the record; false with reason when it is not a flow (no
    // addresses) or its times cannot be placed. Without a time base, uptime
    // fields are read as epoch seconds (below 10^11) or milliseconds, which is
    // what standalone flow JSON from nProbe-like tools carries.
    bool finish(FlowRecord& out, const TimeBase& base, std::string& reason);

private:
    FlowRecord m_r;
    nlohmann::json m_extra;
    int64_t m_start = 0, m_end = 0;
    uint64_t m_first = 0, m_last = 0, m_durationMs = 0;
    std::optional<int64_t> m_systemInit;
    int m_icmpType = -1, m_icmpCode = -1;
    bool m_haveSrc = false, m_haveDst = false, m_haveStart = false, m_haveEnd = false;
    bool m_haveFirst = false, m_haveLast = false, m_haveDuration = false;
};
