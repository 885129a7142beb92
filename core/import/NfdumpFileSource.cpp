#include "import/NfdumpFileSource.h"

bool NfdumpFileSource::open(const std::string& path, std::string& error)
{
    m_path = path;
    if (!m_reader.open(path, error))
        return false;
    m_decoder = NfdumpRecordDecoder(m_reader.info().nfdumpVersion);
    for (const NfdumpReadProblem& p : m_reader.openProblems())
        addIssue(p.offset, p.reason);
    return true;
}

void NfdumpFileSource::addIssue(int64_t offset, std::string reason)
{
    if (m_issues.size() < kMaxIssues)
        m_issues.push_back(ImportIssue{m_path, offset, -1, std::move(reason)});
}

void NfdumpFileSource::finishInput()
{
    m_done = true;
    const NfdumpFileInfo& info = m_reader.info();
    const uint64_t flows = m_decoder.totals().flows;
    // Said even past the cap on issues: it explains flows that are missing.
    if (const uint32_t over = m_reader.blocksOverLimit())
        m_issues.push_back(ImportIssue{m_path, -1, -1, "limit reached: " + std::to_string(over)
                                                           + " blocks announced or expanded to more than "
                                                           + std::to_string(NfdumpBlockReader::kMaxBlockBytes >> 20)
                                                           + " MiB and were skipped"});
    // The statistics record tells how many flows the writer stored; say so
    // when fewer came out and nothing else explains it.
    if (m_issues.empty() && info.haveStat && info.statFlows > flows)
        addIssue(-1, "the file's statistics count " + std::to_string(info.statFlows) + " flows, "
                         + std::to_string(flows) + " were read");
    if (flows == 0 && m_issues.empty())
        addIssue(-1, "no flow records in " + std::to_string(m_reader.blocksRead()) + " data blocks");
}

bool NfdumpFileSource::readBatch(std::vector<FlowRecord>& out, size_t maxRecords)
{
    size_t given = 0;
    for (;;) {
        given += m_buffer.drainInto(out, maxRecords - given); // what is already decoded first
        if (given >= maxRecords)
            return !(m_done && m_buffer.empty());
        if (m_done)
            return false;

        NfdumpBlock block;
        switch (m_reader.next(block)) {
        case NfdumpBlockReader::Result::End:
            finishInput();
            break;
        case NfdumpBlockReader::Result::Failed:
        case NfdumpBlockReader::Result::Damaged: {
            const NfdumpReadProblem& p = m_reader.problem();
            ++m_damagedBlocks;
            m_rejected += p.recordsLost;
            addIssue(p.offset, p.reason);
            break;
        }
        case NfdumpBlockReader::Result::Block:
            if (block.type == 4)
                break; // array block (GeoIP/Tor lookup tables), no flows
            m_decoder.decodeBlock(block.data, block.size, block.numRecords, m_buffer.records(), m_problems);
            for (NfdumpDecodeProblem& p : m_problems) {
                if (block.compressed)
                    addIssue(block.fileOffset, std::string(NfdumpFileInfo::compressionName(m_reader.info().compression))
                                                   + " block, decompressed byte " + std::to_string(p.offset) + ": "
                                                   + p.reason);
                else
                    addIssue(block.fileOffset + int64_t(NfdumpBlockReader::kBlockHeaderBytes) + int64_t(p.offset),
                             std::move(p.reason));
            }
            m_problems.clear();
            break;
        }
    }
}
