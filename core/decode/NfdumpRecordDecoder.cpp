#include "decode/NfdumpRecordDecoder.h"

#include <algorithm>
#include <cmath>

namespace {

// Record types (nfdump id.h; stable since 1.6).
enum RecordType : uint16_t {
    CommonRecordV0 = 1,   // nfdump 1.5, no longer read by nfdump either
    ExtensionMap = 2,
    PortHistogram = 3,
    BppHistogram = 4,
    LegacyRecord1 = 5,
    LegacyRecord2 = 6,
    ExporterInfo = 7,
    ExporterStat = 8,
    SamplerLegacy = 9,    // nfdump 1.6 sampler
    CommonRecord = 10,    // nfdump 1.6 flow
    V3Record = 11,        // nfdump 1.7 flow
    NbarRecord = 12,
    IfNameRecord = 13,
    VrfNameRecord = 14,
    SamplerRecord = 15,   // nfdump 1.7 sampler
    IdentRecord = 0x8001, // appendix records, should they appear in a data block
    StatRecord = 0x8002,
};

// V3 extension element ids (nfdump nfxV3.h), unchanged from 1.7.0 to 1.7.8.
enum Element : uint16_t {
    EXgenericFlow = 1,
    EXipv4Flow = 2,
    EXipv6Flow = 3,
    EXflowMisc = 4,
    EXcntFlow = 5,
    EXvLan = 6,
    EXasRouting = 7,
    EXbgpNextHopV4 = 8,
    EXbgpNextHopV6 = 9,
    EXipNextHopV4 = 10,
    EXipNextHopV6 = 11,
    EXipReceivedV4 = 12,
    EXipReceivedV6 = 13,
    EXsamplerInfo = 18,
    EXobservation = 33,
};

constexpr uint8_t kV3FlagSampled = 0x02;
constexpr size_t kV3HeaderBytes = 12;

// nfdump 1.6 common record (type 10): fixed part, then the required
// extensions (addresses, packets, bytes), then those of its extension map.
constexpr size_t kCommonHeaderBytes = 32;
constexpr uint8_t kCommonIpv6 = 0x01;
constexpr uint8_t kCommonPackets64 = 0x02;
constexpr uint8_t kCommonBytes64 = 0x04;
constexpr uint8_t kCommonSampled = 0x80;

// Sizes of the nfdump 1.6 optional extensions by id (nfx.c); 0 = reserved or
// never written with a defined size, which makes the map unusable.
constexpr uint8_t kExtensionBytes[] = {
    0, 0, 0, 0,             // 0 common, 1-3 required: never in a map
    4, 8, 4, 8,             // 4 io snmp 2, 5 io snmp 4, 6 as 2, 7 as 4
    4, 4, 16, 4, 16,        // 8 multiple, 9 next hop v4, 10 v6, 11 bgp next hop v4, 12 v6
    4, 4, 8, 4, 8,          // 13 vlan, 14 out packets 4, 15 8, 16 out bytes 4, 17 8
    4, 8, 16, 16, 40,       // 18 aggr flows 4, 19 8, 20 mac 1, 21 mac 2, 22 mpls
    4, 16, 4, 8, 8,         // 23 router ip v4, 24 v6, 25 router id, 26 bgp adjacent, 27 received
    0, 0, 0, 0, 0, 0, 0, 0, 0, // 28-36 reserved
    20, 4, 8, 32, 24, 24, 72, // 37 nsel common, 38 xlate ports, 39 xlate v4, 40 xlate v6, 41 acl, 42 user, 43 user max
    0, 24, 12, 0, 8,        // 44 reserved, 45 latency, 46 nel common, 47 nel global ip (obsolete), 48 port block
};
constexpr size_t kMaxMapEntries = 64; // a valid map names each of the ~45 extensions at most once
constexpr size_t kMaxSamplersPerExporter = 64;

uint16_t le16(const uint8_t* p) { return uint16_t(p[0] | p[1] << 8); }
uint32_t le32(const uint8_t* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24; }
uint64_t le64(const uint8_t* p) { return uint64_t(le32(p)) | uint64_t(le32(p + 4)) << 32; }

// nfdump keeps an IPv6 address as two 64-bit integers in host order, each
// holding 8 bytes of the address in network order.
IpAddress v6FromHalves(const uint8_t* p)
{
    uint8_t b[16];
    for (int h = 0; h < 2; ++h) {
        const uint64_t v = le64(p + 8 * h);
        for (int i = 0; i < 8; ++i)
            b[8 * h + i] = uint8_t(v >> (56 - 8 * i));
    }
    return IpAddress::fromV6Bytes(b);
}

class ExtraJson {
public:
    void number(const char* key, uint64_t v)
    {
        if (!v)
            return;
        open(key);
        m_s += std::to_string(v);
    }
    void address(const char* key, const IpAddress& a)
    {
        if (a.isUnspecified())
            return;
        open(key);
        m_s += '"' + a.toString() + '"';
    }
    void flag(const char* key)
    {
        open(key);
        m_s += "true";
    }
    std::string take() { return m_s.empty() ? std::string() : m_s + '}'; }

private:
    void open(const char* key)
    {
        m_s += m_s.empty() ? "{\"" : ",\"";
        m_s += key;
        m_s += "\":";
    }
    std::string m_s;
};

} // namespace

