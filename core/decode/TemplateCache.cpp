#include "decode/TemplateCache.h"

#include "decode/VendorElements.h"

#include <cstring>

namespace {

constexpr uint32_t kPenReverse = VendorElements::kPenReverse;

bool isInt(uint16_t len) { return len >= 1 && len <= 8; } // RFC 7011 §6.2 reduced-size encoding

// Core extra-field keys; the index is stored in FieldAction::extra. Names are
// the ones FlowRecord::extra uses (stable: stored in cases). Indices from
// XCount on name VendorElements entries (see extraKey()).
enum ExtraIndex : uint16_t {
    XNone, XNextHop, XNextHop6, XBgpNextHop, XBgpNextHop6, XSrcAs, XDstAs, XSrcMask, XDstMask,
    XSrcMac, XDstMac, XPostSrcMac, XPostDstMac, XVlan, XPostVlan, XDot1qVlan, XPostDot1qVlan,
    XMpls1, XMpls2, XMpls3, XMpls4, XMpls5, XMpls6, XMpls7, XMpls8, XMpls9, XMpls10,
    XDirection, XEndReason, XForwardingStatus, XOutBytes, XOutPackets,
    XXlateSrcAddr, XXlateDstAddr, XXlateSrcAddr6, XXlateDstAddr6, XXlateSrcPort, XXlateDstPort,
    XFwEvent, XFwExtEvent, XNatEvent, XFlowId, XIngressAcl, XEgressAcl, XUsername,
    XIngressVrf, XEgressVrf, XVrfName, XApplicationId, XApplicationName, XApplicationDescription,
    XInterfaceName, XInterfaceDescription, XWlanSsid, XInPhysIf, XOutPhysIf, XSamplingAlgorithm,
    XObservationDomain, XExporterAddr, XExporterAddr6, XRevTcpFlags, XPostNatSrcPort, XSrcV4Raw,
    XScopeSystem, XScopeInterface, XScopeLineCard, XScopeCache, XScopeTemplate, XLayer2SegmentId,
    XCount
};

const ExtraKey kExtraKeys[XCount] = {
    {"", ExtraFormat::Unsigned},
    {"nextHop", ExtraFormat::Ipv4}, {"nextHop", ExtraFormat::Ipv6},
    {"bgpNextHop", ExtraFormat::Ipv4}, {"bgpNextHop", ExtraFormat::Ipv6},
    {"srcAs", ExtraFormat::Unsigned}, {"dstAs", ExtraFormat::Unsigned},
    {"srcMask", ExtraFormat::Unsigned}, {"dstMask", ExtraFormat::Unsigned},
    {"srcMac", ExtraFormat::Mac}, {"dstMac", ExtraFormat::Mac},
    {"postSrcMac", ExtraFormat::Mac}, {"postDstMac", ExtraFormat::Mac},
    {"vlan", ExtraFormat::Unsigned}, {"postVlan", ExtraFormat::Unsigned},
    {"dot1qVlan", ExtraFormat::Unsigned}, {"postDot1qVlan", ExtraFormat::Unsigned},
    {"mplsLabel1", ExtraFormat::MplsLabel}, {"mplsLabel2", ExtraFormat::MplsLabel},
    {"mplsLabel3", ExtraFormat::MplsLabel}, {"mplsLabel4", ExtraFormat::MplsLabel},
    {"mplsLabel5", ExtraFormat::MplsLabel}, {"mplsLabel6", ExtraFormat::MplsLabel},
    {"mplsLabel7", ExtraFormat::MplsLabel}, {"mplsLabel8", ExtraFormat::MplsLabel},
    {"mplsLabel9", ExtraFormat::MplsLabel}, {"mplsLabel10", ExtraFormat::MplsLabel},
    {"direction", ExtraFormat::Unsigned}, {"endReason", ExtraFormat::Unsigned},
    {"forwardingStatus", ExtraFormat::Unsigned},
    {"outBytes", ExtraFormat::Unsigned}, {"outPackets", ExtraFormat::Unsigned},
    {"xlateSrcAddr", ExtraFormat::Ipv4}, {"xlateDstAddr", ExtraFormat::Ipv4},
    {"xlateSrcAddr", ExtraFormat::Ipv6}, {"xlateDstAddr", ExtraFormat::Ipv6},
    {"xlateSrcPort", ExtraFormat::Unsigned}, {"xlateDstPort", ExtraFormat::Unsigned},
    {"fwEvent", ExtraFormat::Unsigned}, {"fwExtEvent", ExtraFormat::Unsigned},
    {"natEvent", ExtraFormat::Unsigned}, {"flowId", ExtraFormat::Unsigned},
    {"ingressAcl", ExtraFormat::Hex}, {"egressAcl", ExtraFormat::Hex}, {"username", ExtraFormat::String},
    {"ingressVrf", ExtraFormat::Unsigned}, {"egressVrf", ExtraFormat::Unsigned}, {"vrfName", ExtraFormat::String},
    {"applicationId", ExtraFormat::ApplicationId}, {"applicationName", ExtraFormat::String},
    {"applicationDescription", ExtraFormat::String},
    {"interfaceName", ExtraFormat::String}, {"interfaceDescription", ExtraFormat::String},
    {"wlanSsid", ExtraFormat::String},
    {"inPhysIf", ExtraFormat::Unsigned}, {"outPhysIf", ExtraFormat::Unsigned},
    {"samplingAlgorithm", ExtraFormat::Unsigned},
    {"observationDomain", ExtraFormat::Unsigned},
    {"exporterAddr", ExtraFormat::Ipv4}, {"exporterAddr", ExtraFormat::Ipv6},
    {"revTcpFlags", ExtraFormat::Unsigned}, {"postNatSrcPort", ExtraFormat::Unsigned},
    {"srcAddrRaw", ExtraFormat::Hex},
    {"scopeSystem", ExtraFormat::Hex}, {"scopeInterface", ExtraFormat::Unsigned},
    {"scopeLineCard", ExtraFormat::Unsigned}, {"scopeCache", ExtraFormat::Unsigned},
    {"scopeTemplate", ExtraFormat::Unsigned}, {"layer2SegmentId", ExtraFormat::Unsigned},
};

struct Mapped {
    FieldTarget target = FieldTarget::Skip;
    uint16_t extra = XNone;
    ExtraFormat format = ExtraFormat::Unsigned;
};

Mapped extra(uint16_t index) { return {FieldTarget::Extra, index, kExtraKeys[index].format}; }

// The format a field of this wire length is written in, Omitted when the
// length cannot hold the type: the field is then skipped raw (an H3C
// IPv4-address element of length 2 must not be read as 4 bytes). Integers
// longer than 8 bytes keep their bytes as hex.
ExtraFormat fitFormat(ExtraFormat f, uint16_t len)
{
    if (len == 0)
        return ExtraFormat::Omitted;
    switch (f) {
    case ExtraFormat::Unsigned: case ExtraFormat::Signed: case ExtraFormat::UnsignedIcmp:
        return isInt(len) ? f : ExtraFormat::Hex;
    case ExtraFormat::Ipv4: return len == 4 ? f : ExtraFormat::Omitted;
    case ExtraFormat::Ipv6: return len == 16 ? f : ExtraFormat::Omitted;
    case ExtraFormat::Mac: return len == 6 ? f : ExtraFormat::Omitted;
    case ExtraFormat::MplsLabel: return len >= 3 && len <= 4 ? f : ExtraFormat::Omitted;
    case ExtraFormat::Float: return len == 4 || len == 8 ? f : ExtraFormat::Omitted;
    case ExtraFormat::Boolean: return len == 1 ? f : ExtraFormat::Omitted;
    case ExtraFormat::DateSeconds: return len == 4 ? f : ExtraFormat::Omitted;
    case ExtraFormat::DateMillis: case ExtraFormat::DateMicros: case ExtraFormat::DateNanos:
        return len == 8 ? f : ExtraFormat::Omitted;
    case ExtraFormat::String: case ExtraFormat::Hex: case ExtraFormat::ApplicationId:
        return f; // any length, variable too (checked again per record)
    case ExtraFormat::Omitted: return f;
    }
    return ExtraFormat::Omitted;
}

// A core extra whose wire length must suit its format; anything else is skipped.
Mapped extraChecked(uint16_t index, uint16_t len)
{
    switch (kExtraKeys[index].format) {
    case ExtraFormat::Unsigned: return isInt(len) ? extra(index) : Mapped{};
    case ExtraFormat::Ipv4: return len == 4 ? extra(index) : Mapped{};
    case ExtraFormat::Ipv6: return len == 16 ? extra(index) : Mapped{};
    case ExtraFormat::Mac: return len == 6 ? extra(index) : Mapped{};
    case ExtraFormat::MplsLabel: return len >= 3 && len <= 4 ? extra(index) : Mapped{};
    case ExtraFormat::String: case ExtraFormat::Hex: return extra(index); // any length, variable too
    default: return fitFormat(kExtraKeys[index].format, len) == ExtraFormat::Omitted ? Mapped{} : extra(index);
    }
}

// A field the core mapping does not take: an element of VendorElements, or skipped.
Mapped mapElement(uint32_t enterprise, uint16_t id, uint16_t len, bool ipfix)
{
    const VendorElements::Match m = VendorElements::find(enterprise, id, ipfix);
    if (!m.element || (!m.reverse && (m.element->flags & VendorElement::Core)))
        return {};
    const ExtraFormat fit = fitFormat(m.element->key.format, len);
    if (fit == ExtraFormat::Omitted)
        return {};
    const size_t count = VendorElements::all().size();
    return {FieldTarget::Extra, uint16_t(XCount + (m.reverse ? count : 0) + m.position), fit};
}

Mapped intOr(FieldTarget t, uint16_t len) { return isInt(len) ? Mapped{t} : Mapped{}; }

// IANA IPFIX IEs (v9 field types 1-127 are the same numbers, RFC 3954 §8).
Mapped mapIana(uint16_t ie, uint16_t len)
{
    switch (ie) {
    case 1: return intOr(FieldTarget::Bytes, len);
    case 2: return intOr(FieldTarget::Packets, len);
    case 4: return intOr(FieldTarget::Protocol, len);
    case 5: return intOr(FieldTarget::Tos, len);
    case 6: return intOr(FieldTarget::TcpFlags, len); // 1 or 2 bytes
    case 7: return intOr(FieldTarget::SrcPort, len);
    case 8: return len == 4 ? Mapped{FieldTarget::SrcV4} : extraChecked(XSrcV4Raw, len);
    case 9: return extraChecked(XSrcMask, len);
    case 10: return intOr(FieldTarget::InputIf, len);
    case 11: return intOr(FieldTarget::DstPort, len);
    case 12: return len == 4 ? Mapped{FieldTarget::DstV4} : Mapped{};
    case 13: return extraChecked(XDstMask, len);
    case 14: return intOr(FieldTarget::OutputIf, len);
    case 15: return extraChecked(XNextHop, len);
    case 16: return extraChecked(XSrcAs, len);
    case 17: return extraChecked(XDstAs, len);
    case 18: return extraChecked(XBgpNextHop, len);
    case 21: return intOr(FieldTarget::SysUpLast, len);
    case 22: return intOr(FieldTarget::SysUpFirst, len);
    case 23: return extraChecked(XOutBytes, len);
    case 24: return extraChecked(XOutPackets, len);
    case 27: return len == 16 ? Mapped{FieldTarget::SrcV6} : Mapped{};
    case 28: return len == 16 ? Mapped{FieldTarget::DstV6} : Mapped{};
    case 29: return extraChecked(XSrcMask, len);
    case 30: return extraChecked(XDstMask, len);
    case 32: case 139: return intOr(FieldTarget::IcmpTypeCode, len);
    case 34: case 50: case 305: return intOr(FieldTarget::SamplingInterval, len);
    case 306: return intOr(FieldTarget::SamplingSpace, len);
    case 35: case 49: return extraChecked(XSamplingAlgorithm, len);
    case 48: case 302: return intOr(FieldTarget::SamplerId, len);
    case 56: return extraChecked(XSrcMac, len);
    case 57: return extraChecked(XPostDstMac, len);
    case 58: return extraChecked(XVlan, len);
    case 59: return extraChecked(XPostVlan, len);
    case 61: return extraChecked(XDirection, len);
    case 62: return extraChecked(XNextHop6, len);
    case 63: return extraChecked(XBgpNextHop6, len);
    case 70: case 71: case 72: case 73: case 74: case 75: case 76: case 77: case 78: case 79:
        return extraChecked(uint16_t(XMpls1 + (ie - 70)), len);
    case 80: return extraChecked(XDstMac, len);
    case 81: return extraChecked(XPostSrcMac, len);
    case 82: return extraChecked(XInterfaceName, len);
    case 83: return extraChecked(XInterfaceDescription, len);
    case 85: return intOr(FieldTarget::OctetTotal, len);
    case 86: return intOr(FieldTarget::PacketTotal, len);
    case 89: return extraChecked(XForwardingStatus, len);
    case 94: return extraChecked(XApplicationDescription, len);
    case 95: return extraChecked(XApplicationId, len);
    case 96: return extraChecked(XApplicationName, len);
    case 130: return extraChecked(XExporterAddr, len);
    case 131: return extraChecked(XExporterAddr6, len);
    case 136: return extraChecked(XEndReason, len);
    case 147: return extraChecked(XWlanSsid, len);
    case 148: return extraChecked(XFlowId, len);
    case 149: return extraChecked(XObservationDomain, len);
    case 150: return intOr(FieldTarget::StartSec, len);
    case 151: return intOr(FieldTarget::EndSec, len);
    case 152: return intOr(FieldTarget::StartMs, len);
    case 153: return intOr(FieldTarget::EndMs, len);
    case 154: case 156: return len == 8 ? Mapped{FieldTarget::StartNtp} : Mapped{};
    case 155: case 157: return len == 8 ? Mapped{FieldTarget::EndNtp} : Mapped{};
    case 158: return intOr(FieldTarget::StartDeltaUs, len);
    case 159: return intOr(FieldTarget::EndDeltaUs, len);
    case 160: return intOr(FieldTarget::SystemInitMs, len);
    case 176: case 178: return intOr(FieldTarget::IcmpType, len);
    case 177: case 179: return intOr(FieldTarget::IcmpCode, len);
    case 225: return extraChecked(XXlateSrcAddr, len);
    case 226: return extraChecked(XXlateDstAddr, len);
    case 227: return extraChecked(XXlateSrcPort, len);
    case 228: return extraChecked(XXlateDstPort, len);
    case 230: return extraChecked(XNatEvent, len);
    case 231: return intOr(FieldTarget::InitiatorOctets, len);
    case 232: return intOr(FieldTarget::ResponderOctets, len);
    case 233: return extraChecked(XFwEvent, len);
    case 234: return extraChecked(XIngressVrf, len);
    case 235: return extraChecked(XEgressVrf, len);
    case 236: return extraChecked(XVrfName, len);
    case 243: return extraChecked(XDot1qVlan, len);
    case 252: return extraChecked(XInPhysIf, len);
    case 253: return extraChecked(XOutPhysIf, len);
    case 254: return extraChecked(XPostDot1qVlan, len);
    case 281: return extraChecked(XXlateSrcAddr6, len);
    case 282: return extraChecked(XXlateDstAddr6, len);
    case 298: return intOr(FieldTarget::InitiatorPackets, len);
    case 299: return intOr(FieldTarget::ResponderPackets, len);
    case 323: return intOr(FieldTarget::EventTimeMs, len);
    case 351: return extraChecked(XLayer2SegmentId, len);
    default: return {};
    }
}

// NetFlow v9 vendor types above 32767 (no PEN in v9, RFC 3954 §6.2) that
// fill core keys: the Cisco ASA NSEL ones. Others are in VendorElements.
Mapped mapV9Vendor(uint16_t type, uint16_t len)
{
    switch (type) {
    case 33000: return extraChecked(XIngressAcl, len); // 12-byte ACL id
    case 33001: return extraChecked(XEgressAcl, len);
    case 33002: return extraChecked(XFwExtEvent, len);
    case 40000: return extraChecked(XUsername, len);
    // ASA before 8.4 sent NAT and event fields in its own numbers.
    case 40001: return extraChecked(XXlateSrcAddr, len);
    case 40002: return extraChecked(XXlateDstAddr, len);
    case 40003: return extraChecked(XXlateSrcPort, len);
    case 40004: return extraChecked(XXlateDstPort, len);
    case 40005: return extraChecked(XFwEvent, len);
    default: return {};
    }
}

Mapped mapReverse(uint16_t ie, uint16_t len)
{
    if (!isInt(len))
        return {};
    switch (ie) {
    case 1: return {FieldTarget::RevBytes};
    case 2: return {FieldTarget::RevPackets};
    case 6: return extra(XRevTcpFlags);
    case 85: return {FieldTarget::RevOctetTotal};
    case 86: return {FieldTarget::RevPacketTotal};
    default: return {};
    }
}

// RFC 3954 §6.1 options scope field types.
Mapped mapV9Scope(uint16_t type, uint16_t len)
{
    if (len == 0)
        return {};
    switch (type) {
    case 1: return extraChecked(XScopeSystem, len);
    case 2: return extraChecked(XScopeInterface, len);
    case 3: return extraChecked(XScopeLineCard, len);
    case 4: return extraChecked(XScopeCache, len);
    case 5: return extraChecked(XScopeTemplate, len);
    default: return {};
    }
}

} // namespace

