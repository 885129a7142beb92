#pragma once

#include "decode/NfdumpRecordDecoder.h"
#include "import/FlowSource.h"
#include "import/PendingRecords.h"
#include "io/NfdumpBlockReader.h"

#include <string>
#include <vector>

// Flow records from an nfdump binary file (nfcapd.*, or nfdump -w output),
// nfdump 1.6 or 1.7 layout, any of its block compressions. Reads one block at
// a time. A damaged block is reported with its byte offset and skipped; the
// blocks after it are still read when the block chain allows it.
class NfdumpFileSource final : public FlowSource {
public:
    static constexpr size_t kMaxIssues = 100;

    static bool looksLike(const uint8_t* head, size_t n) { return NfdumpBlockReader::looksLike(head, n); }

    // Opens the file and reads its header; failure is reported through error.
    bool open(const std::string& path, std::string& error);

    bool readBatch(std::vector<FlowRecord>& out, size_t maxRecords) override;
    std::string formatName() const override { return "nfdump"; }
    int64_t bytesRead() const override { return m_reader.bytesRead(); }
    int64_t bytesTotal() const override { return m_reader.bytesTotal(); }
    uint64_t rejectedCount() const override { return m_rejected + m_decoder.totals().rejected; }
    const std::vector<ImportIssue>& issues() const override { return m_issues; }

    const NfdumpFileInfo& fileInfo() const { return m_reader.info(); }
    const NfdumpRecordDecoder::Totals& decoderTotals() const { return m_decoder.totals(); }
    uint64_t damagedBlocks() const { return m_damagedBlocks; }

private:
    void addIssue(int64_t offset, std::string reason);
    void finishInput();

    NfdumpBlockReader m_reader;
    NfdumpRecordDecoder m_decoder;
    std::string m_path;
    PendingRecords m_buffer; // decoded but not yet handed out
    std::vector<NfdumpDecodeProblem> m_problems;
    std::vector<ImportIssue> m_issues;
    uint64_t m_rejected = 0; // records lost with damaged blocks
    uint64_t m_damagedBlocks = 0;
    bool m_done = false;
};
