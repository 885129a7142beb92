#pragma once

#include "analysis/DetectionSettings.h"

#include <string>
#include <vector>

// Reads an indicator list: one IPv4/IPv6 address or CIDR network per line,
// optionally followed (after whitespace or a comma) by a label; '#' starts a
// comment; blank lines are skipped. Lines that are not an address are
// reported by line number and skipped, the rest are kept.
class IndicatorList final {
public:
    static constexpr size_t kMaxProblems = 20;

    // false with error when the file cannot be read at all.
    static bool loadFile(const std::string& path, std::vector<Indicator>& out, std::vector<std::string>& problems,
                         std::string& error);
    static void parse(const std::string& text, const std::string& origin, std::vector<Indicator>& out,
                      std::vector<std::string>& problems);
};
