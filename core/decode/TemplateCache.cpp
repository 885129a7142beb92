#include "decode/TemplateCache.h"

namespace {

constexpr uint32_t kPenReverse = 29305; // RFC 5103 §6.1 reverse information elements

bool isInt(uint16_t len) { return len >= 1 && len <= 8; } // RFC 7011 §6.2 reduced-size encoding

// IANA IPFIX IEs (v9 field types 1-127 are the same numbers, RFC 3954 §8).
FieldTarget mapIana(uint16_t ie, uint16_t len)
{
    switch (ie) {
    case 1: return isInt(len) ? FieldTarget::Bytes : FieldTarget::Skip;
    case 2: return isInt(len) ? FieldTarget::Packets : FieldTarget::Skip;
    case 4: return isInt(len) ? FieldTarget::Protocol : FieldTarget::Skip;
    case 5: return isInt(len) ? FieldTarget::Tos : FieldTarget::Skip;
    case 6: return isInt(len) ? FieldTarget::TcpFlags : FieldTarget::Skip; // 1 or 2 bytes
    case 7: return isInt(len) ? FieldTarget::SrcPort : FieldTarget::Skip;
    case 8: return len == 4 ? FieldTarget::SrcV4 : FieldTarget::Skip;
    case 10: return isInt(len) ? FieldTarget::InputIf : FieldTarget::Skip;
    case 11: return isInt(len) ? FieldTarget::DstPort : FieldTarget::Skip;
    case 12: return len == 4 ? FieldTarget::DstV4 : FieldTarget::Skip;
    case 14: return isInt(len) ? FieldTarget::OutputIf : FieldTarget::Skip;
    case 15: return len == 4 ? FieldTarget::NextHopV4 : FieldTarget::Skip;
    case 16: return isInt(len) ? FieldTarget::SrcAs : FieldTarget::Skip;
    case 17: return isInt(len) ? FieldTarget::DstAs : FieldTarget::Skip;
    case 21: return isInt(len) ? FieldTarget::SysUpLast : FieldTarget::Skip;
    case 22: return isInt(len) ? FieldTarget::SysUpFirst : FieldTarget::Skip;
    case 23: return isInt(len) ? FieldTarget::OutBytes : FieldTarget::Skip;
    case 24: return isInt(len) ? FieldTarget::OutPackets : FieldTarget::Skip;
    case 27: return len == 16 ? FieldTarget::SrcV6 : FieldTarget::Skip;
    case 28: return len == 16 ? FieldTarget::DstV6 : FieldTarget::Skip;
    case 34: case 50: case 305: return isInt(len) ? FieldTarget::SamplingInterval : FieldTarget::Skip;
    case 58: return isInt(len) ? FieldTarget::SrcVlan : FieldTarget::Skip;
    case 59: return isInt(len) ? FieldTarget::DstVlan : FieldTarget::Skip;
    case 61: return isInt(len) ? FieldTarget::Direction : FieldTarget::Skip;
    case 85: return isInt(len) ? FieldTarget::OctetTotal : FieldTarget::Skip;
    case 86: return isInt(len) ? FieldTarget::PacketTotal : FieldTarget::Skip;
    case 136: return isInt(len) ? FieldTarget::EndReason : FieldTarget::Skip;
    case 150: return isInt(len) ? FieldTarget::StartSec : FieldTarget::Skip;
    case 151: return isInt(len) ? FieldTarget::EndSec : FieldTarget::Skip;
    case 152: return isInt(len) ? FieldTarget::StartMs : FieldTarget::Skip;
    case 153: return isInt(len) ? FieldTarget::EndMs : FieldTarget::Skip;
    case 154: case 156: return len == 8 ? FieldTarget::StartNtp : FieldTarget::Skip;
    case 155: case 157: return len == 8 ? FieldTarget::EndNtp : FieldTarget::Skip;
    case 158: return isInt(len) ? FieldTarget::StartDeltaUs : FieldTarget::Skip;
    case 159: return isInt(len) ? FieldTarget::EndDeltaUs : FieldTarget::Skip;
    case 160: return isInt(len) ? FieldTarget::SystemInitMs : FieldTarget::Skip;
    default: return FieldTarget::Skip;
    }
}

FieldTarget mapReverse(uint16_t ie, uint16_t len)
{
    if (!isInt(len))
        return FieldTarget::Skip;
    switch (ie) {
    case 1: return FieldTarget::RevBytes;
    case 2: return FieldTarget::RevPackets;
    case 85: return FieldTarget::RevOctetTotal;
    case 86: return FieldTarget::RevPacketTotal;
    default: return FieldTarget::Skip;
    }
}

} // namespace

ExporterState& TemplateCache::state(const ExporterKey& key)
{
    // Consecutive datagrams nearly always come from the same exporter.
    if (m_last && m_lastKey == key)
        return *m_last;
    auto [it, inserted] = m_exporters.try_emplace(key);
    if (inserted)
        it->second.stats.key = key;
    m_lastKey = key;
    m_last = &it->second; // node-based map: the pointer survives rehashing
    return it->second;
}

void TemplateCache::clear()
{
    m_exporters.clear();
    m_last = nullptr;
}

CompiledTemplate TemplateCache::compile(uint16_t id, bool ipfix, bool options, const RawField* fields, size_t count)
{
    CompiledTemplate t;
    t.id = id;
    t.isOptions = options;
    t.fieldCount = uint16_t(count);
    t.actions.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        const RawField& f = fields[i];
        // RFC 7011 §7; some v9 exporters (H3C NetStream) borrow the same escape.
        const bool variable = f.length == kVariableLength;
        FieldTarget target = FieldTarget::Skip;
        if (!variable) {
            if (f.enterprise == 0)
                target = mapIana(f.id, f.length);
            else if (f.enterprise == kPenReverse)
                target = mapReverse(f.id, f.length);
        }
        switch (target) {
        case FieldTarget::Bytes: t.hasOctetDelta = true; break;
        case FieldTarget::Packets: t.hasPacketDelta = true; break;
        case FieldTarget::RevBytes: t.hasRevOctetDelta = true; break;
        case FieldTarget::RevPackets: t.hasRevPacketDelta = true; break;
        case FieldTarget::SysUpFirst: case FieldTarget::SysUpLast: t.needsSystemInit = ipfix; break;
        default: break;
        }
        if (variable) {
            t.variableLength = true;
            t.minRecordLength += 1;
        } else {
            t.minRecordLength += f.length;
        }
        // Merge runs of fixed skipped fields into one action.
        if (target == FieldTarget::Skip && !variable && !t.actions.empty()
            && t.actions.back().target == FieldTarget::Skip && t.actions.back().length != kVariableLength
            && uint32_t(t.actions.back().length) + f.length < kVariableLength) {
            t.actions.back().length = uint16_t(t.actions.back().length + f.length);
            continue;
        }
        if (target == FieldTarget::Skip && !variable && f.length == 0)
            continue;
        t.actions.push_back({variable ? kVariableLength : f.length, target});
    }
    if (t.needsSystemInit)
        for (const FieldAction& a : t.actions)
            if (a.target == FieldTarget::SystemInitMs)
                t.needsSystemInit = false;
    return t;
}
