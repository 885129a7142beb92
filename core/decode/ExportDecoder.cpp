#include "decode/ExportDecoder.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace {

inline uint16_t rd16(const uint8_t* p) { return uint16_t((p[0] << 8) | p[1]); }
inline uint32_t rd32(const uint8_t* p)
{
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}
// Unsigned big-endian integer of 1..8 bytes (RFC 7011 §6.2 reduced-size encoding).
inline uint64_t rdUint(const uint8_t* p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i)
        v = (v << 8) | p[i];
    return v;
}

constexpr size_t kV5Header = 24;
constexpr size_t kV5Record = 48;
constexpr size_t kV9Header = 20;
constexpr size_t kIpfixHeader = 16;
constexpr int64_t kNtpToUnixSecs = 2208988800LL; // 1900-01-01 to 1970-01-01

// NTP 64-bit timestamp (RFC 7011 §6.1.9/6.1.10) to epoch milliseconds.
inline int64_t ntpToMs(uint64_t v)
{
    const int64_t secs = int64_t(v >> 32) - kNtpToUnixSecs;
    const int64_t frac = int64_t(((v & 0xffffffffULL) * 1000) >> 32);
    return secs * 1000 + frac;
}

std::string hex16(uint16_t v) { return std::to_string(v); }

// Values read from one record that need the whole record before they apply.
struct Scratch {
    enum : uint32_t {
        OctetTotal = 1u << 0, PacketTotal = 1u << 1, RevOctetTotal = 1u << 2, RevPacketTotal = 1u << 3,
        First = 1u << 4, Last = 1u << 5, StartAbs = 1u << 6, EndAbs = 1u << 7,
        StartDelta = 1u << 8, EndDelta = 1u << 9, SysInit = 1u << 10, Sampling = 1u << 11,
        Direction = 1u << 12, EndReason = 1u << 13, SrcAs = 1u << 14, DstAs = 1u << 15,
        SrcVlan = 1u << 16, DstVlan = 1u << 17, OutBytes = 1u << 18, OutPackets = 1u << 19, NextHop = 1u << 20,
    };
    static constexpr uint32_t kExtraMask = Direction | EndReason | SrcAs | DstAs | SrcVlan | DstVlan | OutBytes
        | OutPackets | NextHop;
    uint32_t have = 0;
    uint64_t octetTotal = 0, packetTotal = 0, revOctetTotal = 0, revPacketTotal = 0;
    uint64_t first = 0, last = 0, startDelta = 0, endDelta = 0, sampling = 0;
    int64_t startAbs = 0, endAbs = 0, sysInit = 0;
    uint64_t direction = 0, endReason = 0, srcAs = 0, dstAs = 0, srcVlan = 0, dstVlan = 0, outBytes = 0,
             outPackets = 0;
    uint8_t nextHop[4] = {};
};

// Compact JSON of the rarer fields; built only when a record has any.
void buildExtra(const Scratch& s, std::string& out)
{
    char buf[320];
    char* p = buf;
    char* const end = buf + sizeof buf;
    auto key = [&](const char* k) {
        const char sep = p == buf ? '{' : ',';
        *p++ = sep;
        *p++ = '"';
        const size_t n = std::strlen(k);
        std::memcpy(p, k, n);
        p += n;
        *p++ = '"';
        *p++ = ':';
    };
    auto num = [&](const char* k, uint64_t v) {
        key(k);
        p = std::to_chars(p, end, v).ptr;
    };
    if (s.have & Scratch::Direction) num("direction", s.direction);
    if (s.have & Scratch::EndReason) num("endReason", s.endReason);
    if (s.have & Scratch::SrcAs) num("srcAs", s.srcAs);
    if (s.have & Scratch::DstAs) num("dstAs", s.dstAs);
    if (s.have & Scratch::SrcVlan) num("vlan", s.srcVlan);
    if (s.have & Scratch::DstVlan) num("postVlan", s.dstVlan);
    if (s.have & Scratch::OutBytes) num("outBytes", s.outBytes);
    if (s.have & Scratch::OutPackets) num("outPackets", s.outPackets);
    if (s.have & Scratch::NextHop) {
        key("nextHop");
        *p++ = '"';
        for (int i = 0; i < 4; ++i) {
            if (i)
                *p++ = '.';
            p = std::to_chars(p, end, unsigned(s.nextHop[i])).ptr;
        }
        *p++ = '"';
    }
    if (p == buf)
        return;
    *p++ = '}';
    out.assign(buf, size_t(p - buf));
}

