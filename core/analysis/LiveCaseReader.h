#pragma once

#include "analysis/TrafficTimeline.h"
#include "store/FlowStore.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

// Follows a case that a collector is filling. Each refresh() reads only the
// flows stored since the last one (by row id: the live case has no flow
// indexes), so keeping a view current costs what arrived, not the case.
// Keeps 32 bytes per flow for the timeline. Use from one thread at a time.
class LiveCaseReader final {
public:
    explicit LiveCaseReader(std::string casePath);

    // Reads what was committed since the last call; false with error set when
    // the case cannot be read.
    bool refresh(std::string& error);
    const FlowStore::Summary& summary() const { return m_summary; }
    // Whole-case timeline in about targetBuckets buckets (as TrafficTimeline::fromStore).
    TrafficTimeline timeline(int targetBuckets = 600) const;

private:
    struct Span {
        int64_t startMs;
        int64_t endMs;
        double bytes;   // scaled by the sampling rate, as the timeline shows traffic
        double packets;
    };

    std::string m_path;
    std::unique_ptr<FlowStore> m_store;
    int64_t m_lastId = 0;
    std::vector<Span> m_spans;
    std::vector<std::pair<IpAddress, uint64_t>> m_exporters; // (address, port << 32 | domain)
    FlowStore::Summary m_summary;
};
