#include "analysis/LiveCaseReader.h"

#include <algorithm>

LiveCaseReader::LiveCaseReader(std::string casePath)
    : m_path(std::move(casePath))
{
}

bool LiveCaseReader::refresh(std::string& error)
{
    if (!m_store) {
        m_store = FlowStore::open(m_path, error, true);
        if (!m_store)
            return false;
    }
    FlowStore::Summary& s = m_summary;
    m_lastId = m_store->forEachFlowAfter(m_lastId, [&](const FlowRecord& raw) {
        const FlowRecord r = raw.scaledBySampling();
        m_spans.push_back({r.startMs, std::max(r.endMs, r.startMs), double(r.bytes + r.revBytes),
                           double(r.packets + r.revPackets)});
        // The summary counts raw counters, as FlowStore::summary() does.
        s.startMs = s.flows ? std::min(s.startMs, raw.startMs) : raw.startMs;
        s.endMs = s.flows ? std::max(s.endMs, raw.endMs) : raw.endMs;
        ++s.flows;
        s.bytes += raw.bytes + raw.revBytes;
        s.packets += raw.packets + raw.revPackets;
        if (raw.exportVersion || !raw.exporter.isUnspecified()) {
            const uint64_t key = (uint64_t(raw.exporterPort) << 32) | raw.observationDomain;
            const bool known = std::any_of(m_exporters.begin(), m_exporters.end(),
                                           [&](const auto& e) { return e.first == raw.exporter && e.second == key; });
            if (!known && m_exporters.size() < 100000) {
                m_exporters.emplace_back(raw.exporter, key);
                s.exporters = m_exporters.size();
            }
        }
        return true;
    });
    return true;
}

TrafficTimeline LiveCaseReader::timeline(int targetBuckets) const
{
    const FlowStore::Summary& s = m_summary;
    TrafficTimeline t(s.startMs, s.endMs, TrafficTimeline::chooseBucketMs(s.endMs - s.startMs, targetBuckets));
    for (const Span& f : m_spans)
        t.add(f.startMs, f.endMs, f.bytes, f.packets);
    return t;
}