// Decodes one record at d[0..len). Returns bytes consumed, 0 if it does not fit.
size_t decodeRecord(const CompiledTemplate& t, const uint8_t* d, size_t len, FlowRecord& r, Scratch& s)
{
    size_t c = 0;
    for (const FieldAction& a : t.actions) {
        size_t n = a.length;
        if (n == kVariableLength) { // RFC 7011 §7: 1-byte length, 255 = 2-byte length follows
            if (c >= len)
                return 0;
            n = d[c++];
            if (n == 255) {
                if (c + 2 > len)
                    return 0;
                n = rd16(d + c);
                c += 2;
            }
        }
        if (n > len - c)
            return 0;
        const uint8_t* p = d + c;
        c += n;
        switch (a.target) {
        case FieldTarget::Skip: break;
        case FieldTarget::SrcV4: r.src = IpAddress::fromV4Bytes(p); break;
        case FieldTarget::DstV4: r.dst = IpAddress::fromV4Bytes(p); break;
        case FieldTarget::SrcV6: r.src = IpAddress::fromV6Bytes(p); break;
        case FieldTarget::DstV6: r.dst = IpAddress::fromV6Bytes(p); break;
        case FieldTarget::NextHopV4: std::memcpy(s.nextHop, p, 4); s.have |= Scratch::NextHop; break;
        case FieldTarget::SrcPort: r.srcPort = uint16_t(rdUint(p, n)); break;
        case FieldTarget::DstPort: r.dstPort = uint16_t(rdUint(p, n)); break;
        case FieldTarget::Protocol: r.protocol = uint8_t(rdUint(p, n)); break;
        case FieldTarget::TcpFlags: r.tcpFlags = uint8_t(rdUint(p, n)); break; // IPFIX has 16 bits; low 8 are the classic flags
        case FieldTarget::Tos: r.tos = uint8_t(rdUint(p, n)); break;
        case FieldTarget::Bytes: r.bytes = rdUint(p, n); break;
        case FieldTarget::Packets: r.packets = rdUint(p, n); break;
        case FieldTarget::OctetTotal: s.octetTotal = rdUint(p, n); s.have |= Scratch::OctetTotal; break;
        case FieldTarget::PacketTotal: s.packetTotal = rdUint(p, n); s.have |= Scratch::PacketTotal; break;
        case FieldTarget::RevBytes: r.revBytes = rdUint(p, n); break;
        case FieldTarget::RevPackets: r.revPackets = rdUint(p, n); break;
        case FieldTarget::RevOctetTotal: s.revOctetTotal = rdUint(p, n); s.have |= Scratch::RevOctetTotal; break;
        case FieldTarget::RevPacketTotal: s.revPacketTotal = rdUint(p, n); s.have |= Scratch::RevPacketTotal; break;
        case FieldTarget::InputIf: r.inputIf = uint32_t(rdUint(p, n)); break;
        case FieldTarget::OutputIf: r.outputIf = uint32_t(rdUint(p, n)); break;
        case FieldTarget::SysUpFirst: s.first = rdUint(p, n); s.have |= Scratch::First; break;
        case FieldTarget::SysUpLast: s.last = rdUint(p, n); s.have |= Scratch::Last; break;
        case FieldTarget::StartSec: s.startAbs = int64_t(rdUint(p, n)) * 1000; s.have |= Scratch::StartAbs; break;
        case FieldTarget::EndSec: s.endAbs = int64_t(rdUint(p, n)) * 1000; s.have |= Scratch::EndAbs; break;
        case FieldTarget::StartMs: s.startAbs = int64_t(rdUint(p, n)); s.have |= Scratch::StartAbs; break;
        case FieldTarget::EndMs: s.endAbs = int64_t(rdUint(p, n)); s.have |= Scratch::EndAbs; break;
        case FieldTarget::StartNtp: s.startAbs = ntpToMs(rdUint(p, 8)); s.have |= Scratch::StartAbs; break;
        case FieldTarget::EndNtp: s.endAbs = ntpToMs(rdUint(p, 8)); s.have |= Scratch::EndAbs; break;
        case FieldTarget::StartDeltaUs: s.startDelta = rdUint(p, n); s.have |= Scratch::StartDelta; break;
        case FieldTarget::EndDeltaUs: s.endDelta = rdUint(p, n); s.have |= Scratch::EndDelta; break;
        case FieldTarget::SystemInitMs: s.sysInit = int64_t(rdUint(p, n)); s.have |= Scratch::SysInit; break;
        case FieldTarget::SamplingInterval: s.sampling = rdUint(p, n); s.have |= Scratch::Sampling; break;
        case FieldTarget::Direction: s.direction = rdUint(p, n); s.have |= Scratch::Direction; break;
        case FieldTarget::EndReason: s.endReason = rdUint(p, n); s.have |= Scratch::EndReason; break;
        case FieldTarget::SrcAs: s.srcAs = rdUint(p, n); s.have |= Scratch::SrcAs; break;
        case FieldTarget::DstAs: s.dstAs = rdUint(p, n); s.have |= Scratch::DstAs; break;
        case FieldTarget::SrcVlan: s.srcVlan = rdUint(p, n); s.have |= Scratch::SrcVlan; break;
        case FieldTarget::DstVlan: s.dstVlan = rdUint(p, n); s.have |= Scratch::DstVlan; break;
        case FieldTarget::OutBytes: s.outBytes = rdUint(p, n); s.have |= Scratch::OutBytes; break;
        case FieldTarget::OutPackets: s.outPackets = rdUint(p, n); s.have |= Scratch::OutPackets; break;
        }
    }
    return c;
}

