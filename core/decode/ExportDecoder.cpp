#include "decode/ExportDecoder.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <unordered_set>

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
// Only `have` and `extraCount` are initialised: the rest is read only when its bit is set.
struct Scratch {
    enum : uint32_t {
        OctetTotal = 1u << 0, PacketTotal = 1u << 1, RevOctetTotal = 1u << 2, RevPacketTotal = 1u << 3,
        First = 1u << 4, Last = 1u << 5, StartAbs = 1u << 6, EndAbs = 1u << 7,
        StartDelta = 1u << 8, EndDelta = 1u << 9, SysInit = 1u << 10, Sampling = 1u << 11,
        SamplerId = 1u << 12, IcmpTypeCode = 1u << 13, IcmpType = 1u << 14, IcmpCode = 1u << 15,
        InitOctets = 1u << 16, RespOctets = 1u << 17, InitPackets = 1u << 18, RespPackets = 1u << 19,
        EventTime = 1u << 20, SamplingSpace = 1u << 21,
    };
    static constexpr size_t kMaxExtras = kMaxExtraFields; // TemplateCache never compiles more
    struct Item {
        uint16_t key;
        ExtraFormat format;
        uint16_t length;
        const uint8_t* p;
    };
    uint32_t have = 0;
    uint8_t extraCount = 0;
    uint64_t octetTotal, packetTotal, revOctetTotal, revPacketTotal;
    uint64_t first, last, startDelta, endDelta, sampling, samplingSpace, samplerId;
    int64_t startAbs, endAbs, sysInit, eventTime;
    uint64_t icmpTypeCode, icmpType, icmpCode;
    uint64_t initOctets, respOctets, initPackets, respPackets;
    Item extras[kMaxExtras];
};
static_assert(Scratch::kMaxExtras <= 255, "Scratch::extraCount is 8 bits");

// Longer text and octet arrays are cut and end with "…": an exporter's URL or
// cookie is kept whole in practice, a payload capture is not what extra is for.
constexpr size_t kMaxStringBytes = 1024;
constexpr size_t kMaxHexBytes = 512;
constexpr char kEllipsis[] = "\xE2\x80\xA6"; // U+2026

// Bytes of the well-formed UTF-8 sequence at p (RFC 3629 §4), 0 if there is none.
inline size_t utf8Sequence(const uint8_t* p, size_t n)
{
    const uint8_t c = p[0];
    auto cont = [&](size_t i) { return i < n && (p[i] & 0xC0) == 0x80; };
    if (c >= 0xC2 && c <= 0xDF)
        return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || !cont(1) || !cont(2))
            return 0;
        if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F)) // overlong, surrogates
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || !cont(1) || !cont(2) || !cont(3))
            return 0;
        if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F)) // overlong, above U+10FFFF
            return 0;
        return 4;
    }
    return 0;
}

void appendJsonString(std::string& out, const uint8_t* p, size_t n)
{
    // Exporters write C strings into fixed-size fields (Palo Alto app-id: 32
    // bytes, NUL-padded; nProbe leaves garbage after the terminator): the
    // text ends at the first NUL.
    if (const void* nul = std::memchr(p, 0, n))
        n = size_t(static_cast<const uint8_t*>(nul) - p);
    out += '"';
    size_t i = 0;
    while (i < n) {
        if (i >= kMaxStringBytes) {
            out += kEllipsis;
            break;
        }
        // Runs of plain ASCII are copied at once.
        size_t run = i;
        const size_t runEnd = std::min(n, kMaxStringBytes);
        while (run < runEnd && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '"' && p[run] != '\\')
            ++run;
        if (run > i) {
            out.append(reinterpret_cast<const char*>(p + i), run - i);
            i = run;
            continue;
        }
        const uint8_t c = p[i];
        if (c == '"' || c == '\\') {
            out += '\\';
            out += char(c);
            ++i;
        } else if (c < 0x80) { // control characters (RFC 8259 §7)
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
            ++i;
        } else if (const size_t len = utf8Sequence(p + i, n - i)) {
            out.append(reinterpret_cast<const char*>(p + i), len);
            i += len;
        } else {
            out += "\xEF\xBF\xBD"; // U+FFFD for each byte that is not UTF-8
            ++i;
        }
    }
    out += '"';
}

void appendKey(std::string& out, const char* k)
{
    out += out.empty() ? '{' : ',';
    out += '"';
    out += k;
    out += "\":";
}

// `"name":` of every extra key, made once: a record's JSON then costs one copy per key.
const std::vector<std::string>& quotedExtraKeys()
{
    static const std::vector<std::string> keys = [] {
        std::vector<std::string> v(extraKeyCount());
        for (uint16_t i = 0; i < v.size(); ++i) {
            v[i] += '"';
            v[i] += extraKey(i).name;
            v[i] += "\":";
        }
        return v;
    }();
    return keys;
}

void appendNumber(std::string& out, uint64_t v)
{
    char buf[24];
    out.append(buf, size_t(std::to_chars(buf, buf + sizeof buf, v).ptr - buf));
}

void appendSigned(std::string& out, int64_t v)
{
    char buf[24];
    out.append(buf, size_t(std::to_chars(buf, buf + sizeof buf, v).ptr - buf));
}

void appendHex(std::string& out, const uint8_t* p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    out += '"';
    const size_t shown = std::min(n, kMaxHexBytes);
    for (size_t i = 0; i < shown; ++i) {
        out += digits[p[i] >> 4];
        out += digits[p[i] & 15];
    }
    if (shown < n)
        out += kEllipsis;
    out += '"';
}

void appendFloat(std::string& out, const uint8_t* p, size_t n)
{
    char buf[32];
    std::to_chars_result r{};
    bool finite = true;
    if (n == 4) {
        const uint32_t bits = rd32(p);
        float f;
        std::memcpy(&f, &bits, 4);
        finite = std::isfinite(f);
        r = std::to_chars(buf, buf + sizeof buf, f); // shortest text that reads back as this float32
    } else {
        const uint64_t bits = rdUint(p, 8);
        double d;
        std::memcpy(&d, &bits, 8);
        finite = std::isfinite(d);
        r = std::to_chars(buf, buf + sizeof buf, d);
    }
    if (finite)
        out.append(buf, size_t(r.ptr - buf));
    else
        out += "null"; // JSON has no NaN or infinity
}

// RFC 6759 §4: a 1-byte classification engine id, then the selector id of
// the remaining bytes. Engine 20 (PANA-L7-PEN, §4.1) puts the vendor's
// 4-byte PEN first: "20:12356:40568" is Fortinet's application 40568.
void appendApplicationId(std::string& out, const uint8_t* p, size_t n)
{
    if (n < 2 || n > 9) {
        appendHex(out, p, n);
        return;
    }
    out += '"';
    appendNumber(out, p[0]);
    out += ':';
    if (p[0] == 20 && n >= 6) {
        appendNumber(out, rd32(p + 1));
        out += ':';
        appendNumber(out, rdUint(p + 5, n - 5));
    } else {
        appendNumber(out, rdUint(p + 1, n - 1));
    }
    out += '"';
}

