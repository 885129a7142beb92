#pragma once

#include <cstdint>
#include <string>

// A problem found in an input: where it is (file, byte offset or line) and why.
struct ImportIssue {
    std::string file;
    int64_t offset = -1; // byte offset in the file, -1 when not applicable
    int64_t line = -1;   // 1-based line, -1 when not applicable
    std::string reason;

    std::string toString() const
    {
        std::string s = file;
        // Appended piece by piece: GCC 12 at -O3 warns (-Wrestrict, a false
        // positive) on "literal" + std::to_string(...).
        if (line >= 0) {
            s += ':';
            s += std::to_string(line);
        }
        if (offset >= 0) {
            s += " at byte ";
            s += std::to_string(offset);
        }
        s += ": ";
        s += reason;
        return s;
    }
};