std::string exporterName(const ExporterKey& k)
{
    const std::string a = k.address.isV4() ? k.address.toString() : "[" + k.address.toString() + "]";
    return a + ":" + std::to_string(k.port) + " domain " + std::to_string(k.domain);
}

} // namespace

ExportDecoder::Kind ExportDecoder::detect(const uint8_t* d, size_t len)
{
    if (len < 4)
        return Kind::NotExport;
    const uint16_t version = rd16(d);
    if (version == 5) {
        const size_t count = rd16(d + 2);
        if (len < kV5Header + kV5Record || count == 0)
            return Kind::NotExport;
        // Either the count fits, or the datagram is a whole number of records
        // (a lying count is then a malformed v5, not some other protocol).
        if (kV5Header + kV5Record * count <= len || (len - kV5Header) % kV5Record == 0)
            return Kind::NetflowV5;
        return Kind::NotExport;
    }
    if (version == 9) {
        if (len < kV9Header + 4)
            return Kind::NotExport;
        const uint16_t setId = rd16(d + kV9Header);
        const size_t setLen = rd16(d + kV9Header + 2);
        if ((setId <= 1 || setId >= 256) && setLen >= 4 && setLen <= len - kV9Header)
            return Kind::NetflowV9;
        return Kind::NotExport;
    }
    if (version == 10) {
        const size_t msgLen = rd16(d + 2);
        if (len < kIpfixHeader || msgLen < kIpfixHeader)
            return Kind::NotExport;
        if (msgLen == kIpfixHeader)
            return Kind::Ipfix;
        if (len < kIpfixHeader + 4)
            return Kind::NotExport;
        const uint16_t setId = rd16(d + kIpfixHeader);
        const size_t setLen = rd16(d + kIpfixHeader + 2);
        if ((setId == 2 || setId == 3 || setId >= 256) && setLen >= 4 && setLen <= msgLen - kIpfixHeader)
            return Kind::Ipfix;
        return Kind::NotExport;
    }
    return Kind::NotExport;
}

ExportDecoder::Kind ExportDecoder::decode(const IpAddress& exporter, uint16_t exporterPort, int64_t captureUs,
                                          const uint8_t* data, size_t length, std::vector<FlowRecord>& out,
                                          std::vector<DecodeIssue>& issues)
{
    ++m_totals.datagrams;
    const Kind kind = data ? detect(data, length) : Kind::NotExport;
    ExporterKey key;
    key.address = exporter;
    key.port = exporterPort;
    switch (kind) {
    case Kind::NotExport:
        ++m_totals.notExport;
        break;
    case Kind::NetflowV5:
        ++m_totals.v5;
        key.version = 5;
        decodeV5(key, data, length, out, issues);
        break;
    case Kind::NetflowV9:
        ++m_totals.v9;
        key.version = 9;
        decodeV9(key, captureUs, data, length, out, issues);
        break;
    case Kind::Ipfix: {
        ++m_totals.ipfix;
        key.version = 10;
        size_t pos = 0;
        // One message per datagram is the rule (RFC 7011 §10.3.3), but some
        // collectors' dumps concatenate several: decode all that parse.
        while (length - pos >= kIpfixHeader) {
            if (pos > 0 && detect(data + pos, length - pos) != Kind::Ipfix)
                break;
            const size_t used = decodeIpfixMessage(key, captureUs, data + pos, length - pos, pos, out, issues);
            if (used == 0)
                break;
            pos += used;
        }
        break;
    }
    }
    return kind;
}

