#pragma once

#include "import/NamedFlowFields.h"
#include "import/TextFlowSource.h"

// CSV with NetFlow v9 (or IPFIX) column names, as the public NetFlow datasets
// publish them (NF-UNSW-NB15, NF-CSE-CIC-IDS2018, …: IPV4_SRC_ADDR,L4_SRC_PORT,
// IPV4_DST_ADDR,L4_DST_PORT,PROTOCOL,IN_BYTES,OUT_BYTES,IN_PKTS,OUT_PKTS,
// TCP_FLAGS,FLOW_DURATION_MILLISECONDS,…,Label,Attack). Other columns (labels,
// L7 protocol, …) are kept in the record's extra JSON.
//
// Most of these datasets carry no timestamps. Rather than refuse them, each
// row gets a synthetic start: its row number in milliseconds after the epoch
// (row 1 at 1970-01-01T00:00:00.000Z), so order is kept and durations are
// real; the import is flagged timesSynthetic and an issue says so, so that
// time-based detectors (beaconing) are not trusted on such a case.
class NetflowCsvSource final : public TextFlowSource {
public:
    std::string formatName() const override { return "netflow-csv"; }
    bool timesSynthetic() const override { return m_synthetic; }
    static bool looksLike(std::string_view headerLine);

protected:
    bool parseLine(std::string_view line, std::vector<FlowRecord>& out, std::string& reason) override;

private:
    struct Column {
        NamedFlowFields::Field field;
        std::string name;
    };
    std::vector<Column> m_columns;
    std::vector<std::string_view> m_fields;
    NamedFlowFields m_builder;
    char m_sep = ',';
    bool m_haveHeader = false;
    bool m_synthetic = false;
    int64_t m_row = 0;
};
