#include "analysis/TrafficTimeline.h"

#include "model/FlowRecord.h"
#include "store/FlowStore.h"

#include <algorithm>

TrafficTimeline::TrafficTimeline(int64_t startMs, int64_t endMs, int64_t bucketMs)
    : m_startMs(startMs - startMs % std::max<int64_t>(bucketMs, 1))
    , m_bucketMs(std::max<int64_t>(bucketMs, 1))
{
    const int64_t n = std::max<int64_t>(1, (endMs - m_startMs) / m_bucketMs + 1);
    m_buckets.resize(size_t(std::min<int64_t>(n, 10'000'000)));
    for (size_t i = 0; i < m_buckets.size(); ++i)
        m_buckets[i].startMs = m_startMs + int64_t(i) * m_bucketMs;
}

void TrafficTimeline::add(const FlowRecord& flow)
{
    add(flow.startMs, flow.endMs, double(flow.bytes + flow.revBytes), double(flow.packets + flow.revPackets));
}

void TrafficTimeline::add(int64_t startMs, int64_t endMs, double bytes, double packets)
{
    const int64_t last = int64_t(m_buckets.size()) - 1;
    auto index = [&](int64_t t) { return std::clamp<int64_t>((t - m_startMs) / m_bucketMs, 0, last); };
    const int64_t first = index(startMs);
    const int64_t end = index(std::max(endMs, startMs));
    m_buckets[size_t(first)].flows += 1;
    if (first == end) {
        m_buckets[size_t(first)].bytes += bytes;
        m_buckets[size_t(first)].packets += packets;
        return;
    }
    // Spread by the share of the flow's duration that falls into each bucket.
    const double duration = double(endMs - startMs);
    for (int64_t i = first; i <= end; ++i) {
        const int64_t b0 = std::max(startMs, m_startMs + i * m_bucketMs);
        const int64_t b1 = std::min(endMs, m_startMs + (i + 1) * m_bucketMs);
        const double share = double(std::max<int64_t>(b1 - b0, 0)) / duration;
        m_buckets[size_t(i)].bytes += bytes * share;
        m_buckets[size_t(i)].packets += packets * share;
    }
}

int64_t TrafficTimeline::chooseBucketMs(int64_t spanMs, int targetBuckets)
{
    static const int64_t steps[] = {1000, 5000, 10000, 30000, 60000, 300000, 600000, 900000, 1800000,
                                    3600000, 3 * 3600000LL, 6 * 3600000LL, 12 * 3600000LL, 86400000LL};
    const int64_t wanted = spanMs / std::max(targetBuckets, 1);
    for (int64_t s : steps)
        if (s >= wanted)
            return s;
    return 86400000LL * ((wanted + 86399999LL) / 86400000LL);
}

TrafficTimeline TrafficTimeline::fromStore(const FlowStore& store, int targetBuckets)
{
    const FlowStore::Summary s = store.summary();
    TrafficTimeline timeline(s.startMs, s.endMs, chooseBucketMs(s.endMs - s.startMs, targetBuckets));
    store.forEachFlow([&](const FlowRecord& f) {
        timeline.add(f.scaledBySampling());
        return true;
    });
    return timeline;
}