void ExportDecoder::decodeV5(const ExporterKey& base, const uint8_t* d, size_t len, std::vector<FlowRecord>& out,
                             std::vector<DecodeIssue>& issues)
{
    const size_t count = rd16(d + 2);
    const uint32_t sysUptime = rd32(d + 4);
    const uint32_t secs = rd32(d + 8);
    const uint32_t nsecs = rd32(d + 12);
    const uint32_t sequence = rd32(d + 16);
    ExporterKey key = base;
    key.domain = (uint32_t(d[20]) << 8) | d[21]; // engine type, engine id
    // Low 14 bits are the interval, high 2 bits the mode (Cisco v5 format).
    const uint32_t sampling = rd16(d + 22) & 0x3fff;
    ExporterState& st = m_cache.state(key);
    ++st.stats.datagrams;

    size_t fit = (len - kV5Header) / kV5Record;
    if (count > fit) {
        ++m_totals.malformed;
        ++st.stats.malformed;
        issues.push_back({2, "NetFlow v5 header announces " + std::to_string(count) + " records but the datagram holds "
                                 + std::to_string(fit)});
    } else {
        fit = count;
    }
    if (st.nextSequence && *st.nextSequence != sequence) {
        ++st.stats.sequenceGaps;
        ++m_totals.sequenceGaps;
    }
    st.nextSequence = sequence + uint32_t(count);

    // Header time with its nanoseconds: record times are uptime-relative.
    const int64_t exportMs = int64_t(secs) * 1000 + nsecs / 1000000;
    out.reserve(out.size() + fit);
    for (size_t i = 0; i < fit; ++i) {
        const uint8_t* p = d + kV5Header + i * kV5Record;
        FlowRecord& r = out.emplace_back();
        r.src = IpAddress::fromV4Bytes(p);
        r.dst = IpAddress::fromV4Bytes(p + 4);
        r.inputIf = rd16(p + 12);
        r.outputIf = rd16(p + 14);
        r.packets = rd32(p + 16);
        r.bytes = rd32(p + 20);
        // Signed 32-bit difference survives sysUptime wrapping at 2^32 ms.
        r.startMs = exportMs + int32_t(rd32(p + 24) - sysUptime);
        r.endMs = exportMs + int32_t(rd32(p + 28) - sysUptime);
        r.srcPort = rd16(p + 32);
        r.dstPort = rd16(p + 34);
        r.tcpFlags = p[37];
        r.protocol = p[38];
        r.tos = p[39];
        r.samplingRate = sampling ? sampling : 1;
        r.exportVersion = 5;
        r.exporter = key.address;
        r.exporterPort = key.port;
        r.observationDomain = key.domain;
        const uint16_t srcAs = rd16(p + 40), dstAs = rd16(p + 42);
        if (srcAs || dstAs || rd32(p + 8)) {
            Scratch s;
            if (rd32(p + 8)) {
                std::memcpy(s.nextHop, p + 8, 4);
                s.have |= Scratch::NextHop;
            }
            if (srcAs || dstAs) {
                s.srcAs = srcAs;
                s.dstAs = dstAs;
                s.have |= Scratch::SrcAs | Scratch::DstAs;
            }
            buildExtra(s, r.extra);
        }
    }
    st.stats.flows += fit;
    m_totals.flows += fit;
}

void ExportDecoder::decodeV9(const ExporterKey& base, int64_t captureUs, const uint8_t* d, size_t len,
                             std::vector<FlowRecord>& out, std::vector<DecodeIssue>& issues)
{
    ExporterKey key = base;
    key.domain = rd32(d + 16); // source id
    ExporterState& st = m_cache.state(key);
    ++st.stats.datagrams;
    const uint32_t sequence = rd32(d + 12);
    // RFC 3954 §5.1: the sequence counts export packets per source id.
    if (st.nextSequence && *st.nextSequence != sequence) {
        ++st.stats.sequenceGaps;
        ++m_totals.sequenceGaps;
    }
    st.nextSequence = sequence + 1;

    Context ctx;
    ctx.state = &st;
    ctx.key = &st.stats.key;
    ctx.version = 9;
    ctx.sysUptimeMs = rd32(d + 4);
    ctx.exportSecs = rd32(d + 8);
    ctx.exportMs = int64_t(ctx.exportSecs) * 1000; // v9 has whole seconds only
    bool anyBuffered = false;
    decodeSets(ctx, captureUs, d + kV9Header, len - kV9Header, kV9Header, anyBuffered, out, issues);
}