// ISO 8601 UTC time of epoch seconds plus a fraction of `digits` digits.
void appendIsoTime(std::string& out, int64_t secs, uint64_t fraction, int digits)
{
    // Days to civil date (H. Hinnant's algorithm, proleptic Gregorian).
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    const int64_t sod = secs - days * 86400;
    days += 719468;
    const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const int64_t doe = days - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t day = doy - (153 * mp + 2) / 5 + 1;
    const int64_t month = mp < 10 ? mp + 3 : mp - 9;
    const int64_t year = yoe + era * 400 + (month <= 2);
    char buf[48];
    int len = std::snprintf(buf, sizeof buf, "\"%04lld-%02lld-%02lldT%02lld:%02lld:%02lld", (long long)year,
                            (long long)month, (long long)day, (long long)(sod / 3600), (long long)(sod / 60 % 60),
                            (long long)(sod % 60));
    if (digits > 0)
        len += std::snprintf(buf + len, sizeof buf - size_t(len), ".%0*llu", digits, (unsigned long long)fraction);
    out.append(buf, size_t(len));
    out += "Z\"";
}

void appendDate(std::string& out, ExtraFormat f, const uint8_t* p, size_t n)
{
    switch (f) {
    case ExtraFormat::DateSeconds: appendIsoTime(out, int64_t(rdUint(p, n)), 0, 0); break;
    case ExtraFormat::DateMillis: {
        const uint64_t ms = rdUint(p, n);
        appendIsoTime(out, int64_t(ms / 1000), ms % 1000, 3);
        break;
    }
    default: { // NTP: seconds since 1900, 32-bit binary fraction (RFC 7011 §6.1.9-10)
        const uint64_t v = rdUint(p, n);
        const int64_t secs = int64_t(v >> 32) - kNtpToUnixSecs;
        const uint64_t frac = v & 0xffffffffULL;
        if (f == ExtraFormat::DateMicros)
            appendIsoTime(out, secs, (frac * 1000000) >> 32, 6);
        else
            appendIsoTime(out, secs, (frac * 1000000000) >> 32, 9);
        break;
    }
    }
}

// Compact JSON of the rarer fields; built only when a record has any.
// icmp: the record is an ICMP/ICMPv6 flow (UnsignedIcmp fields are kept).
void buildExtra(const Scratch& s, std::string& out, bool icmp, const char* const* leading = nullptr,
                const uint64_t* leadingValues = nullptr, size_t leadingCount = 0)
{
    out.clear();
    for (size_t i = 0; i < leadingCount; ++i) {
        appendKey(out, leading[i]);
        appendNumber(out, leadingValues[i]);
    }
    if (s.have & (Scratch::IcmpTypeCode | Scratch::IcmpType | Scratch::IcmpCode)) {
        const uint64_t type = (s.have & Scratch::IcmpTypeCode) ? (s.icmpTypeCode >> 8) & 0xff : s.icmpType;
        const uint64_t code = (s.have & Scratch::IcmpTypeCode) ? s.icmpTypeCode & 0xff : s.icmpCode;
        if (s.have & (Scratch::IcmpTypeCode | Scratch::IcmpType)) {
            appendKey(out, "icmpType");
            appendNumber(out, type);
        }
        if (s.have & (Scratch::IcmpTypeCode | Scratch::IcmpCode)) {
            appendKey(out, "icmpCode");
            appendNumber(out, code);
        }
    }
    if (s.have & Scratch::SamplerId) {
        appendKey(out, "samplerId");
        appendNumber(out, s.samplerId);
    }
    // Names are unique per template (TemplateCache::compile keeps the first).
    const std::vector<std::string>& keys = quotedExtraKeys();
    for (size_t i = 0; i < s.extraCount; ++i) {
        const Scratch::Item& it = s.extras[i];
        if (it.format == ExtraFormat::UnsignedIcmp && !icmp)
            continue;
        out += out.empty() ? '{' : ',';
        out += keys[it.key];
        switch (it.format) {
        case ExtraFormat::Unsigned: case ExtraFormat::UnsignedIcmp: appendNumber(out, rdUint(it.p, it.length)); break;
        case ExtraFormat::Signed: {
            uint64_t v = rdUint(it.p, it.length);
            if (it.length < 8 && (v >> (8 * it.length - 1)) & 1)
                v |= ~uint64_t(0) << (8 * it.length); // sign-extend reduced-size encoding
            appendSigned(out, int64_t(v));
            break;
        }
        case ExtraFormat::Ipv4:
            out += '"';
            IpAddress::fromV4Bytes(it.p).appendTo(out);
            out += '"';
            break;
        case ExtraFormat::Ipv6:
            out += '"';
            IpAddress::fromV6Bytes(it.p).appendTo(out);
            out += '"';
            break;
        case ExtraFormat::Mac: {
            static const char digits[] = "0123456789abcdef";
            char buf[19];
            buf[0] = '"';
            for (int b = 0; b < 6; ++b) {
                buf[1 + 3 * b] = digits[it.p[b] >> 4];
                buf[2 + 3 * b] = digits[it.p[b] & 15];
                buf[3 + 3 * b] = b < 5 ? ':' : '"';
            }
            out.append(buf, sizeof buf);
            break;
        }
        case ExtraFormat::MplsLabel: // RFC 3032 label stack entry: 20-bit label, 3 bits TC, bottom of stack
            appendNumber(out, rdUint(it.p, 3) >> 4);
            break;
        case ExtraFormat::String: appendJsonString(out, it.p, it.length); break;
        case ExtraFormat::Hex: appendHex(out, it.p, it.length); break;
        case ExtraFormat::Float: appendFloat(out, it.p, it.length); break;
        case ExtraFormat::Boolean: // RFC 7011 §6.1.5
            if (it.p[0] == 1 || it.p[0] == 2)
                out += it.p[0] == 1 ? "true" : "false";
            else
                appendNumber(out, it.p[0]);
            break;
        case ExtraFormat::ApplicationId: appendApplicationId(out, it.p, it.length); break;
        case ExtraFormat::DateSeconds: case ExtraFormat::DateMillis: case ExtraFormat::DateMicros:
        case ExtraFormat::DateNanos:
            appendDate(out, it.format, it.p, it.length);
            break;
        case ExtraFormat::Omitted: out += "null"; break; // never compiled into an action
        }
    }
    if (!out.empty())
        out += '}';
}

inline bool isZero16(const uint8_t* p)
{
    uint64_t a, b;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + 8, 8);
    return (a | b) == 0;
}

enum class RecordError { None, FixedOverrun, VariableOverrun };

