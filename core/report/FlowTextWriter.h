#pragma once

#include "model/FlowRecord.h"

#include <cstdio>
#include <string>

// Writes flow records one per line, as CSV (with a header row) or JSON lines,
// for `flowsift-cli decode`. Column names are stable: other tools parse them.
class FlowTextWriter final {
public:
    enum class Format { Csv, JsonLines };

    FlowTextWriter(std::FILE* out, Format format);
    void write(const FlowRecord& r);
    uint64_t written() const { return m_written; }

    static const char* columns(); // the CSV header, without newline

private:
    std::FILE* m_out;
    Format m_format;
    bool m_headerDone = false;
    uint64_t m_written = 0;
    std::string m_line; // reused between records
};
