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
        if (line >= 0)
            s += ":" + std::to_string(line);
        if (offset >= 0)
            s += " at byte " + std::to_string(offset);
        return s + ": " + reason;
    }
};