// Decodes one record at d[0..len). Returns bytes consumed, 0 if it does not fit.
size_t decodeRecord(const CompiledTemplate& t, const uint8_t* d, size_t len, FlowRecord& r, Scratch& s,
                    RecordError& error)
{
    size_t c = 0;
    for (const FieldAction& a : t.actions) {
        size_t n = a.length;
        if (n == kVariableLength) { // RFC 7011 §7: 1-byte length, 255 = 2-byte length follows
            if (c >= len) {
                error = RecordError::VariableOverrun;
                return 0;
            }
            n = d[c++];
            if (n == 255) {
                if (c + 2 > len) {
                    error = RecordError::VariableOverrun;
                    return 0;
                }
                n = rd16(d + c);
                c += 2;
            }
            if (n > len - c) {
                error = RecordError::VariableOverrun;
                return 0;
            }
        } else if (n > len - c) {
            error = RecordError::FixedOverrun;
            return 0;
        }
        const uint8_t* p = d + c;
        c += n;
        switch (a.target) {
        case FieldTarget::Skip: break;
        // Templates with both address families (Procera, nProbe) leave one zero:
        // a zero address never replaces one already decoded.
        case FieldTarget::SrcV4: if (rd32(p) || r.src.isUnspecified()) r.src = IpAddress::fromV4Bytes(p); break;
        case FieldTarget::DstV4: if (rd32(p) || r.dst.isUnspecified()) r.dst = IpAddress::fromV4Bytes(p); break;
        case FieldTarget::SrcV6: if (!isZero16(p) || r.src.isUnspecified()) r.src = IpAddress::fromV6Bytes(p); break;
        case FieldTarget::DstV6: if (!isZero16(p) || r.dst.isUnspecified()) r.dst = IpAddress::fromV6Bytes(p); break;
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
        case FieldTarget::InitiatorOctets: s.initOctets = rdUint(p, n); s.have |= Scratch::InitOctets; break;
        case FieldTarget::ResponderOctets: s.respOctets = rdUint(p, n); s.have |= Scratch::RespOctets; break;
        case FieldTarget::InitiatorPackets: s.initPackets = rdUint(p, n); s.have |= Scratch::InitPackets; break;
        case FieldTarget::ResponderPackets: s.respPackets = rdUint(p, n); s.have |= Scratch::RespPackets; break;
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
        case FieldTarget::EventTimeMs: s.eventTime = int64_t(rdUint(p, n)); s.have |= Scratch::EventTime; break;
        case FieldTarget::SystemInitMs: s.sysInit = int64_t(rdUint(p, n)); s.have |= Scratch::SysInit; break;
        case FieldTarget::SamplingInterval: s.sampling = rdUint(p, n); s.have |= Scratch::Sampling; break;
        case FieldTarget::SamplingSpace: s.samplingSpace = rdUint(p, n); s.have |= Scratch::SamplingSpace; break;
        case FieldTarget::SamplerId: s.samplerId = rdUint(p, n); s.have |= Scratch::SamplerId; break;
        case FieldTarget::IcmpTypeCode: s.icmpTypeCode = rdUint(p, n); s.have |= Scratch::IcmpTypeCode; break;
        case FieldTarget::IcmpType: s.icmpType = rdUint(p, n); s.have |= Scratch::IcmpType; break;
        case FieldTarget::IcmpCode: s.icmpCode = rdUint(p, n); s.have |= Scratch::IcmpCode; break;
        case FieldTarget::Extra:
            if (s.extraCount < Scratch::kMaxExtras)
                s.extras[s.extraCount++] = {a.extra, a.format, uint16_t(n), p};
            break;
        }
    }
    return c;
}

constexpr uint32_t kExtraBits = Scratch::IcmpTypeCode | Scratch::IcmpType | Scratch::IcmpCode | Scratch::SamplerId;

std::string exporterName(const ExporterKey& k)
{
    const std::string a = k.address.isV4() ? k.address.toString() : "[" + k.address.toString() + "]";
    return a + ":" + std::to_string(k.port) + " domain " + std::to_string(k.domain);
}

} // namespace

namespace {

// Fixed-format versions: header and record sizes (Cisco NetFlow export datagram format).
struct FixedFormat {
    size_t header;
    size_t record;
};
constexpr FixedFormat kV1{16, 48};
constexpr FixedFormat kV7{24, 52};

bool plausibleFixed(const FixedFormat& f, const uint8_t* d, size_t len)
{
    const size_t count = rd16(d + 2);
    if (len < f.header + f.record || count == 0)
        return false;
    // Either the count fits, or the datagram is a whole number of records
    // (a lying count is then a malformed export, not some other protocol).
    return f.header + f.record * count <= len || (len - f.header) % f.record == 0;
}

} // namespace