const ExtraKey& extraKey(uint16_t index)
{
    if (index < XCount)
        return kExtraKeys[index];
    const size_t i = index - XCount;
    const std::span<const VendorElement> all = VendorElements::all();
    if (i < all.size())
        return all[i].key;
    if (i < 2 * all.size())
        return VendorElements::reverseKey(i - all.size());
    return kExtraKeys[0];
}

uint16_t coreExtraKeyCount() { return XCount; }
uint16_t extraKeyCount() { return uint16_t(XCount + 2 * VendorElements::all().size()); }

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

ExporterState* TemplateCache::find(const ExporterKey& key)
{
    if (m_last && m_lastKey == key)
        return m_last;
    auto it = m_exporters.find(key);
    if (it == m_exporters.end())
        return nullptr;
    m_lastKey = key;
    m_last = &it->second;
    return m_last;
}

void TemplateCache::erase(const ExporterKey& key)
{
    if (m_last && m_lastKey == key)
        m_last = nullptr;
    m_exporters.erase(key);
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
    t.fields.assign(fields, fields + count);
    t.actions.reserve(count);
    // Names already given to extra fields of this template: a name may come
    // from two elements (IPv4 and IPv6 next hop, NSEL's two NAT numbers) and
    // the first wins. Every record of a template has all its fields, so
    // deciding here is the same as deciding per record.
    const char* extraNames[kMaxExtraFields];
    size_t extraCount = 0;
    for (size_t i = 0; i < count; ++i) {
        const RawField& f = fields[i];
        // RFC 7011 §7; some v9 exporters (H3C NetStream) borrow the same escape.
        const bool variable = f.length == kVariableLength;
        Mapped m;
        if (f.scope) {
            m = mapV9Scope(f.id, f.length);
        } else if (f.enterprise == 0) {
            if (!variable || f.id == 82 || f.id == 83 || f.id == 94 || f.id == 95 || f.id == 96 || f.id == 147
                || f.id == 236)
                m = (!ipfix && f.id > 32767) ? mapV9Vendor(f.id, f.length) : mapIana(f.id, f.length);
            if (variable && m.target != FieldTarget::Extra)
                m = {};
            if (m.target == FieldTarget::Skip)
                m = mapElement(0, f.id, f.length, ipfix);
        } else if (f.enterprise == kPenReverse) {
            if (!variable)
                m = mapReverse(f.id, f.length);
            if (m.target == FieldTarget::Skip)
                m = mapElement(f.enterprise, f.id, f.length, ipfix);
        } else {
            m = mapElement(f.enterprise, f.id, f.length, ipfix);
        }
        if (m.target == FieldTarget::Extra) {
            const char* name = extraKey(m.extra).name;
            bool taken = extraCount == kMaxExtraFields;
            for (size_t j = 0; j < extraCount && !taken; ++j)
                taken = std::strcmp(extraNames[j], name) == 0;
            if (taken)
                m = {};
            else
                extraNames[extraCount++] = name;
        }
        const FieldTarget target = m.target;
        switch (target) {
        case FieldTarget::Bytes: t.hasOctetDelta = true; break;
        case FieldTarget::Packets: t.hasPacketDelta = true; break;
        case FieldTarget::RevBytes: t.hasRevOctetDelta = true; break;
        case FieldTarget::RevPackets: t.hasRevPacketDelta = true; break;
        case FieldTarget::InitiatorOctets: case FieldTarget::ResponderOctets: t.hasInitiatorOctets = true; break;
        case FieldTarget::InitiatorPackets: case FieldTarget::ResponderPackets: t.hasInitiatorPackets = true; break;
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
        t.actions.push_back({variable ? kVariableLength : f.length, target, m.format, m.extra});
    }
    // Uptime-relative times need the system init time unless the record
    // carries it, or absolute times that win anyway.
    if (t.needsSystemInit || options)
        for (const FieldAction& a : t.actions)
            switch (a.target) {
            case FieldTarget::SystemInitMs: case FieldTarget::StartSec: case FieldTarget::StartMs:
            case FieldTarget::StartNtp: case FieldTarget::StartDeltaUs:
                t.needsSystemInit = false;
                break;
            default: break;
            }
    if (options)
        t.needsSystemInit = false;
    return t;
}
