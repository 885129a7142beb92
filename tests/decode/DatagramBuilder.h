#pragma once
// Builds NetFlow v5/v9 and IPFIX datagrams byte by byte for decoder tests.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

struct Bytes {
    std::vector<uint8_t> b;
    Bytes& u8(uint8_t v) { b.push_back(v); return *this; }
    Bytes& u16(uint16_t v) { u8(uint8_t(v >> 8)); return u8(uint8_t(v)); }
    Bytes& u32(uint32_t v) { u16(uint16_t(v >> 16)); return u16(uint16_t(v)); }
    Bytes& u64(uint64_t v) { u32(uint32_t(v >> 32)); return u32(uint32_t(v)); }
    Bytes& ip(uint8_t a, uint8_t b2, uint8_t c, uint8_t d) { return u8(a).u8(b2).u8(c).u8(d); }
    Bytes& raw(const std::vector<uint8_t>& v) { b.insert(b.end(), v.begin(), v.end()); return *this; }
    Bytes& raw(const Bytes& v) { return raw(v.b); }
    Bytes& zeros(size_t n) { b.insert(b.end(), n, 0); return *this; }
    void put16(size_t at, uint16_t v) { b[at] = uint8_t(v >> 8); b[at + 1] = uint8_t(v); }
    size_t size() const { return b.size(); }
};

// A field specifier: IANA element id, length (65535 = variable), enterprise number (0 = IANA).
struct FieldSpec {
    uint16_t id;
    uint16_t length;
    uint32_t enterprise = 0;
};

// A set (IPFIX) or flowset (v9): id, length, body.
inline Bytes setOf(uint16_t id, const Bytes& body)
{
    Bytes s;
    s.u16(id).u16(uint16_t(4 + body.size())).raw(body);
    return s;
}

// One template record (v9 or IPFIX: same layout; enterprise ids only in IPFIX).
inline Bytes templateRecord(uint16_t id, std::initializer_list<FieldSpec> fields)
{
    Bytes t;
    t.u16(id).u16(uint16_t(fields.size()));
    for (const FieldSpec& f : fields) {
        t.u16(uint16_t(f.enterprise ? (f.id | 0x8000) : f.id)).u16(f.length);
        if (f.enterprise)
            t.u32(f.enterprise);
    }
    return t;
}

inline std::vector<uint8_t> ipfixMessage(uint32_t exportSecs, uint32_t sequence, uint32_t domain,
                                         std::initializer_list<Bytes> sets)
{
    Bytes m;
    m.u16(10).u16(0).u32(exportSecs).u32(sequence).u32(domain);
    for (const Bytes& s : sets)
        m.raw(s);
    m.put16(2, uint16_t(m.size()));
    return m.b;
}

inline std::vector<uint8_t> v9Packet(uint16_t count, uint32_t sysUptimeMs, uint32_t exportSecs, uint32_t sequence,
                                     uint32_t sourceId, std::initializer_list<Bytes> sets)
{
    Bytes m;
    m.u16(9).u16(count).u32(sysUptimeMs).u32(exportSecs).u32(sequence).u32(sourceId);
    for (const Bytes& s : sets)
        m.raw(s);
    return m.b;
}
