#include "import/NfdumpCsvSource.h"

#include "import/TextFields.h"

#include <cmath>

bool NfdumpCsvSource::looksLike(std::string_view header)
{
    return header.substr(0, 9) == "ts,te,td," && header.find(",sa,da,") != std::string_view::npos;
}

bool NfdumpCsvSource::parseLine(std::string_view line, std::vector<FlowRecord>& out, std::string& reason)
{
    if (!m_haveHeader) {
        TextFields::split(line, ',', m_fields);
        static const char* const kNames[ColumnCount] = {"ts", "te", "td", "sa", "da", "sp", "dp", "pr", "flg",
                                                        "stos", "ipkt", "ibyt", "opkt", "obyt", "in", "out", "ra"};
        m_col.fill(-1);
        for (size_t i = 0; i < m_fields.size(); ++i)
            for (int c = 0; c < ColumnCount; ++c)
                if (m_fields[i] == kNames[c] && m_col[c] < 0)
                    m_col[c] = int(i);
        for (int c : {Ts, Sa, Da, Pr, Ibyt, Ipkt})
            if (m_col[c] < 0) {
                reason = std::string("nfdump csv header without the ") + kNames[c] + " column";
                m_haveHeader = true; // report once; every row will then fail on that column
                return false;
            }
        m_haveHeader = true;
        return true;
    }
    if (m_inSummary || line.empty())
        return true;
    if (line == "Summary") {
        // nfdump 1.6 appends totals: not flows.
        m_inSummary = true;
        return true;
    }
    TextFields::split(line, ',', m_fields);
    auto col = [&](Column c) -> std::string_view {
        return m_col[c] >= 0 && size_t(m_col[c]) < m_fields.size() ? m_fields[size_t(m_col[c])] : std::string_view();
    };
    if (m_col[Ts] < 0 || m_fields.size() <= size_t(m_col[Ibyt])) {
        reason = "expected at least " + std::to_string(m_col[Ibyt] + 1) + " fields, found "
            + std::to_string(m_fields.size());
        return false;
    }
    FlowRecord r;
    if (!TextFields::parseTime(col(Ts), r.startMs)) {
        reason = "bad start time '" + std::string(col(Ts)) + "'";
        return false;
    }
    double td = 0;
    int64_t tdMs = 0;
    if (m_col[Td] >= 0 && TextFields::parseDouble(col(Td), td) && td >= 0 && TextFields::toMs(td, 1000.0, tdMs))
        r.endMs = r.startMs + tdMs; // both within kMaxTimeMs (found by fuzz_csv: td of 1e300 overflowed)
    else if (m_col[Te] < 0 || !TextFields::parseTime(col(Te), r.endMs))
        r.endMs = r.startMs;
    const auto src = IpAddress::parse(TextFields::trim(col(Sa)));
    const auto dst = IpAddress::parse(TextFields::trim(col(Da)));
    if (!src || !dst) {
        reason = "bad address '" + std::string(src ? col(Da) : col(Sa)) + "'";
        return false;
    }
    r.src = *src;
    r.dst = *dst;
    if (!TextFields::parseProtocol(col(Pr), r.protocol)) {
        reason = "bad protocol '" + std::string(col(Pr)) + "'";
        return false;
    }
    uint64_t n = 0;
    auto number = [&](Column c, uint64_t& v, bool required) {
        if (m_col[c] < 0)
            return !required;
        std::string_view s = TextFields::trim(col(c));
        if (s.empty())
            return !required;
        // ICMP in nfdump's dp column is "type.code".
        if (c == Dp) {
            const size_t dot = s.find('.');
            uint64_t type = 0, code = 0;
            if (dot != std::string_view::npos && TextFields::parseUint(s.substr(0, dot), type)
                && TextFields::parseUint(s.substr(dot + 1), code)) {
                v = type << 8 | code;
                return true;
            }
        }
        if (!TextFields::parseUint(s, v)) {
            reason = "bad number '" + std::string(s) + "'";
            return false;
        }
        return true;
    };
    if (!number(Sp, n, false)) return false;
    r.srcPort = uint16_t(n);
    n = 0;
    if (!number(Dp, n, false)) return false;
    r.dstPort = uint16_t(n);
    if (!number(Ibyt, r.bytes, true) || !number(Ipkt, r.packets, true) || !number(Obyt, r.revBytes, false)
        || !number(Opkt, r.revPackets, false))
        return false;
    n = 0;
    if (!number(Stos, n, false)) return false;
    r.tos = uint8_t(n);
    n = 0;
    if (!number(In, n, false)) return false;
    r.inputIf = uint32_t(n);
    n = 0;
    if (!number(Out, n, false)) return false;
    r.outputIf = uint32_t(n);
    if (m_col[Flg] >= 0 && !TextFields::parseTcpFlags(col(Flg), r.tcpFlags)) {
        reason = "bad TCP flags '" + std::string(col(Flg)) + "'";
        return false;
    }
    if (m_col[Ra] >= 0)
        if (auto ra = IpAddress::parse(TextFields::trim(col(Ra))))
            r.exporter = *ra;
    out.push_back(std::move(r));
    return true;
}
