#include "detect/FlowDeduplicator.h"

#include <cstdlib>
#include <functional>

size_t FlowDeduplicator::KeyHash::operator()(const Key& k) const noexcept
{
    size_t h = (uint64_t(k.src) << 32 | k.dst) * 0x9E3779B97F4A7C15ULL;
    h ^= (size_t(k.srcPort) << 16 | k.dstPort) * 0xC2B2AE3D27D4EB4FULL;
    h ^= std::hash<uint64_t>{}(k.bytes * 1000003 + k.packets) + k.protocol;
    return h ^ k.revBytes;
}

bool FlowDeduplicator::isDuplicate(const CompactFlow& f)
{
    while (!m_order.empty() && m_order.front().first < f.startMs - kWindowMs) {
        auto it = m_recent.find(m_order.front().second);
        if (it != m_recent.end() && it->second.startMs == m_order.front().first)
            m_recent.erase(it);
        m_order.pop_front();
    }
    const Key key{f.src, f.dst, f.srcPort, f.dstPort, f.protocol, f.bytes, f.packets, f.revBytes};
    const Seen seen{f.startMs, f.source};
    auto [it, inserted] = m_recent.try_emplace(key, seen);
    if (!inserted && std::llabs(f.startMs - it->second.startMs) <= kWindowMs) {
        if (it->second.source != f.source) {
            ++m_duplicates;
            return true;
        }
    }
    it->second = seen;
    m_order.emplace_back(f.startMs, key);
    return false;
}
