#include "import/ZeekConnSource.h"

#include "import/TextFields.h"

#include <cmath>

struct ZeekConnSource::Values {
    std::string_view v[Other];
    bool set[Other] = {};
    nlohmann::json extra = nlohmann::json::object();
};

bool ZeekConnSource::looksLikeJson(const nlohmann::json& j)
{
    if (!j.is_object() || !j.contains("id.orig_h") || !j.contains("id.resp_h") || !j.contains("ts"))
        return false;
    // dns, http, ssl... logs carry the 4-tuple too; only conn records have these.
    for (const char* key : {"conn_state", "orig_pkts", "orig_bytes", "duration", "history"})
        if (j.contains(key))
            return true;
    return false;
}

bool ZeekConnSource::looksLikeTsv(std::string_view first)
{
    return first.substr(0, 10) == "#separator" || first.substr(0, 8) == "#fields\t";
}

ZeekConnSource::Column ZeekConnSource::columnOf(std::string_view n)
{
    static const struct { const char* name; Column c; } kColumns[] = {
        {"ts", Ts}, {"id.orig_h", OrigH}, {"id.orig_p", OrigP}, {"id.resp_h", RespH}, {"id.resp_p", RespP},
        {"proto", Proto}, {"duration", Duration}, {"orig_bytes", OrigBytes}, {"resp_bytes", RespBytes},
        {"orig_pkts", OrigPkts}, {"orig_ip_bytes", OrigIpBytes}, {"resp_pkts", RespPkts},
        {"resp_ip_bytes", RespIpBytes}, {"history", History}, {"conn_state", ConnStateCol},
    };
    for (const auto& c : kColumns)
        if (n == c.name)
            return c.c;
    return Other;
}

bool ZeekConnSource::parseLine(std::string_view line, std::vector<FlowRecord>& out, std::string& reason)
{
    if (line.empty())
        return true;
    Values v;
    std::string numbers; // backing store for JSON numbers shown as text
    nlohmann::json j;
    if (m_json) {
        j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
        if (j.is_discarded() || !j.is_object()) {
            reason = "not a valid JSON object";
            return false;
        }
        // Numbers become text so that both forms share one path; reserve so
        // that views into the string stay valid.
        numbers.reserve(4096);
        for (auto it = j.begin(); it != j.end(); ++it) {
            const Column c = columnOf(it.key());
            if (c == Other) {
                if (!it.value().is_null())
                    v.extra[it.key()] = it.value();
                continue;
            }
            const auto& val = it.value();
            if (val.is_string()) {
                v.v[c] = val.get_ref<const std::string&>();
            } else if (val.is_number()) {
                const size_t at = numbers.size();
                numbers += val.is_number_float() ? [&] {
                    char buf[40];
                    std::snprintf(buf, sizeof buf, "%.6f", val.get<double>());
                    return std::string(buf);
                }() : val.dump();
                v.v[c] = std::string_view(numbers).substr(at);
            } else {
                continue;
            }
            v.set[c] = true;
        }
    } else {
        if (line.front() == '#') {
            auto rest = [&](std::string_view key) { return line.substr(key.size()); };
            if (line.substr(0, 11) == "#separator ") {
                const std::string_view s = rest("#separator ");
                if (s.size() == 4 && s.substr(0, 2) == "\\x")
                    m_sep = char(std::stoi(std::string(s.substr(2)), nullptr, 16));
                else if (s.size() == 1)
                    m_sep = s.front();
            } else if (line.substr(0, 7) == "#fields") {
                TextFields::split(line, m_sep, m_fields);
                m_columns.clear();
                m_names.clear();
                for (size_t i = 1; i < m_fields.size(); ++i) {
                    m_columns.push_back(columnOf(m_fields[i]));
                    m_names.emplace_back(m_fields[i]);
                }
            } else if (line.substr(0, 13) == "#unset_field" + std::string(1, m_sep)) {
                m_unset = std::string(line.substr(13));
            } else if (line.substr(0, 13) == "#empty_field" + std::string(1, m_sep)) {
                m_empty = std::string(line.substr(13));
            }
            return true; // #types, #path, #open, #close: nothing to import
        }
        if (m_columns.empty()) {
            reason = "data before the #fields header";
            return false;
        }
        TextFields::split(line, m_sep, m_fields);
        if (m_fields.size() != m_columns.size()) {
            reason = "expected " + std::to_string(m_columns.size()) + " fields, found "
                + std::to_string(m_fields.size());
            return false;
        }
        for (size_t i = 0; i < m_fields.size(); ++i) {
            const std::string_view f = m_fields[i];
            if (f == m_unset)
                continue;
            const Column c = m_columns[i];
            if (c == Other)
                v.extra[m_names[i]] = f == m_empty ? std::string() : std::string(f);
            else {
                v.v[c] = f;
                v.set[c] = true;
            }
        }
    }
    FlowRecord r;
    if (!build(v, r, reason))
        return false;
    out.push_back(std::move(r));
    return true;
}

