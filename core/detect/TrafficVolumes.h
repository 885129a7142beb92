#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

// Packets, bytes, records and distinct sources per time bucket towards each
// destination that may be internal, summed while the flows stream by: the
// volumetric detector's input, so that no flow has to stay in memory.
// Distinct sources are counted up to a cap (the detector only asks "at least
// minSources?"), which keeps a bucket at a few dozen bytes.
class TrafficVolumes final {
public:
    // One bucket's sums in one place: a record touches one or two cache lines, not five arrays.
    struct Bucket {
        double packets = 0;
        double bytes = 0;
        double flows = 0;
        uint8_t sourceCount = 0; // distinct sources, at most the cap
    };
    struct Series {
        uint32_t destination = 0; // AddressBook id
        std::vector<Bucket> buckets;
        std::vector<uint32_t> sources; // per bucket, the first `cap` distinct source ids
    };

    TrafficVolumes() = default;
    TrafficVolumes(int64_t startMs, int64_t endMs, int64_t bucketMs, int sourceCap);

    // One direction of a flow towards dst (its counters already scaled), spread
    // evenly over the buckets its duration spans.
    void add(uint32_t dst, uint32_t src, int64_t startMs, int64_t endMs, uint64_t packets, uint64_t bytes);

    int64_t startMs() const { return m_startMs; }
    int64_t bucketMs() const { return m_bucketMs; }
    size_t buckets() const { return m_buckets; }
    int sourceCap() const { return m_cap; }
    const std::vector<Series>& series() const { return m_series; }

private:
    int64_t m_startMs = 0;
    int64_t m_bucketMs = 60'000;
    size_t m_buckets = 0;
    int m_cap = 0;
    std::vector<uint32_t> m_index; // destination (AddressBook id) -> series + 1, 0 for none
    std::vector<Series> m_series;
};