// Values read from one flow record before they become a FlowRecord.
struct NfdumpRecordDecoder::Pending {
    FlowRecord r;
    bool haveAddresses = false;
    IpAddress received; // the address the export came from, per record
    IpAddress nextHop, bgpNextHop;
    uint32_t srcAs = 0, dstAs = 0, vlan = 0, postVlan = 0;
    uint8_t srcMask = 0, dstMask = 0, direction = 0, fwdStatus = 0, endReason = 0, biflowDir = 0;
    uint8_t engineType = 0, engineId = 0;
    uint64_t flows = 0;
    uint8_t nfversion = 0;
    bool haveDomain = false;
    uint32_t domain = 0;
};

void NfdumpRecordDecoder::decodeBlock(const uint8_t* data, size_t size, uint32_t numRecords,
                                      std::vector<FlowRecord>& out, std::vector<NfdumpDecodeProblem>& problems)
{
    uint64_t seen = 0;
    size_t p = 0;
    while (p < size) {
        if (size - p < 4) {
            problems.push_back({p, std::to_string(size - p) + " trailing bytes after the last record"});
            break;
        }
        const uint16_t type = le16(data + p);
        const uint16_t rsize = le16(data + p + 2);
        if (rsize < 4 || rsize > size - p) {
            // The record chain is broken: nothing after this point can be located.
            const uint64_t announced = std::min<uint64_t>(numRecords, size / 4);
            const uint64_t lost = announced > seen ? announced - seen : 1;
            m_totals.rejected += lost;
            problems.push_back({p, "record of type " + std::to_string(type) + " claims " + std::to_string(rsize)
                                       + " bytes, " + std::to_string(size - p) + " left in the block; "
                                       + std::to_string(lost) + " records lost"});
            return;
        }
        ++seen;
        const uint8_t* r = data + p;
        std::string reason;
        switch (type) {
        case V3Record:
        case CommonRecord: {
            FlowRecord f;
            if (type == V3Record ? decodeV3(r, rsize, f, reason) : decodeCommon(r, rsize, f, reason)) {
                out.push_back(std::move(f));
                ++m_totals.flows;
            } else {
                ++m_totals.rejected;
                problems.push_back({p, (type == V3Record ? "V3 record: " : "nfdump 1.6 record: ") + reason});
            }
            break;
        }
        case ExtensionMap:
            addExtensionMap(r, rsize, p, problems);
            break;
        case ExporterInfo:
            if (rsize < 32) {
                problems.push_back({p, "exporter record of " + std::to_string(rsize) + " bytes, expected 32"});
                break;
            }
            addExporter(r, rsize);
            break;
        case SamplerLegacy:
            // id int32, interval u32, mode u16, exporter sysid u16
            if (rsize < 16) {
                problems.push_back({p, "sampler record of " + std::to_string(rsize) + " bytes, expected 16"});
                break;
            }
            addSampler(int32_t(le32(r + 4)), le16(r + 14), std::max<uint32_t>(1, le32(r + 8)));
            break;
        case SamplerRecord: {
            // exporter sysid u16, algorithm u16, id int64, packet interval u32, packet space u32:
            // one packet sampled out of interval + space.
            if (rsize < 24) {
                problems.push_back({p, "sampler record of " + std::to_string(rsize) + " bytes, expected 24"});
                break;
            }
            const uint64_t interval = le32(r + 16), space = le32(r + 20);
            const uint64_t rate = interval ? uint64_t(std::llround(double(interval + space) / double(interval))) : 1;
            addSampler(int64_t(le64(r + 8)), le16(r + 4), uint32_t(std::clamp<uint64_t>(rate, 1, UINT32_MAX)));
            break;
        }
        case PortHistogram:
        case BppHistogram:
        case ExporterStat:
        case NbarRecord:
        case IfNameRecord:
        case VrfNameRecord:
        case IdentRecord:
        case StatRecord:
            ++m_totals.otherRecords;
            break;
        default: {
            ++m_totals.rejected;
            ++m_totals.unknownRecords;
            if (m_reportedTypes.insert(type).second) {
                const bool legacy = type == CommonRecordV0 || type == LegacyRecord1 || type == LegacyRecord2;
                problems.push_back({p, legacy ? "nfdump 1.5 record type " + std::to_string(type)
                                                    + " is not supported (nfdump 1.6+ skips it too); such records are skipped"
                                              : "unknown record type " + std::to_string(type)
                                                    + "; records of this type are skipped"});
            }
            break;
        }
        }
        p += rsize;
    }
}

