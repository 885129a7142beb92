#pragma once

#include "import/TextFlowSource.h"

#include <array>

// Argus flow records as `ra -c , -s ...` writes them and the Stratosphere/CTU
// datasets publish them (.binetflow): a header StartTime,Dur,Proto,SrcAddr,
// Sport,Dir,DstAddr,Dport,State,sTos,dTos,TotPkts,TotBytes,SrcBytes[,SrcPkts],
// Label — comma or tab separated, columns found by name.
// Argus records are bidirectional: bytes = SrcBytes, revBytes = TotBytes −
// SrcBytes; with SrcPkts, packets = SrcPkts and revPackets = TotPkts − SrcPkts,
// without it all of TotPkts is counted in packets (the split is unknown).
// StartTime is read as UTC. Non-IP records (ARP, LLC, Argus management "man")
// are rejected with their line. Dir, State and Label are kept in extra.
class ArgusCsvSource final : public TextFlowSource {
public:
    std::string formatName() const override { return "argus-csv"; }
    static bool looksLike(std::string_view headerLine);

protected:
    bool parseLine(std::string_view line, std::vector<FlowRecord>& out, std::string& reason) override;

private:
    enum Column { StartTime, Dur, Proto, SrcAddr, Sport, Dir, DstAddr, Dport, State, STos, TotPkts, TotBytes,
                  SrcBytes, SrcPkts, Label, ColumnCount };
    std::array<int, ColumnCount> m_col{};
    std::vector<std::string_view> m_fields;
    char m_sep = ',';
    bool m_haveHeader = false;
};
