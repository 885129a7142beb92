#include "io/IpFragmentReassembler.h"

#include <algorithm>
#include <cstring>

const std::vector<uint8_t>* IpFragmentReassembler::add(const Key& key, int64_t timeUs, size_t offsetBytes,
                                                        bool moreFragments, const uint8_t* data, size_t length)
{
    ++m_stats.fragments;
    if (timeUs - m_lastExpiryUs > 1'000'000 || timeUs < m_lastExpiryUs) {
        expire(timeUs);
        m_lastExpiryUs = timeUs;
    }
    const size_t end = offsetBytes + length;
    // Every fragment but the last carries a multiple of 8 bytes (RFC 791).
    if (end > kMaxDatagram || (moreFragments && length % 8) || offsetBytes % 8) {
        ++m_stats.invalid;
        return nullptr;
    }
    auto it = m_pending.find(key);
    if (it == m_pending.end()) {
        if (m_pending.size() >= kMaxPending) {
            // Drop the oldest: a flood of lone fragments must not grow memory.
            auto oldest = std::min_element(m_pending.begin(), m_pending.end(), [](const auto& a, const auto& b) {
                return a.second.firstUs < b.second.firstUs;
            });
            m_pending.erase(oldest);
            ++m_stats.expired;
        }
        it = m_pending.emplace(key, Pending{}).first;
        it->second.firstUs = timeUs;
    }
    Pending& p = it->second;
    if (!moreFragments) {
        if ((p.totalLength && p.totalLength != end) || p.bytes.size() > end) {
            ++m_stats.invalid; // two different ends, or data already past this end
            m_pending.erase(it);
            ++m_stats.expired;
            return nullptr;
        }
        p.totalLength = end;
    } else if (p.totalLength && end > p.totalLength) {
        ++m_stats.invalid;
        m_pending.erase(it);
        ++m_stats.expired;
        return nullptr;
    }
    if (p.bytes.size() < end) {
        p.bytes.resize(end);
        p.have.resize((end + 7) / 8, false);
    }
    for (size_t unit = offsetBytes / 8, i = 0; i < length; ++unit, i += 8) {
        if (p.have[unit])
            continue; // overlap: the first copy stays
        std::memcpy(p.bytes.data() + offsetBytes + i, data + i, std::min<size_t>(8, length - i));
        p.have[unit] = true;
    }
    if (!complete(p))
        return nullptr;
    m_done = std::move(p.bytes);
    m_done.resize(p.totalLength);
    m_pending.erase(it);
    ++m_stats.reassembled;
    return &m_done;
}

bool IpFragmentReassembler::complete(const Pending& p)
{
    return p.totalLength && p.bytes.size() >= p.totalLength
        && std::all_of(p.have.begin(), p.have.begin() + long((p.totalLength + 7) / 8), [](bool b) { return b; });
}

void IpFragmentReassembler::expire(int64_t nowUs)
{
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if (nowUs - it->second.firstUs > kTimeoutUs || nowUs < it->second.firstUs - kTimeoutUs) {
            it = m_pending.erase(it);
            ++m_stats.expired;
        } else {
            ++it;
        }
    }
}

void IpFragmentReassembler::finish()
{
    m_stats.expired += m_pending.size();
    m_pending.clear();
}
