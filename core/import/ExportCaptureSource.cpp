#include "import/ExportCaptureSource.h"

#include <algorithm>
#include <iterator>

bool ExportCaptureSource::open(const std::string& path, std::string& error)
{
    m_path = path;
    return m_reader.open(path, error);
}

void ExportCaptureSource::addIssue(int64_t offset, std::string reason)
{
    if (m_issues.size() < kMaxIssues)
        m_issues.push_back(ImportIssue{m_path, offset, -1, std::move(reason)});
}

void ExportCaptureSource::addDecodeIssues(const UdpDatagram& d)
{
    for (DecodeIssue& i : m_decodeIssues) {
        ++m_rejected;
        if (m_issues.size() >= kMaxIssues)
            continue;
        // Byte offset in the file when the capture format gives it (classic pcap).
        const int64_t offset = d.payloadFileOffset >= 0 ? d.payloadFileOffset + int64_t(i.offset) : -1;
        std::string where = "packet " + std::to_string(d.packetNumber) + ", datagram byte "
            + std::to_string(i.offset) + ": ";
        addIssue(offset, where + i.reason);
    }
    m_decodeIssues.clear();
}

void ExportCaptureSource::finishInput()
{
    m_done = true;
    m_decoder.finish(m_buffer.records(), m_decodeIssues);
    for (DecodeIssue& i : m_decodeIssues) {
        ++m_rejected;
        addIssue(-1, std::move(i.reason));
    }
    m_decodeIssues.clear();

    const CaptureStats& cs = m_reader.stats();
    const DecoderTotals& dt = m_decoder.totals();
    if (cs.truncatedPackets)
        addIssue(-1, std::to_string(cs.truncatedPackets) + " packets were truncated by the capture (caplen < len)");
    if (cs.fragmentsIncomplete)
        addIssue(-1, std::to_string(cs.fragmentsIncomplete) + " fragmented datagrams were incomplete (a fragment "
                         "is missing from the capture) and could not be decoded");
    if (cs.fragmentsInvalid)
        addIssue(-1, std::to_string(cs.fragmentsInvalid) + " IP fragments were truncated or contradict their "
                         "datagram");
    // Limits reached are always said, even past the cap on issues: they explain
    // flows that are missing.
    const DecoderLimits& lim = m_decoder.limits();
    auto limit = [this](uint64_t count, const std::string& what) {
        if (count)
            m_issues.push_back(ImportIssue{m_path, -1, -1, "limit reached: " + std::to_string(count) + " " + what});
    };
    limit(dt.exportersRefused, "datagrams not decoded, from exporters beyond the first "
                                   + std::to_string(lim.maxExporters));
    limit(dt.templatesRefused, "templates not kept (at most " + std::to_string(lim.maxTemplatesPerExporter)
                                   + " per exporter, " + std::to_string(lim.maxTemplatesTotal) + " in all)");
    limit(dt.templatesTooLarge, "templates refused for more than " + std::to_string(lim.maxTemplateFields)
                                    + " fields or records longer than a message");
    limit(dt.pendingOverflow, "data sets dropped while waiting for their template (at most "
                                  + std::to_string(lim.maxPendingSetsPerExporter) + " sets and "
                                  + std::to_string(lim.maxPendingBytesPerExporter) + " bytes per exporter, "
                                  + std::to_string(lim.maxPendingBytesTotal) + " bytes in all)");
    limit(dt.optionsNotKept, "options records not kept as exporter metadata");
    if (dt.datagrams == 0)
        addIssue(-1, "no UDP datagrams in " + std::to_string(cs.packets) + " packets");
    else if (dt.datagrams == dt.notExport)
        addIssue(-1, "none of the " + std::to_string(dt.datagrams) + " UDP datagrams is NetFlow v5/v9 or IPFIX");
}

bool ExportCaptureSource::readBatch(std::vector<FlowRecord>& out, size_t maxRecords)
{
    size_t given = 0;
    for (;;) {
        given += m_buffer.drainInto(out, maxRecords - given); // what is already decoded first
        if (given >= maxRecords)
            return !(m_done && m_buffer.empty());
        if (m_done)
            return false;

        UdpDatagram d;
        switch (m_reader.next(d)) {
        case CaptureReader::Result::End:
            finishInput();
            break;
        case CaptureReader::Result::Error:
            ++m_rejected;
            addIssue(m_reader.bytesRead(), m_reader.lastError());
            finishInput();
            break;
        case CaptureReader::Result::Datagram: {
            // Decode straight into the caller's batch (the buffer is empty here:
            // drainInto stopped short of maxRecords); only a datagram's records
            // beyond maxRecords wait in the buffer for the next call.
            const size_t before = out.size();
            m_decoder.decode(d.srcAddr, d.srcPort, d.timestampUs, d.payload, d.length, out, m_decodeIssues);
            const size_t room = maxRecords - given;
            const size_t decoded = out.size() - before;
            if (decoded > room) {
                std::vector<FlowRecord>& rest = m_buffer.records();
                rest.insert(rest.end(), std::make_move_iterator(out.begin() + std::ptrdiff_t(before + room)),
                            std::make_move_iterator(out.end()));
                out.resize(before + room);
            }
            given += std::min(decoded, room);
            if (!m_decodeIssues.empty())
                addDecodeIssues(d);
            break;
        }
        }
    }
}