size_t ExportDecoder::decodeIpfixMessage(const ExporterKey& base, int64_t captureUs, const uint8_t* d, size_t len,
                                         size_t baseOffset, std::vector<FlowRecord>& out,
                                         std::vector<DecodeIssue>& issues)
{
    size_t msgLen = rd16(d + 2);
    ExporterKey key = base;
    key.domain = rd32(d + 12);
    ExporterState& st = m_cache.state(key);
    ++st.stats.datagrams;
    if (msgLen < kIpfixHeader)
        return 0;
    if (msgLen > len) {
        ++m_totals.malformed;
        ++st.stats.malformed;
        issues.push_back({baseOffset + 2, "IPFIX message length " + std::to_string(msgLen) + " exceeds the "
                                              + std::to_string(len) + " bytes available (truncated datagram)"});
        msgLen = len;
    }
    const uint32_t sequence = rd32(d + 8);
    const bool checkSequence = st.nextSequence.has_value();
    if (checkSequence && *st.nextSequence != sequence) {
        ++st.stats.sequenceGaps;
        ++m_totals.sequenceGaps;
    }

    Context ctx;
    ctx.state = &st;
    ctx.key = &st.stats.key;
    ctx.version = 10;
    ctx.exportSecs = rd32(d + 4);
    ctx.exportMs = int64_t(ctx.exportSecs) * 1000;
    bool anyBuffered = false;
    const uint64_t records
        = decodeSets(ctx, captureUs, d + kIpfixHeader, msgLen - kIpfixHeader, baseOffset + kIpfixHeader, anyBuffered,
                     out, issues);
    // RFC 7011 §3.1: the sequence counts data records, so the next one is
    // predictable only when every set of this message was decoded.
    if (anyBuffered)
        st.nextSequence.reset();
    else
        st.nextSequence = sequence + uint32_t(records);
    return msgLen;
}

uint64_t ExportDecoder::decodeSets(Context& ctx, int64_t captureUs, const uint8_t* d, size_t len, size_t baseOffset,
                                   bool& anyBuffered, std::vector<FlowRecord>& out, std::vector<DecodeIssue>& issues)
{
    const bool ipfix = ctx.version == 10;
    uint64_t records = 0;
    size_t pos = 0;
    bool lookedAhead = false;
    while (len - pos >= 4) {
        const uint16_t setId = rd16(d + pos);
        const size_t setLen = rd16(d + pos + 2);
        if (setLen < 4 || setLen > len - pos) {
            // Zero fill after the last set is padding some exporters add.
            if (std::all_of(d + pos, d + len, [](uint8_t b) { return b == 0; }))
                return records;
            ++m_totals.malformed;
            ++ctx.state->stats.malformed;
            issues.push_back({baseOffset + pos + 2, std::string(ipfix ? "IPFIX set" : "NetFlow v9 flowset") + " id "
                                                       + hex16(setId) + " has length " + std::to_string(setLen)
                                                       + " but " + std::to_string(len - pos) + " bytes remain"});
            return records;
        }
        const uint8_t* body = d + pos + 4;
        const size_t bodyLen = setLen - 4;
        const size_t bodyOffset = baseOffset + pos + 4;
        const bool isTemplate = ipfix ? (setId == 2 || setId == 3) : (setId == 0 || setId == 1);
        if (isTemplate) {
            parseTemplateSet(ctx, setId, body, bodyLen, bodyOffset, out, issues);
        } else if (setId >= 256) {
            auto it = ctx.state->templates.find(setId);
            if (it != ctx.state->templates.end()) {
                // softflowd may put the options record with systemInitTimeMilliseconds
                // after the data sets of the same message: look ahead for it.
                if (it->second.needsSystemInit && !ctx.state->systemInitMs && !lookedAhead) {
                    lookedAhead = true;
                    applyOptionsAhead(ctx, d + pos + setLen, len - pos - setLen);
                }
                records += decodeDataSet(ctx, it->second, body, bodyLen, bodyOffset, out, issues);
            } else {
                anyBuffered = true;
                bufferSet(ctx, setId, captureUs, body, bodyLen, bodyOffset, issues);
            }
        } // ids 2..255 (v9) / 4..255 (IPFIX) are reserved: skip (RFC 7011 §3.3.2)
        pos += setLen;
    }
    if (pos < len && !std::all_of(d + pos, d + len, [](uint8_t b) { return b == 0; })) {
        ++m_totals.malformed;
        ++ctx.state->stats.malformed;
        issues.push_back({baseOffset + pos, std::to_string(len - pos) + " stray bytes after the last set"});
    }
    return records;
}

