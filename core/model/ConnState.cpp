#include "model/FlowRecord.h"

uint8_t ConnState::fromLogState(std::string_view s, uint8_t protocol)
{
    // Zeek conn_state (also used by some Argus exports).
    static const struct {
        std::string_view name;
        uint8_t state;
    } kZeek[] = {
        {"S0", Attempt},  {"REJ", Attempt},         {"RSTOS0", Attempt},      {"RSTRH", Attempt},
        {"SH", Attempt},  {"SHR", Attempt},         {"S1", Established},      {"S2", Established},
        {"S3", Established}, {"SF", Established},   {"RSTO", Established},    {"RSTR", Established},
    };
    for (const auto& z : kZeek)
        if (s == z.name)
            return z.state;
    // Argus's own summaries.
    if (s == "CON" || s == "ACC" || s == "FIN" || s == "CLO")
        return protocol == IpProtocol::Tcp || protocol == IpProtocol::Udp ? Established : Unknown;
    if (s == "REQ" || s == "INT")
        return Attempt;
    // CTU/Argus flag pairs "SRC_DST", e.g. S_RA (SYN answered by RST-ACK), SR_SA, FSPA_FSPA.
    const size_t bar = s.find('_');
    if (bar != std::string_view::npos && protocol == IpProtocol::Tcp) {
        const std::string_view src = s.substr(0, bar), dst = s.substr(bar + 1);
        const bool synAck = dst.find('S') != std::string_view::npos && dst.find('A') != std::string_view::npos;
        const bool data = src.find('P') != std::string_view::npos || dst.find('P') != std::string_view::npos;
        if (!synAck)
            return Attempt; // nothing or only a reset came back
        if (!data && src.find('R') != std::string_view::npos)
            return Attempt; // SYN-ACK torn down by the client: a half-open probe
        return src.find('A') != std::string_view::npos ? Established : Unknown;
    }
    return Unknown;
}
