#include "import/TextFlowSource.h"

bool TextFlowSource::open(const std::string& path, std::string& error)
{
    m_path = path;
    return m_lines.open(path, error);
}

void TextFlowSource::note(std::string reason, int64_t line)
{
    if (m_issues.size() < kMaxIssues)
        m_issues.push_back({m_path, -1, line == -2 ? m_lines.lineNumber() : line, std::move(reason)});
}

void TextFlowSource::rejectRecords(uint64_t count, const std::string& reason, int64_t line)
{
    m_rejected += count;
    note(reason, line);
}

bool TextFlowSource::readBatch(std::vector<FlowRecord>& out, size_t maxRecords)
{
    const size_t target = out.size() + maxRecords;
    m_held.drainInto(out, maxRecords);
    if (m_done)
        return !m_held.empty();
    std::string_view line;
    while (out.size() < target) {
        if (!m_lines.nextLine(line)) {
            if (!m_lines.error().empty())
                note("read error: " + m_lines.error() + "; the rest of the file was not read");
            finish(out);
            m_done = true;
            keepSurplus(out, target);
            return !m_held.empty();
        }
        if (m_lines.tooLong()) {
            rejectRecords(1, "line longer than " + std::to_string(GzipLineReader::kMaxLineBytes) + " bytes");
            continue;
        }
        m_reason.clear();
        if (!parseLine(line, out, m_reason))
            rejectRecords(1, m_reason);
    }
    keepSurplus(out, target);
    return true;
}

void TextFlowSource::keepSurplus(std::vector<FlowRecord>& out, size_t target)
{
    if (out.size() <= target)
        return;
    std::vector<FlowRecord>& held = m_held.records(); // empty: records are parsed only once it is drained
    held.insert(held.end(), std::make_move_iterator(out.begin() + std::ptrdiff_t(target)),
                std::make_move_iterator(out.end()));
    out.resize(target);
}