bool ZeekConnSource::build(const Values& v, FlowRecord& r, std::string& reason)
{
    for (Column c : {Ts, OrigH, RespH}) {
        if (!v.set[c]) {
            reason = std::string("missing ") + (c == Ts ? "ts" : c == OrigH ? "id.orig_h" : "id.resp_h");
            return false;
        }
    }
    if (!TextFields::parseTime(v.v[Ts], r.startMs)) {
        reason = "bad ts '" + std::string(v.v[Ts]) + "'";
        return false;
    }
    double duration = 0;
    int64_t durationMs = 0;
    if (v.set[Duration]
        && (!TextFields::parseDouble(v.v[Duration], duration) || duration < 0
            || !TextFields::toMs(duration, 1000.0, durationMs))) {
        reason = "bad duration '" + std::string(v.v[Duration]) + "'";
        return false;
    }
    r.endMs = r.startMs + durationMs;
    const auto src = IpAddress::parse(v.v[OrigH]);
    const auto dst = IpAddress::parse(v.v[RespH]);
    if (!src || !dst) {
        reason = "bad address '" + std::string(src ? v.v[RespH] : v.v[OrigH]) + "'";
        return false;
    }
    r.src = *src;
    r.dst = *dst;
    if (v.set[Proto] && v.v[Proto] != "unknown_transport" && !TextFields::parseProtocol(v.v[Proto], r.protocol)) {
        reason = "bad proto '" + std::string(v.v[Proto]) + "'";
        return false;
    }
    uint64_t n[Other] = {};
    for (Column c : {OrigP, RespP, OrigBytes, RespBytes, OrigPkts, OrigIpBytes, RespPkts, RespIpBytes})
        if (v.set[c] && !TextFields::parseUint(v.v[c], n[c])) {
            reason = "bad number '" + std::string(v.v[c]) + "'";
            return false;
        }
    if (r.protocol == IpProtocol::Icmp || r.protocol == IpProtocol::Icmp6) {
        r.srcPort = 0;
        r.dstPort = uint16_t((n[OrigP] & 0xff) << 8 | (n[RespP] & 0xff));
    } else {
        r.srcPort = uint16_t(n[OrigP]);
        r.dstPort = uint16_t(n[RespP]);
    }
    r.bytes = v.set[OrigIpBytes] ? n[OrigIpBytes] : n[OrigBytes];
    r.revBytes = v.set[RespIpBytes] ? n[RespIpBytes] : n[RespBytes];
    r.packets = n[OrigPkts];
    r.revPackets = n[RespPkts];
    if (v.set[History]) {
        for (char ch : v.v[History]) {
            switch (ch | 0x20) { // either direction
            case 's': r.tcpFlags |= TcpFlag::Syn; break;
            case 'h': r.tcpFlags |= TcpFlag::Syn | TcpFlag::Ack; break;
            case 'a': case 'd': r.tcpFlags |= TcpFlag::Ack; break;
            case 'f': r.tcpFlags |= TcpFlag::Fin; break;
            case 'r': r.tcpFlags |= TcpFlag::Rst; break;
            default: break;
            }
        }
    }
    if (v.set[ConnStateCol])
        r.connState = ConnState::fromLogState(v.v[ConnStateCol], r.protocol);
    nlohmann::json extra = v.extra;
    if (v.set[ConnStateCol])
        extra["conn_state"] = std::string(v.v[ConnStateCol]);
    if (v.set[History])
        extra["history"] = std::string(v.v[History]);
    if (v.set[OrigBytes])
        extra["orig_bytes"] = n[OrigBytes];
    if (v.set[RespBytes])
        extra["resp_bytes"] = n[RespBytes];
    if (!extra.empty())
        // Input text is any bytes: invalid UTF-8 becomes U+FFFD (dump() would throw).
        r.extra = extra.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return true;
}
