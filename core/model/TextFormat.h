#pragma once

#include <cstdint>
#include <string>

// Text forms shared by findings, reports and the CLI.
namespace TextFormat {
std::string isoTime(int64_t epochMs);   // 2026-03-02T08:20:00.000Z
std::string humanBytes(double bytes);   // 1.5 MB (decimal units, as nfdump)
std::string humanDuration(double seconds); // 1 h 5 min, 60.2 s
std::string protocolName(uint8_t protocol); // tcp, udp, icmp, or the number
std::string fixed(double value, int decimals);
}