void NfdumpRecordDecoder::addExporter(const uint8_t* r, size_t)
{
    // version u32, ip (16 bytes), sa_family u16, sysid u16, id u32
    Exporter e;
    e.version = le32(r + 4);
    const uint8_t* ip = r + 8;
    const uint16_t family = le16(r + 24);
    const uint16_t sysid = le16(r + 26);
    e.id = le32(r + 28);
    // An IPv4 address sits in the third 32-bit word of nfdump's ip_addr_t on
    // little-endian hosts. AF_INET6 is 10 on Linux, 24/28/30 on the BSDs and macOS.
    const bool v6 = family == 10 || family == 24 || family == 28 || family == 30;
    const bool v4 = family == 2 || (!v6 && le64(ip) == 0 && le32(ip + 12) == 0);
    e.address = v4 ? IpAddress::fromV4(le32(ip + 8)) : v6FromHalves(ip);
    if (m_exporters.insert_or_assign(sysid, e).second)
        ++m_totals.exporters;
}

void NfdumpRecordDecoder::addSampler(int64_t id, uint16_t sysid, uint32_t rate)
{
    auto& list = m_samplers[sysid];
    for (Sampler& s : list)
        if (s.id == id) {
            s.rate = rate;
            return;
        }
    if (list.size() < kMaxSamplersPerExporter) {
        list.push_back({id, rate});
        ++m_totals.samplers;
    }
}

void NfdumpRecordDecoder::addExtensionMap(const uint8_t* r, size_t n, size_t offset,
                                          std::vector<NfdumpDecodeProblem>& problems)
{
    // map id u16, extension size u16, then extension ids (u16) ending with 0.
    if (n < 8) {
        problems.push_back({offset, "extension map of " + std::to_string(n) + " bytes"});
        return;
    }
    const uint16_t id = le16(r + 4);
    MapLayout map;
    for (size_t q = 8; q + 2 <= n; q += 2) {
        const uint16_t ext = le16(r + q);
        if (ext == 0)
            break;
        if (map.ids.size() >= kMaxMapEntries) {
            problems.push_back({offset, "extension map " + std::to_string(id) + " lists more than "
                                            + std::to_string(kMaxMapEntries) + " extensions"});
            map.unsupported = ext;
            break;
        }
        map.ids.push_back(ext);
        const uint8_t bytes = ext < std::size(kExtensionBytes) ? kExtensionBytes[ext] : 0;
        if (ext <= 3)
            continue; // the required extensions are implicit; nfdump ignores them in a map
        if (!bytes && !map.unsupported)
            map.unsupported = ext;
        map.dataBytes += bytes;
    }
    if (map.unsupported)
        problems.push_back({offset, "extension map " + std::to_string(id) + " uses extension "
                                        + std::to_string(map.unsupported)
                                        + " of unknown size; its records are skipped"});
    if (m_maps.insert_or_assign(id, std::move(map)).second)
        ++m_totals.extensionMaps;
}

