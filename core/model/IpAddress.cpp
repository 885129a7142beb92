#include "model/IpAddress.h"

#include <arpa/inet.h>

namespace {
constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
}

IpAddress IpAddress::fromV4(uint32_t hostOrder)
{
    IpAddress a;
    std::memcpy(a.m_bytes.data(), kMappedPrefix, 12);
    a.m_bytes[12] = uint8_t(hostOrder >> 24);
    a.m_bytes[13] = uint8_t(hostOrder >> 16);
    a.m_bytes[14] = uint8_t(hostOrder >> 8);
    a.m_bytes[15] = uint8_t(hostOrder);
    return a;
}

IpAddress IpAddress::fromV4Bytes(const uint8_t* networkOrder4)
{
    IpAddress a;
    std::memcpy(a.m_bytes.data(), kMappedPrefix, 12);
    std::memcpy(a.m_bytes.data() + 12, networkOrder4, 4);
    return a;
}

IpAddress IpAddress::fromV6Bytes(const uint8_t* networkOrder16)
{
    IpAddress a;
    std::memcpy(a.m_bytes.data(), networkOrder16, 16);
    return a;
}

IpAddress IpAddress::fromBytes16(const uint8_t* bytes16) { return fromV6Bytes(bytes16); }

std::optional<IpAddress> IpAddress::parse(std::string_view text)
{
    std::string s(text);
    uint8_t buf[16];
    if (inet_pton(AF_INET, s.c_str(), buf) == 1)
        return fromV4Bytes(buf);
    if (inet_pton(AF_INET6, s.c_str(), buf) == 1)
        return fromV6Bytes(buf);
    return std::nullopt;
}

bool IpAddress::isV4() const { return std::memcmp(m_bytes.data(), kMappedPrefix, 12) == 0; }

bool IpAddress::isUnspecified() const
{
    for (uint8_t b : m_bytes)
        if (b)
            return false;
    return true;
}

uint32_t IpAddress::v4() const
{
    return (uint32_t(m_bytes[12]) << 24) | (uint32_t(m_bytes[13]) << 16) | (uint32_t(m_bytes[14]) << 8) | m_bytes[15];
}

std::string IpAddress::toString() const
{
    std::string out;
    appendTo(out);
    return out;
}

void IpAddress::appendTo(std::string& out) const
{
    if (isV4()) {
        // Dotted quads are most of what is printed: inet_ntop formats them with sprintf.
        char buf[16];
        char* w = buf;
        for (int i = 12; i < 16; ++i) {
            const unsigned b = m_bytes[size_t(i)];
            if (b >= 100)
                *w++ = char('0' + b / 100);
            if (b >= 10)
                *w++ = char('0' + b / 10 % 10);
            *w++ = char('0' + b % 10);
            if (i < 15)
                *w++ = '.';
        }
        out.append(buf, size_t(w - buf));
        return;
    }
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(AF_INET6, m_bytes.data(), buf, sizeof buf);
    out.append(buf);
}
