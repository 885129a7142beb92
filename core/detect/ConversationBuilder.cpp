#include "detect/ConversationBuilder.h"

#include "model/FlowRecord.h"

#include <algorithm>
#include <utility>

size_t ConversationBuilder::KeyHash::operator()(const Key& k) const
{
    const uint64_t h = (uint64_t(k.a) << 32 | k.b) * 0x9E3779B97F4A7C15ULL;
    return size_t(h ^ ((uint64_t(k.portA) << 24 | uint64_t(k.portB) << 8 | k.protocol) * 0xC2B2AE3D27D4EB4FULL));
}

int ConversationBuilder::serviceRank(uint16_t port)
{
    if (port == 0)
        return 0;
    if (port < 1024)
        return 3;
    switch (port) {
    // Registered services commonly seen as servers in enterprise traffic and C2.
    case 1080: case 1194: case 1433: case 1521: case 1723: case 1883: case 2049: case 2055: case 3128:
    case 3306: case 3389: case 4444: case 4739: case 5060: case 5061: case 5222: case 5432: case 5900:
    case 5985: case 5986: case 6379: case 6443: case 8000: case 8008: case 8080: case 8081: case 8088:
    case 8443: case 8888: case 9000: case 9090: case 9200: case 9443: case 9995: case 11211: case 27017:
        return 2;
    default:
        return port < 32768 ? 1 : 0; // below the usual ephemeral ranges
    }
}

void ConversationBuilder::decideRoles(Conversation& c, bool sawReverse)
{
    // Connection logs (Zeek, Argus) name the originator: nothing to guess.
    if (c.loggedAttempt || c.loggedEstablished)
        return;
    const int clientRank = serviceRank(c.clientPort);
    const int serverRank = serviceRank(c.serverPort);
    // Unanswered records: the sender is the initiator unless it sends from a
    // service port to an ephemeral one (a reply whose request was not seen).
    const bool swap = sawReverse ? clientRank > serverRank : (clientRank >= 2 && serverRank == 0);
    if (!swap)
        return;
    std::swap(c.client, c.server);
    std::swap(c.clientPort, c.serverPort);
    std::swap(c.bytesOut, c.bytesIn);
    std::swap(c.packetsOut, c.packetsIn);
    std::swap(c.flagsOut, c.flagsIn);
}

void ConversationBuilder::evictClosed(int64_t nowMs)
{
    for (auto it = m_open.begin(); it != m_open.end();)
        if (m_conversations[it->second].endMs() + kJoinToleranceMs < nowMs)
            it = m_open.erase(it);
        else
            ++it;
    m_openAfterEviction = m_open.size();
}

void ConversationBuilder::add(const CompactFlow& f)
{
    // Amortised: a sweep only after the map has doubled since the last one.
    if (m_open.size() > 2 * m_openAfterEviction + 65536)
        evictClosed(f.startMs);
    const bool srcFirst = std::tie(f.src, f.srcPort) <= std::tie(f.dst, f.dstPort);
    const Key key = srcFirst ? Key{f.src, f.dst, f.srcPort, f.dstPort, f.protocol}
                             : Key{f.dst, f.src, f.dstPort, f.srcPort, f.protocol};
    auto it = m_open.find(key);
    if (it != m_open.end()) {
        Conversation& c = m_conversations[it->second];
        if (f.startMs <= c.endMs() + kJoinToleranceMs) {
            const bool forward = f.src == c.client && f.srcPort == c.clientPort;
            if (forward) {
                c.bytesOut += f.bytes;
                c.packetsOut = Conversation::saturatingAdd(c.packetsOut, f.packets);
                c.flagsOut |= f.tcpFlags;
                c.bytesIn += f.revBytes;
                c.packetsIn = Conversation::saturatingAdd(c.packetsIn, f.revPackets);
            } else {
                c.bytesIn += f.bytes;
                c.packetsIn = Conversation::saturatingAdd(c.packetsIn, f.packets);
                c.flagsIn |= f.tcpFlags;
                c.bytesOut += f.revBytes;
                c.packetsOut = Conversation::saturatingAdd(c.packetsOut, f.revPackets);
                m_sawBothDirections[it->second] = true;
            }
            c.setEndMs(std::max(c.endMs(), f.endMs));
            m_longestMs = std::max(m_longestMs, c.endMs() - c.startMs);
            c.loggedAttempt = c.loggedAttempt || f.connState == ConnState::Attempt;
            c.loggedEstablished = c.loggedEstablished || f.connState == ConnState::Established;
            ++c.records;
            return;
        }
    }
    Conversation c;
    c.client = f.src;
    c.server = f.dst;
    c.clientPort = f.srcPort;
    c.serverPort = f.dstPort;
    c.protocol = f.protocol;
    c.startMs = f.startMs;
    c.setEndMs(std::max(f.endMs, f.startMs));
    m_longestMs = std::max(m_longestMs, c.endMs() - c.startMs);
    c.bytesOut = f.bytes;
    c.packetsOut = Conversation::saturatingAdd(0, f.packets);
    c.flagsOut = f.tcpFlags;
    c.bytesIn = f.revBytes; // biflows carry the reverse direction already
    c.packetsIn = Conversation::saturatingAdd(0, f.revPackets);
    c.records = 1;
    c.loggedAttempt = f.connState == ConnState::Attempt;
    c.loggedEstablished = f.connState == ConnState::Established;
    m_open[key] = uint32_t(m_conversations.size());
    m_conversations.push_back(c);
    m_sawBothDirections.push_back(f.revPackets > 0);
}

std::vector<Conversation> ConversationBuilder::take()
{
    for (size_t i = 0; i < m_conversations.size(); ++i)
        decideRoles(m_conversations[i], m_sawBothDirections[i]);
    m_open.clear();
    m_sawBothDirections.clear();
    if (m_conversations.capacity() > m_conversations.size() + m_conversations.size() / 4)
        m_conversations.shrink_to_fit();
    return std::exchange(m_conversations, {});
}
