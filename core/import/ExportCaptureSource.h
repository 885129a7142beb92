#pragma once

#include "decode/ExportDecoder.h"
#include "import/FlowSource.h"
#include "import/PendingRecords.h"
#include "io/CaptureReader.h"

#include <string>
#include <vector>

// Flow records from a pcap/pcapng capture of NetFlow v5/v9/IPFIX export
// datagrams. UDP datagrams that are not exports are skipped and counted.
class ExportCaptureSource final : public FlowSource {
public:
    // Issues listed per input; the lines that say which decoder limits were
    // reached come on top (at most kLimitIssues of them).
    static constexpr size_t kMaxIssues = 100;
    static constexpr size_t kLimitIssues = 5;

    // Opens the capture; nullptr-like failure is reported through error.
    bool open(const std::string& path, std::string& error);

    bool readBatch(std::vector<FlowRecord>& out, size_t maxRecords) override;
    std::string formatName() const override { return "pcap-netflow"; }
    int64_t bytesRead() const override { return m_reader.bytesRead(); }
    int64_t bytesTotal() const override { return m_reader.bytesTotal(); }
    uint64_t rejectedCount() const override { return m_rejected; }
    const std::vector<ImportIssue>& issues() const override { return m_issues; }

    const CaptureStats& captureStats() const { return m_reader.stats(); }
    const DecoderTotals& decoderTotals() const { return m_decoder.totals(); }
    std::vector<ExporterStats> exporterStats() const { return m_decoder.exporterStats(); }
    uint64_t skippedDatagrams() const { return m_decoder.totals().notExport; }

private:
    void addIssue(int64_t offset, std::string reason);
    void addDecodeIssues(const UdpDatagram& d);
    void finishInput();

    CaptureReader m_reader;
    ExportDecoder m_decoder;
    std::string m_path;
    PendingRecords m_buffer; // decoded but not yet handed out
    std::vector<DecodeIssue> m_decodeIssues;
    std::vector<ImportIssue> m_issues;
    uint64_t m_rejected = 0;
    bool m_done = false;
};
