#pragma once

#include "import/TextFlowSource.h"

#include <nlohmann/json.hpp>

// Zeek conn.log, as TSV (with its #separator/#fields header; extra columns
// such as a leading _node_name or trailing label columns are fine) or as JSON
// lines. A conn record is bidirectional, originator → responder:
//   bytes/packets       = orig_ip_bytes/orig_pkts (IP-level, headers included,
//                         as NetFlow counts; orig_bytes is payload only and is
//                         used only when orig_ip_bytes is absent)
//   revBytes/revPackets = resp_ip_bytes/resp_pkts
//   start = ts, end = ts + duration; tcpFlags = the flags Zeek's history saw
//   in either direction (S/H/A/D/F/R). ICMP type/code (Zeek's orig_p/resp_p)
//   go to the destination port as type<<8|code, as NetFlow exporters put them.
// Every other column that is set (uid, service, conn_state, history, labels…)
// is kept in extra.
class ZeekConnSource final : public TextFlowSource {
public:
    explicit ZeekConnSource(bool json) : m_json(json) {}
    std::string formatName() const override { return m_json ? "zeek-conn-json" : "zeek-conn-tsv"; }
    static bool looksLikeJson(const nlohmann::json& firstObject);
    static bool looksLikeTsv(std::string_view firstLine);

protected:
    bool parseLine(std::string_view line, std::vector<FlowRecord>& out, std::string& reason) override;

private:
    enum Column { Ts, OrigH, OrigP, RespH, RespP, Proto, Duration, OrigBytes, RespBytes, OrigPkts, OrigIpBytes,
                  RespPkts, RespIpBytes, History, ConnStateCol, Other };
    struct Values;
    bool build(const Values& v, FlowRecord& r, std::string& reason);
    static Column columnOf(std::string_view name);

    std::vector<Column> m_columns;
    std::vector<std::string> m_names;
    std::vector<std::string_view> m_fields;
    std::string m_unset = "-";
    std::string m_empty = "(empty)";
    char m_sep = '\t';
    bool m_json = false;
};
