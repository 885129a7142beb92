#include "import/ArgusCsvSource.h"

#include "import/TextFields.h"

#include <nlohmann/json.hpp>

#include <cmath>

bool ArgusCsvSource::looksLike(std::string_view header)
{
    return header.substr(0, 9) == "StartTime" && header.find("SrcAddr") != std::string_view::npos
        && header.find("DstAddr") != std::string_view::npos;
}

bool ArgusCsvSource::parseLine(std::string_view line, std::vector<FlowRecord>& out, std::string& reason)
{
    if (!m_haveHeader) {
        m_haveHeader = true;
        m_sep = line.find('\t') != std::string_view::npos ? '\t' : ',';
        TextFields::split(line, m_sep, m_fields);
        static const char* const kNames[ColumnCount] = {"StartTime", "Dur", "Proto", "SrcAddr", "Sport", "Dir",
                                                        "DstAddr", "Dport", "State", "sTos", "TotPkts", "TotBytes",
                                                        "SrcBytes", "SrcPkts", "Label"};
        m_col.fill(-1);
        for (size_t i = 0; i < m_fields.size(); ++i)
            for (int c = 0; c < ColumnCount; ++c)
                if (TextFields::trim(m_fields[i]) == kNames[c])
                    m_col[c] = int(i);
        for (int c : {StartTime, Proto, SrcAddr, DstAddr, TotPkts, TotBytes})
            if (m_col[c] < 0) {
                reason = std::string("Argus header without the ") + kNames[c] + " column";
                return false;
            }
        return true;
    }
    if (line.empty())
        return true;
    TextFields::split(line, m_sep, m_fields);
    auto col = [&](Column c) -> std::string_view {
        return m_col[c] >= 0 && size_t(m_col[c]) < m_fields.size() ? TextFields::trim(m_fields[size_t(m_col[c])])
                                                                    : std::string_view();
    };
    if (m_col[StartTime] < 0 || m_fields.size() <= size_t(m_col[TotBytes])) {
        reason = "expected at least " + std::to_string(m_col[TotBytes] + 1) + " fields, found "
            + std::to_string(m_fields.size());
        return false;
    }
    FlowRecord r;
    if (!TextFields::parseTime(col(StartTime), r.startMs)) {
        reason = "bad StartTime '" + std::string(col(StartTime)) + "'";
        return false;
    }
    double dur = 0;
    r.endMs = r.startMs;
    if (!col(Dur).empty()) {
        int64_t durMs = 0;
        if (!TextFields::parseDouble(col(Dur), dur) || dur < 0 || !TextFields::toMs(dur, 1000.0, durMs)) {
            reason = "bad Dur '" + std::string(col(Dur)) + "'";
            return false;
        }
        r.endMs = r.startMs + durMs;
    }
    if (!TextFields::parseProtocol(col(Proto), r.protocol)) {
        reason = "not an IP flow (protocol '" + std::string(col(Proto)) + "')";
        return false;
    }
    const auto src = IpAddress::parse(col(SrcAddr));
    const auto dst = IpAddress::parse(col(DstAddr));
    if (!src || !dst) {
        reason = "not an IP flow (address '" + std::string(src ? col(DstAddr) : col(SrcAddr)) + "')";
        return false;
    }
    r.src = *src;
    r.dst = *dst;
    uint64_t sport = 0, dport = 0, n = 0;
    if ((!col(Sport).empty() && !TextFields::parseUint(col(Sport), sport))
        || (!col(Dport).empty() && !TextFields::parseUint(col(Dport), dport))) {
        reason = "bad port '" + std::string(col(Sport)) + "'/'" + std::string(col(Dport)) + "'";
        return false;
    }
    if (r.protocol == IpProtocol::Icmp || r.protocol == IpProtocol::Icmp6) {
        // Argus puts the ICMP type in Sport and the code in Dport; NetFlow
        // exporters put type<<8|code in the destination port: follow NetFlow.
        r.srcPort = 0;
        r.dstPort = uint16_t((sport & 0xff) << 8 | (dport & 0xff));
    } else {
        r.srcPort = uint16_t(sport);
        r.dstPort = uint16_t(dport);
    }
    uint64_t totPkts = 0, totBytes = 0, srcBytes = 0, srcPkts = 0;
    if (!TextFields::parseUint(col(TotPkts), totPkts) || !TextFields::parseUint(col(TotBytes), totBytes)) {
        reason = "bad TotPkts/TotBytes";
        return false;
    }
    const bool haveSrcBytes = !col(SrcBytes).empty() && TextFields::parseUint(col(SrcBytes), srcBytes)
        && srcBytes <= totBytes;
    const bool haveSrcPkts = !col(SrcPkts).empty() && TextFields::parseUint(col(SrcPkts), srcPkts)
        && srcPkts <= totPkts;
    r.bytes = haveSrcBytes ? srcBytes : totBytes;
    r.revBytes = haveSrcBytes ? totBytes - srcBytes : 0;
    r.packets = haveSrcPkts ? srcPkts : totPkts;
    r.revPackets = haveSrcPkts ? totPkts - srcPkts : 0;
    if (!col(STos).empty() && TextFields::parseUint(col(STos), n))
        r.tos = uint8_t(n);
    if (!col(State).empty())
        r.connState = ConnState::fromLogState(col(State), r.protocol);
    nlohmann::json extra = nlohmann::json::object();
    for (Column c : {Dir, State, Label})
        if (!col(c).empty())
            extra[c == Dir ? "dir" : c == State ? "state" : "label"] = std::string(col(c));
    if (!extra.empty())
        // Input text is any bytes: invalid UTF-8 becomes U+FFFD (dump() would throw).
        r.extra = extra.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out.push_back(std::move(r));
    return true;
}
