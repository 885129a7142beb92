#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

// Parsing of the text values flow exports write: numbers, protocol names, TCP
// flag strings and calendar times. All times are taken as UTC.
class TextFields final {
public:
    // Splits on sep; a field in double quotes may contain sep ("" is a quote).
    // The views point into line (quoted fields lose their quotes, not their
    // doubled inner quotes, which flow exports do not use).
    static void split(std::string_view line, char sep, std::vector<std::string_view>& out);
    static std::string_view trim(std::string_view s);

    static bool parseUint(std::string_view s, uint64_t& out);    // decimal or 0x hex
    static bool parseDouble(std::string_view s, double& out);
    // "2026-03-02 08:00:06[.fff]", "2026-03-02T08:00:06[.fff][Z]", "2019/04/04 16:24:47.672448"
    // or epoch seconds with a fraction; epoch ms out.
    static bool parseTime(std::string_view s, int64_t& epochMs);
    // Times and durations read from text stay within ±kMaxTimeMs (about 31,700
    // years): anything beyond is nonsense, and sums of such values would overflow.
    static constexpr int64_t kMaxTimeMs = 1'000'000'000'000'000;
    // value × msPerUnit, rounded, into ms; false when not finite or beyond kMaxTimeMs.
    static bool toMs(double value, double msPerUnit, int64_t& ms);
    // "TCP", "tcp", "6", "ipv6-icmp" ...; false for non-IP protocols (e.g. Argus "llc", "arp").
    static bool parseProtocol(std::string_view s, uint8_t& out);
    // nfdump "...AP.SF" / Argus-like letters, or a number (decimal or 0x hex).
    static bool parseTcpFlags(std::string_view s, uint8_t& out);
    static int64_t daysFromCivil(int64_t y, unsigned m, unsigned d);
};