ExportDecoder::Kind ExportDecoder::detect(const uint8_t* d, size_t len)
{
    if (len < 4)
        return Kind::NotExport;
    const uint16_t version = rd16(d);
    if (version == 1)
        return plausibleFixed(kV1, d, len) ? Kind::NetflowV1 : Kind::NotExport;
    if (version == 5)
        return plausibleFixed({kV5Header, kV5Record}, d, len) ? Kind::NetflowV5 : Kind::NotExport;
    if (version == 7)
        return plausibleFixed(kV7, d, len) ? Kind::NetflowV7 : Kind::NotExport;
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

std::string ExportDecoder::notExportReason(const uint8_t* d, size_t len)
{
    if (!d || len < 2)
        return "datagram of " + std::to_string(len) + " bytes is too short for an export header";
    const uint16_t version = rd16(d);
    auto fixed = [&](const char* name, size_t header, size_t record) -> std::string {
        if (len < header)
            return std::string("truncated ") + name + " header: " + std::to_string(len) + " of " + std::to_string(header)
                + " bytes";
        if (len < 4 || rd16(d + 2) == 0)
            return std::string(name) + " header announces 0 records";
        if (len < header + record)
            return std::string(name) + " datagram of " + std::to_string(len) + " bytes holds no whole record";
        return std::string(name) + " header announces " + std::to_string(rd16(d + 2)) + " records of "
            + std::to_string(record) + " bytes but the datagram has " + std::to_string(len - header)
            + " bytes after the header";
    };
    switch (version) {
    case 1: return fixed("NetFlow v1", kV1.header, kV1.record);
    case 5: return fixed("NetFlow v5", kV5Header, kV5Record);
    case 7: return fixed("NetFlow v7", kV7.header, kV7.record);
    case 9:
        if (len < kV9Header)
            return "truncated NetFlow v9 header: " + std::to_string(len) + " of 20 bytes";
        if (len < kV9Header + 4)
            return "NetFlow v9 datagram has no flowset";
        return "NetFlow v9 first flowset id " + std::to_string(rd16(d + kV9Header)) + " length "
            + std::to_string(rd16(d + kV9Header + 2)) + " does not fit the datagram";
    case 10:
        if (len < kIpfixHeader)
            return "truncated IPFIX header: " + std::to_string(len) + " of 16 bytes";
        if (rd16(d + 2) < kIpfixHeader)
            return "IPFIX message length " + std::to_string(rd16(d + 2)) + " is shorter than its header";
        if (len < kIpfixHeader + 4)
            return "IPFIX message has no set";
        return "IPFIX first set id " + std::to_string(rd16(d + kIpfixHeader)) + " length "
            + std::to_string(rd16(d + kIpfixHeader + 2)) + " does not fit the message";
    default:
        return "unknown NetFlow/IPFIX version " + std::to_string(version);
    }
}

ExporterState* ExportDecoder::exporterState(const ExporterKey& key, std::vector<DecodeIssue>& issues)
{
    ExporterState* st = m_cache.exporters().size() < m_limits.maxExporters ? &m_cache.state(key) : m_cache.find(key);
    if (st) {
        st->lastSeenUs = m_captureUs;
        return st;
    }
    // Spoofed source addresses must not grow the exporter table without end.
    ++m_totals.exportersRefused;
    if (!m_exporterLimitReported) {
        m_exporterLimitReported = true;
        issues.push_back({0, "limit reached: " + std::to_string(m_limits.maxExporters)
                                 + " exporters (address, port, domain) already have state; datagrams of exporter "
                                 + exporterName(key) + " and any later new exporter are not decoded"});
    }
    return nullptr;
}

void ExportDecoder::releasePending(ExporterState& st, size_t bytes)
{
    st.pendingBytes -= bytes;
    m_pendingBytesTotal -= bytes;
}

std::string ExportDecoder::pendingLimit(const ExporterState& st, size_t bytes) const
{
    if (st.pending.size() + st.initPending.size() >= m_limits.maxPendingSetsPerExporter)
        return std::to_string(m_limits.maxPendingSetsPerExporter) + " of its data sets already wait";
    if (st.pendingBytes + bytes > m_limits.maxPendingBytesPerExporter)
        return "its waiting data sets would pass " + std::to_string(m_limits.maxPendingBytesPerExporter) + " bytes";
    if (m_pendingBytesTotal + bytes > m_limits.maxPendingBytesTotal)
        return "the data sets waiting for all exporters would pass " + std::to_string(m_limits.maxPendingBytesTotal)
            + " bytes";
    return {};
}

ExportDecoder::Kind ExportDecoder::decode(const IpAddress& exporter, uint16_t exporterPort, int64_t captureUs,
                                          const uint8_t* data, size_t length, std::vector<FlowRecord>& out,
                                          std::vector<DecodeIssue>& issues)
{
    ++m_totals.datagrams;
    m_captureUs = captureUs;
    const Kind kind = data ? detect(data, length) : Kind::NotExport;
    ExporterKey key;
    key.address = exporter;
    key.port = exporterPort;
    switch (kind) {
    case Kind::NotExport:
        ++m_totals.notExport;
        break;
    case Kind::NetflowV1:
        ++m_totals.v1;
        key.version = 1;
        decodeFixed(1, key, data, length, out, issues);
        break;
    case Kind::NetflowV5:
        ++m_totals.v5;
        key.version = 5;
        decodeFixed(5, key, data, length, out, issues);
        break;
    case Kind::NetflowV7:
        ++m_totals.v7;
        key.version = 7;
        decodeFixed(7, key, data, length, out, issues);
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

void ExportDecoder::checkSequence(ExporterState& st, uint32_t sequence, uint32_t increment, bool restarted)
{
    // Window within which a datagram behind the expected number counts as late
    // rather than as an exporter restart.
    constexpr uint32_t kReorderWindow = 1u << 16;
    if (st.nextSequence && !restarted) {
        const uint32_t expected = *st.nextSequence;
        const uint32_t ahead = sequence - expected; // unsigned: survives the 2^32 wrap
        if (ahead == 0) {
            st.nextSequence = sequence + increment;
        } else if (ahead < 0x80000000u) {
            ++st.stats.sequenceGaps;
            ++m_totals.sequenceGaps;
            st.stats.sequenceLost += ahead;
            st.nextSequence = sequence + increment;
        } else if (expected - sequence <= kReorderWindow) {
            // Late datagram: what it carries was counted lost when the gap opened.
            ++st.stats.sequenceReordered;
            st.stats.sequenceLost -= std::min<uint64_t>(st.stats.sequenceLost, increment);
        } else {
            ++st.stats.sequenceRestarts;
            st.nextSequence = sequence + increment;
        }
        return;
    }
    if (st.nextSequence && restarted)
        ++st.stats.sequenceRestarts;
    st.nextSequence = sequence + increment;
}

void ExportDecoder::decodeFixed(uint16_t version, const ExporterKey& base, const uint8_t* d, size_t len,
                                std::vector<FlowRecord>& out, std::vector<DecodeIssue>& issues)
{
    const FixedFormat f = version == 1 ? kV1 : version == 7 ? kV7 : FixedFormat{kV5Header, kV5Record};
    const char* const name = version == 1 ? "NetFlow v1" : version == 7 ? "NetFlow v7" : "NetFlow v5";
    const size_t count = rd16(d + 2);
    const uint32_t sysUptime = rd32(d + 4);
    const uint32_t secs = rd32(d + 8);
    const uint32_t nsecs = rd32(d + 12);
    ExporterKey key = base;
    uint32_t sampling = 1;
    if (version == 5) {
        key.domain = (uint32_t(d[20]) << 8) | d[21]; // engine type, engine id
        // Low 14 bits are the interval, high 2 bits the mode (Cisco v5 format).
        sampling = rd16(d + 22) & 0x3fff;
        if (sampling == 0)
            sampling = 1;
    }
    ExporterState* state = exporterState(key, issues);
    if (!state)
        return;
    ExporterState& st = *state;
    ++st.stats.datagrams;

    // The count is trusted only while the records fit (a v5 header claiming
    // 55582 records in a 1464-byte datagram is real).
    size_t fit = (len - f.header) / f.record;
    if (count > fit) {
        ++m_totals.malformed;
        ++st.stats.malformed;
        issues.push_back({2, std::string(name) + " header announces " + std::to_string(count)
                                 + " records but the datagram holds " + std::to_string(fit)});
    } else {
        fit = count;
    }
    if (version != 1) {
        // v5/v7 sequence numbers count flows ("total flows seen"); a smaller
        // uptime means the exporter rebooted.
        const bool restarted = st.nextSequence && sysUptime < st.lastUptimeMs && st.lastUptimeMs - sysUptime < 0x80000000u;
        checkSequence(st, rd32(d + 16), uint32_t(fit), restarted);
    }
    st.lastUptimeMs = sysUptime;

    // Header time with its nanoseconds: record times are uptime-relative.
    const int64_t exportMs = int64_t(secs) * 1000 + nsecs / 1000000;
    out.reserve(out.size() + fit);
    for (size_t i = 0; i < fit; ++i) {
        const uint8_t* p = d + f.header + i * f.record;
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
        if (version == 1) { // v1: 2 pad bytes, then protocol, ToS, flags
            r.protocol = p[38];
            r.tos = p[39];
            r.tcpFlags = p[40];
        } else {
            r.tcpFlags = p[37];
            r.protocol = p[38];
            r.tos = p[39];
        }
        r.samplingRate = sampling;
        r.exportVersion = version;
        r.exporter = key.address;
        r.exporterPort = key.port;
        r.observationDomain = key.domain;
        // Rarer fields: next hop, and for v5/v7 AS numbers and masks.
        const bool hasNextHop = rd32(p + 8) != 0;
        const bool hasAs = version != 1 && (rd32(p + 40) != 0 || rd16(p + 44) != 0);
        if (hasNextHop || hasAs) {
            r.extra = "{";
            if (hasNextHop)
                r.extra += "\"nextHop\":\"" + IpAddress::fromV4Bytes(p + 8).toString() + "\"";
            if (hasAs) {
                if (hasNextHop)
                    r.extra += ',';
                r.extra += "\"srcAs\":";
                appendNumber(r.extra, rd16(p + 40));
                r.extra += ",\"dstAs\":";
                appendNumber(r.extra, rd16(p + 42));
                r.extra += ",\"srcMask\":";
                appendNumber(r.extra, p[44]);
                r.extra += ",\"dstMask\":";
                appendNumber(r.extra, p[45]);
            }
            if (version == 7 && rd32(p + 48)) { // router_sc: the router that shortcut the flow
                r.extra += ",\"routerSc\":\"" + IpAddress::fromV4Bytes(p + 48).toString() + "\"";
            }
            r.extra += '}';
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
    ExporterState* state = exporterState(key, issues);
    if (!state)
        return;
    ExporterState& st = *state;
    ++st.stats.datagrams;
    const uint32_t sysUptime = rd32(d + 4);
    // RFC 3954 §5.1: the sequence counts export packets per source id.
    const bool restarted = st.nextSequence && sysUptime < st.lastUptimeMs && st.lastUptimeMs - sysUptime < 0x80000000u;
    checkSequence(st, rd32(d + 12), 1, restarted);
    st.lastUptimeMs = sysUptime;

    Context ctx;
    ctx.state = &st;
    ctx.key = &st.stats.key;
    ctx.version = 9;
    ctx.sysUptimeMs = sysUptime;
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
    ExporterState* state = exporterState(key, issues);
    if (!state)
        return 0;
    ExporterState& st = *state;
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
    const bool truncated = rd16(d + 2) > len;
    const uint32_t sequence = rd32(d + 8);

    Context ctx;
    ctx.state = &st;
    ctx.key = &st.stats.key;
    ctx.version = 10;
    ctx.truncated = truncated;
    ctx.exportSecs = rd32(d + 4);
    ctx.exportMs = int64_t(ctx.exportSecs) * 1000;
    bool anyBuffered = false;
    const uint64_t records
        = decodeSets(ctx, captureUs, d + kIpfixHeader, msgLen - kIpfixHeader, baseOffset + kIpfixHeader, anyBuffered,
                     out, issues);
    // RFC 7011 §3.1: the sequence counts data records (of all data sets, options
    // included) sent before this message; IPFIX has no uptime, so a restart
    // shows only as the sequence going far back.
    checkSequence(st, sequence, uint32_t(records), false);
    // The next number is predictable only when every set was decoded.
    if (anyBuffered)
        st.nextSequence.reset();
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
            const std::string what = std::string(ipfix ? "IPFIX set" : "NetFlow v9 flowset") + " id " + hex16(setId)
                + " has length " + std::to_string(setLen);
            issues.push_back({baseOffset + pos + 2,
                              setLen < 4 ? what + ", shorter than its 4-byte header"
                                         : what + " but only " + std::to_string(len - pos) + " bytes remain"});
            // A capture cut short (snaplen) still holds whole records of the last set: keep them.
            if (ctx.truncated && setLen >= 4 && setId >= 256 && len - pos > 4) {
                auto it = ctx.state->templates.find(setId);
                if (it != ctx.state->templates.end())
                    records += decodeDataSet(ctx, it->second, d + pos + 4, len - pos - 4, baseOffset + pos + 4, out,
                                             issues);
            }
            return records;
        }
        const uint8_t* body = d + pos + 4;
        const size_t bodyLen = setLen - 4;
        const size_t bodyOffset = baseOffset + pos + 4;
        const bool isTemplate = ipfix ? (setId == 2 || setId == 3) : (setId == 0 || setId == 1);
        if (isTemplate) {
            parseTemplateSet(ctx, setId, body, bodyLen, bodyOffset, out, issues);
        } else if (setId >= 256) {
            ExporterState& st = *ctx.state;
            auto it = st.templates.find(setId);
            if (it != st.templates.end()) {
                // softflowd may put the options record with systemInitTimeMilliseconds
                // after the data sets of the same message: look ahead for it.
                if (it->second.needsSystemInit && !st.systemInitMs && !lookedAhead) {
                    lookedAhead = true;
                    applyOptionsAhead(ctx, d + pos + setLen, len - pos - setLen);
                }
                if (it->second.needsSystemInit && !st.systemInitMs && pendingFits(st, bodyLen)) {
                    // Uptime-relative times need systemInitTimeMilliseconds, which
                    // may come in a later message: hold the set (bounded in count,
                    // bytes and capture time) rather than guess a 1970 date.
                    anyBuffered = true;
                    bufferSet(ctx, setId, captureUs, body, bodyLen, bodyOffset, issues, true);
                    if (captureUs - st.initPending.front().captureUs > kMaxInitWaitUs)
                        flushInitPending(ctx, out, issues);
                } else {
                    records += decodeDataSet(ctx, it->second, body, bodyLen, bodyOffset, out, issues);
                    if (it->second.isOptions && st.systemInitMs && !st.initPending.empty())
                        flushInitPending(ctx, out, issues);
                }
            } else if (std::find(st.withdrawn.begin(), st.withdrawn.end(), setId) != st.withdrawn.end()) {
                // RFC 7011 §8.1: after withdrawal the id means nothing until redefined.
                ++m_totals.malformed;
                ++st.stats.malformed;
                ++m_totals.droppedSets;
                ++st.stats.droppedSets;
                issues.push_back({bodyOffset - 4, "data set for withdrawn template " + hex16(setId)});
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
                m_lookingAhead = true;
                decodeDataSet(ctx, it->second, d + pos + 4, setLen - 4, 0, none, ignored);
                m_lookingAhead = false;
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
                // Scope types (system, interface...) overlap IE numbers: map them apart.
                f.id = rd16(d + pos);
                f.scope = i < scopeLen / 4;
                f.length = rd16(d + pos + 2);
                m_fieldScratch.push_back(f);
            }
        } else {
            const size_t fieldCount = rd16(d + pos + 2);
            if (ipfix && fieldCount == 0) {
                // RFC 7011 §8.1 withdrawal; the set's own id withdraws all of its kind.
                ExporterState& st = *ctx.state;
                auto withdraw = [&](uint16_t id, bool isOptions) {
                    st.withdrawn.push_back(id);
                    if (m_templatesOut)
                        m_templatesOut->push_back({*ctx.key, id, isOptions, true, {}});
                };
                if (templateId == setId) {
                    for (auto it = st.templates.begin(); it != st.templates.end();) {
                        if (it->second.isOptions == options) {
                            withdraw(it->first, options);
                            it = st.templates.erase(it);
                            --m_templateCount;
                        } else {
                            ++it;
                        }
                    }
                } else if (auto it = st.templates.find(templateId); it != st.templates.end()) {
                    withdraw(templateId, it->second.isOptions);
                    st.templates.erase(it);
                    --m_templateCount;
                }
                if (st.withdrawn.size() > 4096) // bounded: forget the oldest
                    st.withdrawn.erase(st.withdrawn.begin(), st.withdrawn.begin() + 2048);
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
            // Each field specifier takes at least 4 bytes (RFC 7011 §3.2).
            if (fieldCount > (len - pos) / 4) {
                malformed(start, "template " + hex16(templateId) + " announces " + std::to_string(fieldCount)
                                     + " fields but its set has room for " + std::to_string((len - pos) / 4));
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
        // Exporters resend their templates (v9 and IPFIX over UDP must, RFC 7011
        // §8.4; nfdump's replay does with every datagram): an unchanged one is
        // not compiled again.
        if (auto it = ctx.state->templates.find(templateId); it != ctx.state->templates.end()
            && it->second.isOptions == options && it->second.fields == m_fieldScratch) {
            if (it->second.minRecordLength == 0)
                malformed(start, "template " + hex16(templateId) + " has only zero-length fields");
            ++ctx.state->stats.templates;
            ++m_totals.templates;
            continue;
        }
        ++ctx.state->stats.templates;
        ++m_totals.templates;
        // Field count and record length are bounded before anything is
        // compiled or kept: the set's room alone allows 16383 fields.
        if (m_fieldScratch.size() > m_limits.maxTemplateFields) {
            refuseLargeTemplate(ctx, templateId, start + baseOffset, "template " + hex16(templateId) + " has "
                                    + std::to_string(m_fieldScratch.size()) + " fields, more than the limit of "
                                    + std::to_string(m_limits.maxTemplateFields),
                                issues);
            continue;
        }
        CompiledTemplate t
            = TemplateCache::compile(templateId, ipfix, options, m_fieldScratch.data(), m_fieldScratch.size());
        if (t.minRecordLength > DecoderLimits::kMaxRecordBytes) {
            refuseLargeTemplate(ctx, templateId, start + baseOffset, "template " + hex16(templateId) + " describes records of "
                                    + std::to_string(t.minRecordLength) + " bytes or more, longer than any message ("
                                    + std::to_string(DecoderLimits::kMaxRecordBytes) + " bytes)",
                                issues);
            continue;
        }
        if (t.minRecordLength == 0) {
            // Kept (data for it is skipped cleanly), but said: nothing can be decoded.
            malformed(start, "template " + hex16(templateId) + " has only zero-length fields");
        }
        defineTemplate(ctx, std::move(t), start + baseOffset, out, issues);
    }
}

void ExportDecoder::refuseLargeTemplate(Context& ctx, uint16_t id, size_t offset, std::string why,
                                        std::vector<DecodeIssue>& issues)
{
    ExporterState& st = *ctx.state;
    // A redefinition replaces the old template, kept or not: data must never
    // be decoded with the definition the exporter dropped.
    if (st.templates.erase(id))
        --m_templateCount;
    ++st.stats.templatesTooLarge;
    ++m_totals.templatesTooLarge;
    if (!st.templateSizeReported) {
        st.templateSizeReported = true;
        issues.push_back({offset, "limit reached: exporter " + exporterName(*ctx.key) + ": " + why
                                      + "; not kept (this exporter's later ones are counted, not listed)"});
    }
}

void ExportDecoder::defineTemplate(Context& ctx, CompiledTemplate&& t, size_t offset, std::vector<FlowRecord>& out,
                                   std::vector<DecodeIssue>& issues)
{
    ExporterState& st = *ctx.state;
    const uint16_t id = t.id;
    const bool known = st.templates.count(id) != 0;
    if (!known && (st.templates.size() >= m_limits.maxTemplatesPerExporter
                   || m_templateCount >= m_limits.maxTemplatesTotal)) {
        // Its data sets wait (bounded) and are reported as never decoded.
        ++st.stats.templatesRefused;
        ++m_totals.templatesRefused;
        if (!st.templateLimitReported) {
            st.templateLimitReported = true;
            const bool own = st.templates.size() >= m_limits.maxTemplatesPerExporter;
            issues.push_back({offset, "limit reached: exporter " + exporterName(*ctx.key) + ": template "
                                          + hex16(id) + " not kept, "
                                          + (own ? "the exporter already has "
                                                       + std::to_string(m_limits.maxTemplatesPerExporter)
                                                 : "all exporters together already have "
                                                       + std::to_string(m_limits.maxTemplatesTotal))
                                          + " templates (this exporter's later ones are counted, not listed)"});
        }
        return;
    }
    if (!known)
        ++m_templateCount;
    if (m_templatesOut)
        m_templatesOut->push_back({*ctx.key, id, t.isOptions, false, t.fields});
    // Redefinition simply replaces (RFC 7011 §8.1 allows it after withdrawal,
    // and v9 exporters resend freely).
    const CompiledTemplate& stored = st.templates.insert_or_assign(id, std::move(t)).first->second;
    if (!st.withdrawn.empty())
        st.withdrawn.erase(std::remove(st.withdrawn.begin(), st.withdrawn.end(), id), st.withdrawn.end());
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
        releasePending(st, set.bytes.size());
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
                              size_t baseOffset, std::vector<DecodeIssue>& issues, bool waitForInit)
{
    ExporterState& st = *ctx.state;
    if (!pendingFits(st, len)) {
        ++st.stats.droppedSets;
        ++m_totals.droppedSets;
        ++st.stats.pendingOverflow;
        ++m_totals.pendingOverflow;
        if (!st.overflowReported) {
            st.overflowReported = true;
            issues.push_back({baseOffset, "limit reached: exporter " + exporterName(*ctx.key) + ": data set of template "
                                              + hex16(templateId) + " dropped, " + pendingLimit(st, len)
                                              + " (this exporter's later drops are counted, not listed)"});
        }
        return;
    }
    PendingSet p;
    p.templateId = templateId;
    p.version = ctx.version;
    p.exportSecs = ctx.exportSecs;
    p.sysUptimeMs = ctx.sysUptimeMs;
    p.captureUs = captureUs;
    p.bytes.assign(d, d + len);
    st.pendingBytes += len;
    m_pendingBytesTotal += len;
    (waitForInit ? st.initPending : st.pending).push_back(std::move(p));
    ++st.stats.bufferedSets;
    ++m_totals.bufferedSets;
}

void ExportDecoder::flushInitPending(Context& ctx, std::vector<FlowRecord>& out, std::vector<DecodeIssue>& issues)
{
    ExporterState& st = *ctx.state;
    std::deque<PendingSet> sets;
    sets.swap(st.initPending);
    for (PendingSet& set : sets) {
        releasePending(st, set.bytes.size());
        auto it = st.templates.find(set.templateId);
        if (it == st.templates.end()) { // withdrawn meanwhile
            ++st.stats.droppedSets;
            ++m_totals.droppedSets;
            continue;
        }
        Context pc = ctx;
        pc.exportSecs = set.exportSecs;
        pc.sysUptimeMs = set.sysUptimeMs;
        pc.exportMs = int64_t(set.exportSecs) * 1000;
        std::vector<DecodeIssue> setIssues;
        decodeDataSet(pc, it->second, set.bytes.data(), set.bytes.size(), 0, out, setIssues);
        for (DecodeIssue& i : setIssues) {
            i.reason = "held data set of template " + hex16(set.templateId) + ": " + i.reason;
            issues.push_back(std::move(i));
        }
    }
}

uint32_t ExportDecoder::fallbackSamplingRate(const ExporterState& st, const IpAddress& address) const
{
    if (st.samplingRate)
        return st.samplingRate;
    if (!m_addressSampling.empty()) {
        auto it = m_addressSampling.find(address);
        if (it != m_addressSampling.end())
            return it->second;
    }
    return 1;
}

uint64_t ExportDecoder::decodeDataSet(Context& ctx, const CompiledTemplate& t, const uint8_t* d, size_t len,
                                      size_t baseOffset, std::vector<FlowRecord>& out,
                                      std::vector<DecodeIssue>& issues)
{
    ExporterState& st = *ctx.state;
    const bool ipfix = ctx.version == 10;
    if (t.minRecordLength == 0)
        return 0; // a template of empty fields describes nothing
    auto malformed = [&](size_t at, std::string why) {
        ++m_totals.malformed;
        ++st.stats.malformed;
        issues.push_back({baseOffset + at, std::move(why)});
    };
    if (len > 0 && len < t.minRecordLength && !std::all_of(d, d + len, [](uint8_t b) { return b == 0; })) {
        // Padding is zeros and shorter than a record (RFC 7011 §3.3.1); this is neither.
        malformed(0, "data set of template " + hex16(t.id) + " has " + std::to_string(len)
                         + " bytes, less than one record of " + std::to_string(t.minRecordLength) + " bytes");
        return 0;
    }
    uint64_t records = 0;
    uint64_t flows = 0;
    size_t pos = 0;
    const uint32_t defaultRate = t.isOptions ? 1 : fallbackSamplingRate(st, ctx.key->address);
    // RFC 7011 §3.3.1: padding is shorter than the smallest record.
    FlowRecord local; // options records decode here and are never emitted
    // extra is built here and copied out at its final size: one allocation per
    // record instead of one per doubling of the string.
    std::string extraBuffer;
    while (len - pos >= t.minRecordLength) {
        if (t.isOptions)
            local = FlowRecord{};
        FlowRecord& r = t.isOptions ? local : out.emplace_back();
        Scratch s;
        RecordError error = RecordError::None;
        const size_t used = decodeRecord(t, d + pos, len - pos, r, s, error);
        if (used == 0) {
            if (!t.isOptions)
                out.pop_back();
            malformed(pos, (error == RecordError::VariableOverrun ? "variable-length field of record "
                                                                  : "record ")
                               + std::to_string(records + 1) + " of template " + hex16(t.id)
                               + (error == RecordError::VariableOverrun ? " runs past the end of its set ("
                                                                        : " overruns its set (")
                               + std::to_string(len - pos) + " bytes left)");
            break;
        }
        pos += used;
        ++records;

        // RFC 5477 §8.2.2-3: n packets selected, then m skipped: one in (n + m) / n.
        if ((s.have & (Scratch::Sampling | Scratch::SamplingSpace)) == (Scratch::Sampling | Scratch::SamplingSpace)
            && s.sampling > 0)
            s.sampling = (s.sampling + s.samplingSpace) / s.sampling;
        if (t.isOptions) {
            // Options data describe the exporter, not flows (RFC 7011 §3.4.2.2).
            if (m_lookingAhead) {
                if (s.have & Scratch::SysInit)
                    st.systemInitMs = s.sysInit;
                continue;
            }
            ++st.stats.optionsRecords;
            ++m_totals.optionsRecords;
            if (s.have & Scratch::SysInit)
                st.systemInitMs = s.sysInit;
            if ((s.have & Scratch::Sampling) && s.sampling > 0) {
                const uint32_t rate = uint32_t(std::min<uint64_t>(s.sampling, UINT32_MAX));
                if (s.have & Scratch::SamplerId) {
                    // v9 FLOW_SAMPLER_ID / IPFIX selectorId: the rate of one sampler (RFC 3954 §8 types 48-50).
                    auto it = std::find_if(st.samplerRates.begin(), st.samplerRates.end(),
                                           [&](const auto& p) { return p.first == uint32_t(s.samplerId); });
                    if (it != st.samplerRates.end())
                        it->second = rate;
                    else if (st.samplerRates.size() < 1024)
                        st.samplerRates.emplace_back(uint32_t(s.samplerId), rate);
                } else {
                    st.samplingRate = rate;
                }
                m_addressSampling[ctx.key->address] = rate;
            }
            // Keep the record as exporter metadata (interface and application
            // tables, sampler settings), in the order received.
            std::string json;
            const char* names[6];
            uint64_t values[6];
            size_t n = 0;
            names[n] = "templateId";
            values[n++] = t.id;
            if (s.have & Scratch::Sampling) {
                names[n] = "samplingInterval";
                values[n++] = s.sampling;
            }
            if (s.have & Scratch::SysInit) {
                names[n] = "systemInitMs";
                values[n++] = uint64_t(s.sysInit);
            }
            if (r.inputIf) {
                names[n] = "inputIf";
                values[n++] = r.inputIf;
            }
            if (r.outputIf) {
                names[n] = "outputIf";
                values[n++] = r.outputIf;
            }
            buildExtra(s, json, false, names, values, n);
            if (m_optionsOut)
                m_optionsOut->push_back({*ctx.key, t.id, out.size(), json});
            if (st.optionsRecords.size() < ExporterState::kMaxOptionsRecords
                && st.optionsBytes + json.size() <= m_limits.maxOptionsBytesPerExporter
                && m_optionsBytesTotal + json.size() <= m_limits.maxOptionsBytesTotal) {
                st.optionsBytes += json.size();
                m_optionsBytesTotal += json.size();
                st.optionsRecords.push_back(std::move(json));
            } else {
                ++st.stats.optionsNotKept;
                ++m_totals.optionsNotKept;
                if (!st.optionsLimitReported) {
                    st.optionsLimitReported = true;
                    issues.push_back({baseOffset + pos, "limit reached: exporter " + exporterName(*ctx.key)
                                                            + ": options records are applied but no longer kept as "
                                                              "exporter metadata (limits: "
                                                            + std::to_string(ExporterState::kMaxOptionsRecords)
                                                            + " records, "
                                                            + std::to_string(m_limits.maxOptionsBytesPerExporter)
                                                            + " bytes per exporter, "
                                                            + std::to_string(m_limits.maxOptionsBytesTotal)
                                                            + " bytes in all)"});
                }
            }
            continue;
        }

        if (!t.hasOctetDelta) {
            if (s.have & Scratch::OctetTotal)
                r.bytes = s.octetTotal;
            else if (s.have & Scratch::InitOctets) // Cisco NSEL: counters only as initiator/responder
                r.bytes = s.initOctets;
        }
        if (!t.hasPacketDelta) {
            if (s.have & Scratch::PacketTotal)
                r.packets = s.packetTotal;
            else if (s.have & Scratch::InitPackets)
                r.packets = s.initPackets;
        }
        if (!t.hasRevOctetDelta) {
            if (s.have & Scratch::RevOctetTotal)
                r.revBytes = s.revOctetTotal;
            else if (s.have & Scratch::RespOctets)
                r.revBytes = s.respOctets;
        }
        if (!t.hasRevPacketDelta) {
            if (s.have & Scratch::RevPacketTotal)
                r.revPackets = s.revPacketTotal;
            else if (s.have & Scratch::RespPackets)
                r.revPackets = s.respPackets;
        }

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
        if (!hasStart && !hasEnd) {
            // NSEL event records carry only the event time; others get the export time.
            r.startMs = r.endMs = (s.have & Scratch::EventTime) ? s.eventTime : ctx.exportMs;
        } else if (!hasStart) {
            r.startMs = r.endMs;
        } else if (!hasEnd) {
            r.endMs = r.startMs;
        }

        if ((s.have & Scratch::Sampling) && s.sampling > 0) {
            r.samplingRate = uint32_t(std::min<uint64_t>(s.sampling, UINT32_MAX));
        } else {
            r.samplingRate = defaultRate;
            if ((s.have & Scratch::SamplerId) && !st.samplerRates.empty())
                for (const auto& [id, rate] : st.samplerRates)
                    if (id == uint32_t(s.samplerId))
                        r.samplingRate = rate;
        }
        // ICMP type/code: nfdump and Wireshark show them as the destination port
        // (type * 256 + code) when the exporter left the port empty.
        if ((s.have & (Scratch::IcmpTypeCode | Scratch::IcmpType | Scratch::IcmpCode)) && r.dstPort == 0
            && (r.protocol == IpProtocol::Icmp || r.protocol == IpProtocol::Icmp6))
            r.dstPort = (s.have & Scratch::IcmpTypeCode) ? uint16_t(s.icmpTypeCode)
                                                         : uint16_t((s.icmpType << 8) | (s.icmpCode & 0xff));
        r.exportVersion = ctx.version;
        r.exporter = ctx.key->address;
        r.exporterPort = ctx.key->port;
        r.observationDomain = ctx.key->domain;
        const bool icmp = r.protocol == IpProtocol::Icmp || r.protocol == IpProtocol::Icmp6;
        if (!icmp)
            s.have &= ~(Scratch::IcmpTypeCode | Scratch::IcmpType | Scratch::IcmpCode);
        if (s.extraCount || (s.have & kExtraBits)) {
            buildExtra(s, extraBuffer, icmp);
            r.extra.assign(extraBuffer);
        }
        ++flows;
    }
    st.stats.flows += flows;
    m_totals.flows += flows;
    return records;
}

void ExportDecoder::finish(std::vector<DecodeIssue>& issues)
{
    std::vector<FlowRecord> discarded;
    finish(discarded, issues);
}

void ExportDecoder::finish(std::vector<FlowRecord>& out, std::vector<DecodeIssue>& issues)
{
    for (const auto& [key, cst] : m_cache.exporters()) {
        ExporterState& st = m_cache.state(key);
        if (!st.initPending.empty()) {
            // systemInitTimeMilliseconds never came: these flows get the export time.
            Context ctx;
            ctx.state = &st;
            ctx.key = &st.stats.key;
            ctx.version = key.version;
            flushInitPending(ctx, out, issues);
        }
        if (st.pending.empty())
            continue;
        // An exporting process that restarted on a new UDP port (IOS-XR does)
        // may not resend its data templates: as a last resort, decode what
        // still waits with the template of the same address and domain on
        // another port, and say so. Never earlier: two live processes on one
        // address must not mix.
        for (auto it = st.pending.begin(); it != st.pending.end();) {
            const CompiledTemplate* sibling = nullptr;
            const ExporterKey* siblingKey = nullptr;
            for (const auto& [okey, ost] : m_cache.exporters())
                if (okey.address == key.address && okey.domain == key.domain && okey.version == key.version
                    && okey.port != key.port)
                    if (auto t = ost.templates.find(it->templateId); t != ost.templates.end()) {
                        sibling = &t->second;
                        siblingKey = &okey;
                    }
            if (!sibling) {
                ++it;
                continue;
            }
            Context pc;
            pc.state = &st;
            pc.key = &st.stats.key;
            pc.version = key.version;
            pc.exportSecs = it->exportSecs;
            pc.sysUptimeMs = it->sysUptimeMs;
            pc.exportMs = int64_t(it->exportSecs) * 1000;
            const size_t before = out.size();
            decodeDataSet(pc, *sibling, it->bytes.data(), it->bytes.size(), 0, out, issues);
            issues.push_back({0, "exporter " + exporterName(key) + ": data set of template " + hex16(it->templateId)
                                     + " decoded with the template from port " + std::to_string(siblingKey->port)
                                     + " (" + std::to_string(out.size() - before) + " flows)"});
            releasePending(st, it->bytes.size());
            it = st.pending.erase(it);
        }
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
        for (const PendingSet& p : st.pending)
            releasePending(st, p.bytes.size());
        st.pending.clear();
    }
}

std::vector<ExporterStats> ExportDecoder::expireIdle(int64_t nowUs, int64_t idleUs, std::vector<FlowRecord>& out,
                                                     std::vector<DecodeIssue>& issues)
{
    std::vector<ExporterKey> idle, unseen;
    for (const auto& [key, st] : m_cache.exporters()) {
        if (st.lastSeenUs == ExporterState::kNotSeen)
            unseen.push_back(key);
        else if (nowUs - st.lastSeenUs > idleUs)
            idle.push_back(key);
    }
    for (const ExporterKey& key : unseen)
        m_cache.state(key).lastSeenUs = nowUs;
    std::vector<ExporterStats> expired;
    expired.reserve(idle.size());
    for (const ExporterKey& key : idle) {
        ExporterState& st = m_cache.state(key);
        if (!st.initPending.empty()) {
            Context ctx;
            ctx.state = &st;
            ctx.key = &st.stats.key;
            ctx.version = key.version;
            flushInitPending(ctx, out, issues);
        }
        if (!st.pending.empty()) {
            issues.push_back({0, "exporter " + exporterName(key) + ": " + std::to_string(st.pending.size())
                                     + " data sets never decoded, no template received before it went idle"});
            st.stats.droppedSets += st.pending.size();
            m_totals.droppedSets += st.pending.size();
        }
        m_pendingBytesTotal -= st.pendingBytes;
        m_templateCount -= std::min(m_templateCount, st.templates.size());
        m_optionsBytesTotal -= std::min(m_optionsBytesTotal, st.optionsBytes);
        expired.push_back(st.stats);
        m_cache.erase(key);
        ++m_totals.exportersExpired;
    }
    if (!idle.empty()) {
        // The address-wide sampling fallback goes with the address's last exporter.
        std::unordered_set<IpAddress> live;
        for (const auto& [key, st] : m_cache.exporters())
            live.insert(key.address);
        std::erase_if(m_addressSampling, [&live](const auto& entry) { return !live.count(entry.first); });
        m_exporterLimitReported = false; // room again: a later refusal is news
    }
    return expired;
}

void ExportDecoder::restoreTemplate(const ExporterKey& exporter, uint16_t templateId, bool options,
                                    const std::vector<RawField>& fields)
{
    if (templateId < 256 || fields.empty())
        return; // never a data template (RFC 7011 §3.4.1, RFC 3954 §5.2)
    ExporterState& st = m_cache.state(exporter);
    // Restored templates count against the same limits as received ones.
    const bool known = st.templates.count(templateId) != 0;
    if (!known && (st.templates.size() >= m_limits.maxTemplatesPerExporter
                   || m_templateCount >= m_limits.maxTemplatesTotal))
        return;
    if (!known)
        ++m_templateCount;
    st.templates.insert_or_assign(
        templateId, TemplateCache::compile(templateId, exporter.version == 10, options, fields.data(), fields.size()));
}

void ExportDecoder::restoreExporterOptions(const ExporterOptions& o)
{
    ExporterState& st = m_cache.state(o.exporter);
    st.systemInitMs = o.systemInitMs;
    st.samplingRate = o.samplingRate;
    st.samplerRates = o.samplerRates;
    if (st.samplerRates.size() > 1024)
        st.samplerRates.resize(1024);
    if (o.samplingRate)
        m_addressSampling[o.exporter.address] = o.samplingRate;
}

std::vector<ExporterOptions> ExportDecoder::exporterOptions() const
{
    std::vector<ExporterOptions> v;
    for (const auto& [key, st] : m_cache.exporters())
        if (st.systemInitMs || st.samplingRate || !st.samplerRates.empty())
            v.push_back({key, st.systemInitMs, st.samplingRate, st.samplerRates});
    return v;
}

size_t ExportDecoder::heldSets() const
{
    size_t n = 0;
    for (const auto& [key, st] : m_cache.exporters())
        n += st.pending.size() + st.initPending.size();
    return n;
}

std::vector<ExporterStats> ExportDecoder::exporterStats() const
{
    std::vector<ExporterStats> v;
    v.reserve(m_cache.exporters().size());
    for (const auto& [key, st] : m_cache.exporters())
        v.push_back(st.stats);
    return v;
}
