#include "detect/TrafficVolumes.h"

#include <algorithm>

TrafficVolumes::TrafficVolumes(int64_t startMs, int64_t endMs, int64_t bucketMs, int sourceCap)
    : m_bucketMs(std::max<int64_t>(bucketMs, 1)), m_cap(std::clamp(sourceCap, 1, 255))
{
    m_startMs = startMs - startMs % m_bucketMs;
    m_buckets = size_t(std::max<int64_t>(1, (endMs - m_startMs) / m_bucketMs + 1));
}

void TrafficVolumes::add(uint32_t dst, uint32_t src, int64_t startMs, int64_t endMs, uint64_t packets, uint64_t bytes)
{
    if (m_buckets == 0)
        return;
    if (dst >= m_index.size())
        m_index.resize(std::max<size_t>(size_t(dst) + 1, 2 * m_index.size()), 0);
    uint32_t& slot = m_index[dst];
    if (slot == 0) {
        Series s;
        s.destination = dst;
        s.buckets.resize(m_buckets);
        s.sources.resize(m_buckets * size_t(m_cap));
        m_series.push_back(std::move(s));
        slot = uint32_t(m_series.size());
    }
    Series& s = m_series[slot - 1];
    const int64_t last = int64_t(m_buckets) - 1;
    const int64_t b0 = std::clamp<int64_t>((startMs - m_startMs) / m_bucketMs, 0, last);
    const int64_t b1 = std::clamp<int64_t>((std::max(endMs, startMs) - m_startMs) / m_bucketMs, 0, last);
    const double n = double(b1 - b0 + 1);
    for (int64_t b = b0; b <= b1; ++b) {
        const size_t i = size_t(b);
        Bucket& bucket = s.buckets[i];
        bucket.packets += double(packets) / n;
        bucket.bytes += double(bytes) / n;
        uint8_t& count = bucket.sourceCount;
        if (count < m_cap) {
            uint32_t* ids = s.sources.data() + i * size_t(m_cap);
            if (std::find(ids, ids + count, src) == ids + count)
                ids[count++] = src;
        }
    }
    s.buckets[size_t(b0)].flows += 1;
}