uint32_t NfdumpRecordDecoder::samplingRate(uint16_t sysid, bool legacy, bool haveSelector, uint64_t selector) const
{
    const auto it = m_samplers.find(sysid);
    if (it == m_samplers.end())
        return 0;
    auto find = [&](int64_t id) -> const Sampler* {
        for (const Sampler& s : it->second)
            if (s.id == id)
                return &s;
        return nullptr;
    };
    // nfcapd 1.6 scales by the exporter's sampler -1, else by its command-line
    // default, which the file does not record (0: unknown).
    if (legacy) {
        const Sampler* s = find(-1);
        return s ? s->rate : 0;
    }
    // nfcapd 1.7's precedence: an overwrite sampler (-3), the sampler the flow
    // names, the exporter's generic sampler (-1), the static default (-2).
    for (int64_t id : {int64_t(-3), haveSelector ? int64_t(selector) : int64_t(-3), int64_t(-1), int64_t(-2)})
        if (const Sampler* s = find(id))
            return s->rate;
    return 0;
}

void NfdumpRecordDecoder::finish(Pending& p, uint16_t sysid, bool sampled, bool legacy, bool haveSelector,
                                 uint64_t selector, FlowRecord& out) const
{
    FlowRecord& r = p.r;
    const auto exporter = m_exporters.find(sysid);
    if (!p.received.isUnspecified())
        r.exporter = p.received;
    else if (exporter != m_exporters.end())
        r.exporter = exporter->second.address;
    uint32_t version = p.nfversion;
    if (!version && exporter != m_exporters.end())
        version = exporter->second.version;
    r.exportVersion = (version == 1 || version == 5 || version == 7 || version == 9 || version == 10)
        ? uint16_t(version) : 0;
    if (p.haveDomain)
        r.observationDomain = p.domain;
    else if (exporter != m_exporters.end())
        r.observationDomain = exporter->second.id;
    r.samplingRate = 1; // counts are already scaled, see the header

    ExtraJson x;
    x.number("srcAs", p.srcAs);
    x.number("dstAs", p.dstAs);
    x.number("srcMask", p.srcMask);
    x.number("dstMask", p.dstMask);
    x.number("direction", p.direction);
    x.address("nextHop", p.nextHop);
    x.address("bgpNextHop", p.bgpNextHop);
    x.number("vlan", p.vlan);
    x.number("postVlan", p.postVlan);
    x.number("forwardingStatus", p.fwdStatus);
    x.number("endReason", p.endReason);
    x.number("biflowDirection", p.biflowDir);
    x.number("engineType", p.engineType);
    x.number("engineId", p.engineId);
    if (p.flows > 1)
        x.number("flows", p.flows);
    if (sampled) {
        x.number("samplingInterval", samplingRate(sysid, legacy, haveSelector, selector)); // omitted when unknown
        x.flag("countsScaled");
    }
    r.extra = x.take();
    out = std::move(r);
}

