#pragma once

#include "import/FlowSource.h"
#include "import/GzipLineReader.h"
#include "import/PendingRecords.h"

#include <string>
#include <string_view>
#include <vector>

// Shared plumbing of the line-oriented readers (CSV, TSV, JSON lines): plain
// or gzip input, progress by bytes read from the file, and the bad-record
// bookkeeping every reader owes the user (count all, locate the first
// kMaxIssues by line).
class TextFlowSource : public FlowSource {
public:
    static constexpr size_t kMaxIssues = 100;

    bool open(const std::string& path, std::string& error);

    bool readBatch(std::vector<FlowRecord>& out, size_t maxRecords) override;
    int64_t bytesRead() const override { return m_lines.bytesRead(); }
    int64_t bytesTotal() const override { return m_lines.bytesTotal(); }
    uint64_t rejectedCount() const override { return m_rejected; }
    const std::vector<ImportIssue>& issues() const override { return m_issues; }

protected:
    // Interprets one line, appending zero or more records. Returns false with
    // reason set to reject the line (it is counted and located; reading goes on).
    virtual bool parseLine(std::string_view line, std::vector<FlowRecord>& out, std::string& reason) = 0;
    // Called once at end of input (records held back, e.g. waiting for an
    // exporter's options record, are released or rejected here).
    virtual void finish(std::vector<FlowRecord>& out) {}

    // Records a problem at the current line without rejecting a record (e.g. a
    // whole-file caveat), or rejects count records at once.
    void note(std::string reason, int64_t line = -2);
    void rejectRecords(uint64_t count, const std::string& reason, int64_t line = -2);

    int64_t lineNumber() const { return m_lines.lineNumber(); }
    const std::string& path() const { return m_path; }

private:
    // Records past maxRecords: one line may hold many (python-netflow), or
    // finish() release many; they go out first in the next call.
    void keepSurplus(std::vector<FlowRecord>& out, size_t target);

    GzipLineReader m_lines;
    PendingRecords m_held;
    std::string m_path;
    std::vector<ImportIssue> m_issues;
    uint64_t m_rejected = 0;
    bool m_done = false;
    std::string m_reason;
};