void ExportDecoder::applyOptionsAhead(Context& ctx, const uint8_t* d, size_t len)
{
    std::vector<FlowRecord> none;
    std::vector<DecodeIssue> ignored; // reported when the set is decoded in order
    size_t pos = 0;
    while (len - pos >= 4) {
        const uint16_t setId = rd16(d + pos);
        const size_t setLen = rd16(d + pos + 2);
        if (setLen < 4 || setLen > len - pos)
            return;
        if (setId >= 256) {
            auto it = ctx.state->templates.find(setId);
            if (it != ctx.state->templates.end() && it->second.isOptions) {
                const ExporterStats saved = ctx.state->stats;
                const DecoderTotals savedTotals = m_totals;
                decodeDataSet(ctx, it->second, d + pos + 4, setLen - 4, 0, none, ignored);
                ctx.state->stats = saved; // counted when decoded in order
                m_totals = savedTotals;
            }
        }
        pos += setLen;
    }
}

void ExportDecoder::parseTemplateSet(Context& ctx, uint16_t setId, const uint8_t* d, size_t len, size_t baseOffset,
                                     std::vector<FlowRecord>& out, std::vector<DecodeIssue>& issues)
{
    const bool ipfix = ctx.version == 10;
    const bool options = ipfix ? setId == 3 : setId == 1;
    auto malformed = [&](size_t at, const std::string& why) {
        ++m_totals.malformed;
        ++ctx.state->stats.malformed;
        issues.push_back({baseOffset + at, why});
    };
    size_t pos = 0;
    while (len - pos >= 4) {
        const uint16_t templateId = rd16(d + pos);
        const size_t start = pos;
        m_fieldScratch.clear();
        if (!ipfix && options) {
            // RFC 3954 §6.1: id, scope length, option length (bytes), then fields.
            if (len - pos < 6)
                break; // padding
            const size_t scopeLen = rd16(d + pos + 2);
            const size_t optLen = rd16(d + pos + 4);
            if (templateId < 256)
                break; // zero padding
            if (scopeLen % 4 || optLen % 4 || scopeLen + optLen > len - pos - 6) {
                malformed(start, "NetFlow v9 options template " + hex16(templateId) + " has inconsistent lengths");
                return;
            }
            pos += 6;
            for (size_t i = 0; i < (scopeLen + optLen) / 4; ++i, pos += 4) {
                RawField f;
                // Scope types (system, interface...) overlap IE numbers: never map them.
                f.id = i < scopeLen / 4 ? 0 : rd16(d + pos);
                f.length = rd16(d + pos + 2);
                m_fieldScratch.push_back(f);
            }
        } else {
            const size_t fieldCount = rd16(d + pos + 2);
            if (ipfix && fieldCount == 0) {
                // RFC 7011 §8.1 withdrawal; the set's own id withdraws all of its kind.
                if (templateId == setId) {
                    for (auto it = ctx.state->templates.begin(); it != ctx.state->templates.end();)
                        it = it->second.isOptions == options ? ctx.state->templates.erase(it) : std::next(it);
                } else {
                    ctx.state->templates.erase(templateId);
                }
                pos += 4;
                continue;
            }
            if (templateId < 256) {
                if (templateId == 0 && fieldCount == 0)
                    break; // zero padding
                malformed(start, "template id " + hex16(templateId) + " is reserved (must be 256 or more)");
                return;
            }
            pos += 4;
            size_t scopeCount = 0;
            if (options) { // IPFIX options template: scope field count (RFC 7011 §3.4.2.2)
                if (len - pos < 2) {
                    malformed(start, "IPFIX options template " + hex16(templateId) + " is truncated");
                    return;
                }
                scopeCount = rd16(d + pos);
                pos += 2;
                if (scopeCount > fieldCount) {
                    malformed(start, "IPFIX options template " + hex16(templateId) + " has more scope fields than fields");
                    return;
                }
            }
            if (fieldCount == 0) {
                malformed(start, "NetFlow v9 template " + hex16(templateId) + " has no fields");
                return;
            }
            for (size_t i = 0; i < fieldCount; ++i) {
                if (len - pos < 4) {
                    malformed(start, "template " + hex16(templateId) + " is truncated in field " + std::to_string(i + 1)
                                         + " of " + std::to_string(fieldCount));
                    return;
                }
                RawField f;
                f.id = rd16(d + pos);
                f.length = rd16(d + pos + 2);
                pos += 4;
                if (ipfix && (f.id & 0x8000)) { // enterprise bit: a PEN follows (RFC 7011 §3.2)
                    if (len - pos < 4) {
                        malformed(start, "template " + hex16(templateId) + " is truncated in an enterprise number");
                        return;
                    }
                    f.id &= 0x7fff;
                    f.enterprise = rd32(d + pos);
                    pos += 4;
                }
                m_fieldScratch.push_back(f);
            }
        }
        CompiledTemplate t
            = TemplateCache::compile(templateId, ipfix, options, m_fieldScratch.data(), m_fieldScratch.size());
        ++ctx.state->stats.templates;
        ++m_totals.templates;
        defineTemplate(ctx, std::move(t), out, issues);
    }
}