bool NfdumpRecordDecoder::decodeV3(const uint8_t* r, size_t n, FlowRecord& out, std::string& reason)
{
    if (n < kV3HeaderBytes) {
        reason = "record of " + std::to_string(n) + " bytes is shorter than its header";
        return false;
    }
    // numElements u16, engine type u8, engine id u8, exporter sysid u16, flags u8, nfversion u8
    const uint16_t elements = le16(r + 4);
    Pending p;
    p.engineType = r[6];
    p.engineId = r[7];
    const uint16_t sysid = le16(r + 8);
    const bool sampled = (r[10] & kV3FlagSampled) != 0;
    p.nfversion = r[11];
    bool haveGeneric = false, haveSelector = false;
    uint64_t selector = 0;
    FlowRecord& f = p.r;

    size_t q = kV3HeaderBytes;
    for (uint16_t i = 0; i < elements; ++i) {
        if (n - q < 4) {
            reason = "element " + std::to_string(i + 1) + " of " + std::to_string(elements)
                + " lies beyond the record's " + std::to_string(n) + " bytes";
            return false;
        }
        const uint16_t type = le16(r + q), len = le16(r + q + 2);
        if (len < 4 || len > n - q) {
            reason = "element type " + std::to_string(type) + " of " + std::to_string(len) + " bytes at record byte "
                + std::to_string(q) + " does not fit the record's " + std::to_string(n) + " bytes";
            return false;
        }
        const uint8_t* e = r + q + 4;
        const size_t el = len - 4u;
        auto needs = [&](size_t bytes, const char* name) {
            if (el >= bytes)
                return true;
            reason = std::string(name) + " of " + std::to_string(len) + " bytes, expected "
                + std::to_string(bytes + 4);
            return false;
        };
        switch (type) {
        case EXgenericFlow:
            // msecFirst, msecLast, msecReceived, inPackets, inBytes (u64), srcPort, dstPort (u16;
            // ICMP type << 8 | code), proto, tcpFlags, fwdStatus, srcTos (u8)
            if (!needs(48, "EXgenericFlow"))
                return false;
            f.startMs = int64_t(le64(e));
            f.endMs = int64_t(le64(e + 8));
            f.packets = le64(e + 24);
            f.bytes = le64(e + 32);
            f.srcPort = le16(e + 40);
            f.dstPort = le16(e + 42);
            f.protocol = e[44];
            f.tcpFlags = e[45];
            p.fwdStatus = e[46];
            f.tos = e[47];
            haveGeneric = true;
            break;
        case EXipv4Flow:
            if (!needs(8, "EXipv4Flow"))
                return false;
            if (!p.haveAddresses) {
                f.src = IpAddress::fromV4(le32(e));
                f.dst = IpAddress::fromV4(le32(e + 4));
                p.haveAddresses = true;
            }
            break;
        case EXipv6Flow:
            if (!needs(32, "EXipv6Flow"))
                return false;
            f.src = v6FromHalves(e);
            f.dst = v6FromHalves(e + 16);
            p.haveAddresses = true;
            break;
        case EXflowMisc:
            // input, output (u32), srcMask, dstMask, dir, dstTos, biFlowDir, flowEndReason (u8)
            if (!needs(8, "EXflowMisc"))
                return false;
            f.inputIf = le32(e);
            f.outputIf = le32(e + 4);
            if (el >= 14) {
                p.srcMask = e[8];
                p.dstMask = e[9];
                p.direction = e[10];
                p.biflowDir = e[12];
                p.endReason = e[13];
            }
            break;
        case EXcntFlow:
            // flows, outPackets, outBytes (u64)
            if (!needs(24, "EXcntFlow"))
                return false;
            p.flows = le64(e);
            f.revPackets = le64(e + 8);
            f.revBytes = le64(e + 16);
            break;
        case EXvLan:
            if (el >= 8) {
                p.vlan = le32(e);
                p.postVlan = le32(e + 4);
            }
            break;
        case EXasRouting:
            if (el >= 8) {
                p.srcAs = le32(e);
                p.dstAs = le32(e + 4);
            }
            break;
        case EXbgpNextHopV4:
            if (el >= 4)
                p.bgpNextHop = IpAddress::fromV4(le32(e));
            break;
        case EXbgpNextHopV6:
            if (el >= 16)
                p.bgpNextHop = v6FromHalves(e);
            break;
        case EXipNextHopV4:
            if (el >= 4)
                p.nextHop = IpAddress::fromV4(le32(e));
            break;
        case EXipNextHopV6:
            if (el >= 16)
                p.nextHop = v6FromHalves(e);
            break;
        case EXipReceivedV4:
            if (el >= 4)
                p.received = IpAddress::fromV4(le32(e));
            break;
        case EXipReceivedV6:
            if (el >= 16)
                p.received = v6FromHalves(e);
            break;
        case EXsamplerInfo:
            // From 1.7.2: selector id u64, exporter sysid u16. nfdump 1.7.0/1.7.1
            // defined another layout but never wrote the element.
            if (el >= 8 && (m_nfdumpVersion & 0x00FFFFFF) >= 0x00070200) {
                selector = le64(e);
                haveSelector = true;
            }
            break;
        case EXobservation:
            // pointID u64, domainID u32
            if (el >= 12) {
                p.domain = le32(e + 8);
                p.haveDomain = true;
            }
            break;
        default:
            break; // NSEL/NEL, MPLS, MAC, latency, payload, names...: not kept
        }
        q += len;
    }
    if (!haveGeneric) {
        reason = "no EXgenericFlow element (times, counters, ports)";
        return false;
    }
    if (!p.haveAddresses) {
        reason = "no EXipv4Flow/EXipv6Flow element (addresses)";
        return false;
    }
    finish(p, sysid, sampled, false, haveSelector, selector, out);
    return true;
}

