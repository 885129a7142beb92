#pragma once

#include "model/FlowRecord.h"

#include <vector>

// Records a reader decoded ahead of what its caller asked for (one datagram or
// one nfdump block yields many): decoders append to records(), readBatch hands
// them out in order.
class PendingRecords final {
public:
    std::vector<FlowRecord>& records() { return m_records; }
    bool empty() const { return m_pos >= m_records.size(); }

    // Moves up to max records to out; returns how many it moved.
    size_t drainInto(std::vector<FlowRecord>& out, size_t max)
    {
        size_t moved = 0;
        while (m_pos < m_records.size() && moved < max) {
            out.push_back(std::move(m_records[m_pos++]));
            ++moved;
        }
        if (m_pos >= m_records.size()) {
            m_records.clear();
            m_pos = 0;
        }
        return moved;
    }

private:
    std::vector<FlowRecord> m_records;
    size_t m_pos = 0;
};
