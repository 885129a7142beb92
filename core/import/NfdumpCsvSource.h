#pragma once

#include "import/TextFlowSource.h"

#include <array>

// `nfdump -r FILE -o csv` output: a header line (ts,te,td,sa,da,sp,dp,pr,flg,
// …,ipkt,ibyt,opkt,obyt,…,ra,…), one line per flow, and with nfdump 1.6 a
// trailing "Summary" block. Columns are found by name, so both the 1.6 and
// 1.7 layouts work. nfdump prints times in the local time of the machine that
// ran it; they are read as UTC (run nfdump with TZ=UTC, as the corpus does).
// ts has whole seconds only: the start is ts and the end ts + td (td keeps ms).
class NfdumpCsvSource final : public TextFlowSource {
public:
    std::string formatName() const override { return "nfdump-csv"; }
    static bool looksLike(std::string_view headerLine);

protected:
    bool parseLine(std::string_view line, std::vector<FlowRecord>& out, std::string& reason) override;

private:
    enum Column { Ts, Te, Td, Sa, Da, Sp, Dp, Pr, Flg, Stos, Ipkt, Ibyt, Opkt, Obyt, In, Out, Ra, ColumnCount };
    std::array<int, ColumnCount> m_col{};
    bool m_haveHeader = false;
    bool m_inSummary = false;
    std::vector<std::string_view> m_fields;
};