bool NfdumpRecordDecoder::decodeCommon(const uint8_t* r, size_t n, FlowRecord& out, std::string& reason)
{
    if (n < kCommonHeaderBytes) {
        reason = "record of " + std::to_string(n) + " bytes is shorter than its header";
        return false;
    }
    // flags u8, nfversion u8, ext_map u16, msec_first u16, msec_last u16, first u32, last u32,
    // fwd_status, tcp_flags, prot, tos (u8), srcport, dstport, exporter sysid (u16), biFlowDir, flowEndReason (u8)
    const uint8_t flags = r[4];
    Pending p;
    p.nfversion = r[5];
    const uint16_t mapId = le16(r + 6);
    FlowRecord& f = p.r;
    f.startMs = int64_t(le32(r + 12)) * 1000 + le16(r + 8);
    f.endMs = int64_t(le32(r + 16)) * 1000 + le16(r + 10);
    p.fwdStatus = r[20];
    f.tcpFlags = r[21];
    f.protocol = r[22];
    f.tos = r[23];
    f.srcPort = le16(r + 24);
    f.dstPort = le16(r + 26);
    const uint16_t sysid = le16(r + 28);
    p.biflowDir = r[30];
    p.endReason = r[31];

    const auto map = m_maps.find(mapId);
    if (map == m_maps.end()) {
        reason = "refers to extension map " + std::to_string(mapId) + ", not defined before it";
        return false;
    }
    if (map->second.unsupported) {
        reason = "extension map " + std::to_string(mapId) + " uses extension " + std::to_string(map->second.unsupported)
            + " of unknown size";
        return false;
    }
    const size_t required = ((flags & kCommonIpv6) ? 32 : 8) + ((flags & kCommonPackets64) ? 8 : 4)
        + ((flags & kCommonBytes64) ? 8 : 4);
    if (n - kCommonHeaderBytes < required + map->second.dataBytes) {
        reason = "record of " + std::to_string(n) + " bytes, its flags and extension map "
            + std::to_string(mapId) + " need " + std::to_string(kCommonHeaderBytes + required + map->second.dataBytes);
        return false;
    }
    const uint8_t* d = r + kCommonHeaderBytes;
    if (flags & kCommonIpv6) {
        f.src = v6FromHalves(d);
        f.dst = v6FromHalves(d + 16);
        d += 32;
    } else {
        f.src = IpAddress::fromV4(le32(d));
        f.dst = IpAddress::fromV4(le32(d + 4));
        d += 8;
    }
    if (flags & kCommonPackets64) {
        f.packets = le64(d);
        d += 8;
    } else {
        f.packets = le32(d);
        d += 4;
    }
    if (flags & kCommonBytes64) {
        f.bytes = le64(d);
        d += 8;
    } else {
        f.bytes = le32(d);
        d += 4;
    }
    for (uint16_t ext : map->second.ids) {
        switch (ext) {
        case 4: f.inputIf = le16(d); f.outputIf = le16(d + 2); break;
        case 5: f.inputIf = le32(d); f.outputIf = le32(d + 4); break;
        case 6: p.srcAs = le16(d); p.dstAs = le16(d + 2); break;
        case 7: p.srcAs = le32(d); p.dstAs = le32(d + 4); break;
        case 8: p.direction = d[1]; p.srcMask = d[2]; p.dstMask = d[3]; break; // dst tos, dir, src mask, dst mask
        case 9: p.nextHop = IpAddress::fromV4(le32(d)); break;
        case 10: p.nextHop = v6FromHalves(d); break;
        case 11: p.bgpNextHop = IpAddress::fromV4(le32(d)); break;
        case 12: p.bgpNextHop = v6FromHalves(d); break;
        case 13: p.vlan = le16(d); p.postVlan = le16(d + 2); break;
        case 14: f.revPackets = le32(d); break;
        case 15: f.revPackets = le64(d); break;
        case 16: f.revBytes = le32(d); break;
        case 17: f.revBytes = le64(d); break;
        case 18: p.flows = le32(d); break;
        case 19: p.flows = le64(d); break;
        case 23: p.received = IpAddress::fromV4(le32(d)); break;
        case 24: p.received = v6FromHalves(d); break;
        case 25: p.engineType = d[2]; p.engineId = d[3]; break; // fill u16, engine type, engine id
        default: break;
        }
        d += ext < std::size(kExtensionBytes) ? kExtensionBytes[ext] : 0;
    }
    finish(p, sysid, (flags & kCommonSampled) != 0, true, false, 0, out);
    return true;
}
