#include "detect/ContextBuilder.h"

#include "detect/InternalNetworkInference.h"

#include <algorithm>

ContextBuilder::ContextBuilder(const DetectionSettings& settings, int64_t startMs, int64_t endMs, size_t expectedFlows)
{
    m_ctx.settings = settings;
    m_ctx.startMs = startMs;
    m_ctx.endMs = endMs;
    const VolumetricParameters& v = settings.thresholds.volumetric;
    m_ctx.volumes = TrafficVolumes(startMs, endMs, v.bucketMs, v.minSources);
    m_mayInferIpv6 = settings.inferInternalIpv6 && settings.internalNetworks.empty();
    // At most one conversation per record; the unused part is given back at the end.
    m_conversations.reserve(expectedFlows);
}

CompactFlow ContextBuilder::compact(const FlowRecord& f)
{
    CompactFlow c;
    c.startMs = f.startMs;
    c.endMs = f.endMs;
    c.bytes = f.bytes;
    c.packets = f.packets;
    c.revBytes = f.revBytes;
    c.revPackets = f.revPackets;
    c.src = m_ctx.addresses.intern(f.src);
    c.dst = m_ctx.addresses.intern(f.dst);
    c.samplingRate = f.samplingRate;
    c.srcPort = f.srcPort;
    c.dstPort = f.dstPort;
    c.protocol = f.protocol;
    c.tcpFlags = f.tcpFlags;
    c.connState = f.connState;
    const Source s{f.importId, f.exporter, f.exporterPort, f.observationDomain};
    // Sources are few (exporters times imports) and records of one come in runs.
    if (m_lastSource >= m_sources.size() || !(m_sources[m_lastSource] == s)) {
        auto it = std::find(m_sources.begin(), m_sources.end(), s);
        if (it == m_sources.end())
            it = m_sources.insert(m_sources.end(), s);
        m_lastSource = size_t(it - m_sources.begin());
    }
    c.source = uint32_t(m_lastSource);
    return c;
}

bool ContextBuilder::tracksVolumeOf(uint32_t dst)
{
    if (dst >= m_volumeCandidate.size())
        m_volumeCandidate.resize(std::max<size_t>(dst + 1, m_volumeCandidate.size() * 2), -1);
    int8_t& known = m_volumeCandidate[dst];
    if (known < 0) {
        // Internal by the configured networks, or an IPv6 address whose /48 the
        // inference may still call internal (decided in finish()).
        const IpAddress& a = m_ctx.addresses.address(dst);
        known = m_ctx.settings.isInternal(a) || (m_mayInferIpv6 && !a.isV4()) ? 1 : 0;
    }
    return known == 1;
}

void ContextBuilder::add(const CompactFlow& raw)
{
    if (m_dedup.isDuplicate(raw))
        return;
    const CompactFlow f = raw.scaled();
    ++m_ctx.flows;
    m_conversations.add(f);
    // A biflow is traffic towards both ends: each direction counts against its receiver.
    if (f.packets && tracksVolumeOf(f.dst))
        m_ctx.volumes.add(f.dst, f.src, f.startMs, f.endMs, f.packets, f.bytes);
    if (f.revPackets && tracksVolumeOf(f.src))
        m_ctx.volumes.add(f.src, f.dst, f.startMs, f.endMs, f.revPackets, f.revBytes);
}

DetectionContext ContextBuilder::finish()
{
    DetectionContext& ctx = m_ctx;
    ctx.duplicateRecords = m_dedup.duplicates();
    ctx.longestConversationMs = m_conversations.longestMs();
    ctx.conversations = m_conversations.take();
    // Conversations are made in the start order of their first record already.
    if (!std::is_sorted(ctx.conversations.begin(), ctx.conversations.end(),
                        [](const Conversation& a, const Conversation& b) { return a.startMs < b.startMs; }))
        std::stable_sort(ctx.conversations.begin(), ctx.conversations.end(),
                         [](const Conversation& a, const Conversation& b) { return a.startMs < b.startMs; });
    if (m_mayInferIpv6)
        ctx.settings.inferredNetworks = InternalNetworkInference::infer(ctx.conversations, ctx.addresses, ctx.settings);
    ctx.addresses.classify(ctx.settings);
    // Group by client with a counting sort: stable, so each client's list stays in start order.
    const size_t hosts = ctx.addresses.size();
    ctx.clientOffsets.assign(hosts + 1, 0);
    for (const Conversation& c : ctx.conversations)
        ++ctx.clientOffsets[c.client + 1];
    for (size_t i = 1; i <= hosts; ++i)
        ctx.clientOffsets[i] += ctx.clientOffsets[i - 1];
    ctx.clientOrder.resize(ctx.conversations.size());
    std::vector<uint32_t> next(ctx.clientOffsets.begin(), ctx.clientOffsets.end() - 1);
    for (uint32_t i = 0; i < ctx.conversations.size(); ++i)
        ctx.clientOrder[next[ctx.conversations[i].client]++] = i;
    m_volumeCandidate = {};
    return std::move(m_ctx);
}
