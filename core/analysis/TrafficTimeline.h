#pragma once

#include <cstdint>
#include <vector>

class FlowStore;
struct FlowRecord;

// Traffic per time bucket. A flow's bytes and packets are spread evenly over
// its duration so that a long transfer shows as a plateau, not a spike.
class TrafficTimeline final {
public:
    struct Bucket {
        int64_t startMs = 0;
        double bytes = 0;
        double packets = 0;
        double flows = 0; // flows starting in the bucket
    };

    TrafficTimeline(int64_t startMs, int64_t endMs, int64_t bucketMs);

    void add(const FlowRecord& flow);
    // The same for a flow given by its times and totals (both directions).
    void add(int64_t startMs, int64_t endMs, double bytes, double packets);
    const std::vector<Bucket>& buckets() const { return m_buckets; }
    int64_t bucketMs() const { return m_bucketMs; }

    // A bucket width giving about targetBuckets buckets over the span, rounded
    // to a readable unit (1 s, 10 s, 1 min, 5 min, ...).
    static int64_t chooseBucketMs(int64_t spanMs, int targetBuckets);
    // Whole-case timeline in about targetBuckets buckets.
    static TrafficTimeline fromStore(const FlowStore& store, int targetBuckets = 600);

private:
    int64_t m_startMs;
    int64_t m_bucketMs;
    std::vector<Bucket> m_buckets;
};