void ExportDecoder::defineTemplate(Context& ctx, CompiledTemplate&& t, std::vector<FlowRecord>& out,
                                   std::vector<DecodeIssue>& issues)
{
    ExporterState& st = *ctx.state;
    const uint16_t id = t.id;
    // Redefinition simply replaces (RFC 7011 §8.1 allows it after withdrawal,
    // and v9 exporters resend freely).
    const CompiledTemplate& stored = st.templates.insert_or_assign(id, std::move(t)).first->second;
    if (st.pending.empty())
        return;
    // Decode the data sets that were waiting for this template, in arrival order.
    for (auto it = st.pending.begin(); it != st.pending.end();) {
        if (it->templateId != id) {
            ++it;
            continue;
        }
        PendingSet set = std::move(*it);
        it = st.pending.erase(it);
        st.pendingBytes -= set.bytes.size();
        Context pc = ctx;
        pc.exportSecs = set.exportSecs;
        pc.sysUptimeMs = set.sysUptimeMs;
        pc.exportMs = int64_t(set.exportSecs) * 1000;
        std::vector<DecodeIssue> setIssues;
        decodeDataSet(pc, stored, set.bytes.data(), set.bytes.size(), 0, out, setIssues);
        for (DecodeIssue& i : setIssues) {
            i.reason = "buffered data set of template " + hex16(id) + ": " + i.reason;
            issues.push_back(std::move(i));
        }
    }
}

void ExportDecoder::bufferSet(Context& ctx, uint16_t templateId, int64_t captureUs, const uint8_t* d, size_t len,
                              size_t baseOffset, std::vector<DecodeIssue>& issues)
{
    ExporterState& st = *ctx.state;
    if (st.pending.size() >= TemplateCache::kMaxPendingSets || st.pendingBytes + len > TemplateCache::kMaxPendingBytes) {
        ++st.stats.droppedSets;
        ++m_totals.droppedSets;
        if (!st.overflowReported) {
            st.overflowReported = true;
            issues.push_back({baseOffset, "exporter " + exporterName(*ctx.key) + ": data set of template "
                                              + hex16(templateId) + " dropped, "
                                              + std::to_string(TemplateCache::kMaxPendingSets)
                                              + " sets already wait for their template"});
        }
        return;
    }
    PendingSet p;
    p.templateId = templateId;
    p.exportSecs = ctx.exportSecs;
    p.sysUptimeMs = ctx.sysUptimeMs;
    p.captureUs = captureUs;
    p.bytes.assign(d, d + len);
    st.pendingBytes += len;
    st.pending.push_back(std::move(p));
    ++st.stats.bufferedSets;
    ++m_totals.bufferedSets;
}

