#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

// An IPv4 or IPv6 address in 16 bytes, network order. IPv4 is stored
// IPv4-mapped (::ffff:a.b.c.d) so that one column sorts and range-filters
// both families.
class IpAddress final {
public:
    IpAddress() = default;

    static IpAddress fromV4(uint32_t hostOrder);
    static IpAddress fromV4Bytes(const uint8_t* networkOrder4);
    static IpAddress fromV6Bytes(const uint8_t* networkOrder16);
    static IpAddress fromBytes16(const uint8_t* bytes16);
    // Parses dotted IPv4 or textual IPv6; nullopt when neither.
    static std::optional<IpAddress> parse(std::string_view text);

    bool isV4() const;
    bool isUnspecified() const;
    uint32_t v4() const; // host order; only meaningful when isV4()
    const std::array<uint8_t, 16>& bytes() const { return m_bytes; }
    std::string toString() const;
    // Appends the text form (dotted IPv4, RFC 5952 IPv6) without a temporary string.
    void appendTo(std::string& out) const;

    // Byte order is address order: v4-mapped addresses sort together and by value.
    bool operator==(const IpAddress& o) const { return m_bytes == o.m_bytes; }
    bool operator!=(const IpAddress& o) const { return m_bytes != o.m_bytes; }
    bool operator<(const IpAddress& o) const { return std::memcmp(m_bytes.data(), o.m_bytes.data(), 16) < 0; }
    bool operator<=(const IpAddress& o) const { return !(o < *this); }
    bool operator>(const IpAddress& o) const { return o < *this; }

private:
    std::array<uint8_t, 16> m_bytes{};
};

template <>
struct std::hash<IpAddress> {
    size_t operator()(const IpAddress& a) const noexcept
    {
        uint64_t hi, lo;
        std::memcpy(&hi, a.bytes().data(), 8);
        std::memcpy(&lo, a.bytes().data() + 8, 8);
        return std::hash<uint64_t>{}(hi * 0x9E3779B97F4A7C15ULL ^ lo);
    }
};