uint64_t ExportDecoder::decodeDataSet(Context& ctx, const CompiledTemplate& t, const uint8_t* d, size_t len,
                                      size_t baseOffset, std::vector<FlowRecord>& out,
                                      std::vector<DecodeIssue>& issues)
{
    ExporterState& st = *ctx.state;
    const bool ipfix = ctx.version == 10;
    if (t.minRecordLength == 0)
        return 0; // a template of empty fields describes nothing
    uint64_t records = 0;
    uint64_t flows = 0;
    size_t pos = 0;
    // RFC 7011 §3.3.1: padding is shorter than the smallest record.
    FlowRecord local; // options records decode here and are never emitted
    while (len - pos >= t.minRecordLength) {
        FlowRecord& r = t.isOptions ? local : out.emplace_back();
        Scratch s;
        const size_t used = decodeRecord(t, d + pos, len - pos, r, s);
        if (used == 0) {
            if (!t.isOptions)
                out.pop_back();
            ++m_totals.malformed;
            ++st.stats.malformed;
            issues.push_back({baseOffset + pos, "record " + std::to_string(records + 1) + " of template "
                                                    + hex16(t.id) + " overruns its set ("
                                                    + std::to_string(len - pos) + " bytes left)"});
            break;
        }
        pos += used;
        ++records;

        if (t.isOptions) {
            // Options data describe the exporter, not flows (RFC 7011 §3.4.2.2).
            ++st.stats.optionsRecords;
            ++m_totals.optionsRecords;
            if (s.have & Scratch::SysInit)
                st.systemInitMs = s.sysInit;
            if ((s.have & Scratch::Sampling) && s.sampling > 0)
                st.samplingRate = uint32_t(std::min<uint64_t>(s.sampling, UINT32_MAX));
            continue;
        }

        if (!t.hasOctetDelta && (s.have & Scratch::OctetTotal))
            r.bytes = s.octetTotal;
        if (!t.hasPacketDelta && (s.have & Scratch::PacketTotal))
            r.packets = s.packetTotal;
        if (!t.hasRevOctetDelta && (s.have & Scratch::RevOctetTotal))
            r.revBytes = s.revOctetTotal;
        if (!t.hasRevPacketDelta && (s.have & Scratch::RevPacketTotal))
            r.revPackets = s.revPacketTotal;

        // Times: absolute fields win, then deltas from export time, then uptime.
        bool hasStart = false, hasEnd = false;
        if (s.have & Scratch::StartAbs) {
            r.startMs = s.startAbs;
            hasStart = true;
        } else if (s.have & Scratch::StartDelta) { // IE 158: µs before export time
            r.startMs = (ctx.exportMs * 1000 - int64_t(s.startDelta)) / 1000;
            hasStart = true;
        }
        if (s.have & Scratch::EndAbs) {
            r.endMs = s.endAbs;
            hasEnd = true;
        } else if (s.have & Scratch::EndDelta) {
            r.endMs = (ctx.exportMs * 1000 - int64_t(s.endDelta)) / 1000;
            hasEnd = true;
        }
        if ((s.have & (Scratch::First | Scratch::Last)) && (!hasStart || !hasEnd)) {
            if (ipfix) {
                // IPFIX IE 22/21 count from systemInitTimeMilliseconds (IE 160),
                // in the record itself or from this exporter's options data.
                const bool haveInit = (s.have & Scratch::SysInit) || st.systemInitMs;
                const int64_t init = (s.have & Scratch::SysInit) ? s.sysInit : st.systemInitMs.value_or(0);
                if (haveInit) {
                    if (!hasStart && (s.have & Scratch::First)) {
                        r.startMs = init + int64_t(s.first);
                        hasStart = true;
                    }
                    if (!hasEnd && (s.have & Scratch::Last)) {
                        r.endMs = init + int64_t(s.last);
                        hasEnd = true;
                    }
                }
            } else {
                // v9: relative to the header's sysUptime; the signed 32-bit
                // difference copes with uptime wrapping at 2^32 ms.
                if (!hasStart && (s.have & Scratch::First)) {
                    r.startMs = ctx.exportMs + int32_t(uint32_t(s.first) - ctx.sysUptimeMs);
                    hasStart = true;
                }
                if (!hasEnd && (s.have & Scratch::Last)) {
                    r.endMs = ctx.exportMs + int32_t(uint32_t(s.last) - ctx.sysUptimeMs);
                    hasEnd = true;
                }
            }
        }
        if (!hasStart && !hasEnd)
            r.startMs = r.endMs = ctx.exportMs;
        else if (!hasStart)
            r.startMs = r.endMs;
        else if (!hasEnd)
            r.endMs = r.startMs;

        r.samplingRate = (s.have & Scratch::Sampling) && s.sampling > 0
            ? uint32_t(std::min<uint64_t>(s.sampling, UINT32_MAX))
            : st.samplingRate;
        r.exportVersion = ctx.version;
        r.exporter = ctx.key->address;
        r.exporterPort = ctx.key->port;
        r.observationDomain = ctx.key->domain;
        if (s.have & Scratch::kExtraMask)
            buildExtra(s, r.extra);
        ++flows;
    }
    st.stats.flows += flows;
    m_totals.flows += flows;
    return records;
}

void ExportDecoder::finish(std::vector<DecodeIssue>& issues)
{
    for (const auto& [key, cst] : m_cache.exporters()) {
        ExporterState& st = m_cache.state(key);
        if (st.pending.empty())
            continue;
        std::vector<uint16_t> ids;
        for (const PendingSet& p : st.pending)
            if (std::find(ids.begin(), ids.end(), p.templateId) == ids.end())
                ids.push_back(p.templateId);
        std::string list;
        for (size_t i = 0; i < ids.size() && i < 8; ++i)
            list += (i ? ", " : "") + std::to_string(ids[i]);
        if (ids.size() > 8)
            list += ", ...";
        issues.push_back({0, "exporter " + exporterName(key) + ": " + std::to_string(st.pending.size())
                                 + " data sets never decoded, no template received (template ids " + list + ")"});
        st.stats.droppedSets += st.pending.size();
        m_totals.droppedSets += st.pending.size();
        st.pending.clear();
        st.pendingBytes = 0;
    }
}

std::vector<ExporterStats> ExportDecoder::exporterStats() const
{
    std::vector<ExporterStats> v;
    v.reserve(m_cache.exporters().size());
    for (const auto& [key, st] : m_cache.exporters())
        v.push_back(st.stats);
    return v;
}
