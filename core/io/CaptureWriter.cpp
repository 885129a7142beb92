#include "io/CaptureWriter.h"

#include <cerrno>
#include <cstring>

namespace {

constexpr uint32_t kLinkTypeRaw = 101; // LINKTYPE_RAW: the packet starts with its IP header
constexpr uint32_t kSnapLen = 262144;   // an IPv6 datagram of 65527 payload bytes fits

void le32(uint8_t* p, uint32_t v)
{
    p[0] = uint8_t(v);
    p[1] = uint8_t(v >> 8);
    p[2] = uint8_t(v >> 16);
    p[3] = uint8_t(v >> 24);
}

void be16(uint8_t* p, uint16_t v)
{
    p[0] = uint8_t(v >> 8);
    p[1] = uint8_t(v);
}

// RFC 1071 ones' complement sum, folded later.
uint32_t sum16(const uint8_t* p, size_t n, uint32_t acc = 0)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        acc += uint32_t(p[i] << 8 | p[i + 1]);
    if (n & 1)
        acc += uint32_t(p[n - 1] << 8);
    return acc;
}

uint16_t fold(uint32_t acc)
{
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return uint16_t(~acc);
}

} // namespace

CaptureWriter::~CaptureWriter() { close(); }

bool CaptureWriter::open(const std::string& path, std::string& error)
{
    close();
    m_path = path;
    m_packets = 0;
    m_file = std::fopen(path.c_str(), "wb");
    if (!m_file) {
        error = path + ": cannot create the capture file: " + std::strerror(errno);
        return false;
    }
    std::setvbuf(m_file, nullptr, _IOFBF, 1 << 20);
    uint8_t h[24] = {};
    le32(h, 0xa1b2c3d4); // microsecond timestamps, written little-endian
    h[4] = 2;            // version 2.4
    h[6] = 4;
    le32(h + 16, kSnapLen);
    le32(h + 20, kLinkTypeRaw);
    if (std::fwrite(h, 1, sizeof h, m_file) != sizeof h || std::fflush(m_file) != 0) {
        error = path + ": cannot write the capture file: " + std::strerror(errno);
        close();
        return false;
    }
    return true;
}

bool CaptureWriter::write(const IpAddress& source, uint16_t sourcePort, const IpAddress& destination,
                          uint16_t destinationPort, int64_t timeUs, const uint8_t* payload, size_t length)
{
    if (!m_file)
        return false;
    // IPv4 only when both ends are (an IPv4 exporter on a dual-stack socket arrives v4-mapped).
    const bool v4 = source.isV4() && (destination.isV4() || destination.isUnspecified());
    const size_t ipLen = v4 ? 20 : 40;
    const size_t udpLen = 8 + length;
    if (udpLen > 0xffff) {
        m_error = "datagram of " + std::to_string(length) + " bytes does not fit a UDP header";
        return false;
    }
    const size_t packetLen = ipLen + udpLen;
    if (v4 && packetLen > 0xffff) {
        m_error = "datagram of " + std::to_string(length) + " bytes does not fit an IPv4 packet";
        return false;
    }
    uint8_t hdr[16 + 40 + 8] = {};
    uint8_t* ip = hdr + 16;
    uint8_t* udp = ip + ipLen;
    le32(hdr, uint32_t(timeUs / 1000000));
    le32(hdr + 4, uint32_t(timeUs % 1000000));
    le32(hdr + 8, uint32_t(packetLen));
    le32(hdr + 12, uint32_t(packetLen));
    uint32_t pseudo = 0;
    if (v4) {
        ip[0] = 0x45;
        be16(ip + 2, uint16_t(packetLen));
        ip[6] = 0x40; // don't fragment
        ip[8] = 64;
        ip[9] = 17;
        std::memcpy(ip + 12, source.bytes().data() + 12, 4);
        std::memcpy(ip + 16, destination.bytes().data() + 12, 4); // zero when unknown
        be16(ip + 10, fold(sum16(ip, 20)));
        pseudo = sum16(ip + 12, 8) + 17 + uint32_t(udpLen);
    } else {
        ip[0] = 0x60;
        be16(ip + 4, uint16_t(udpLen));
        ip[6] = 17;
        ip[7] = 64;
        std::memcpy(ip + 8, source.bytes().data(), 16);
        std::memcpy(ip + 24, destination.bytes().data(), 16);
        pseudo = sum16(ip + 8, 32) + 17 + uint32_t(udpLen);
    }
    be16(udp, sourcePort);
    be16(udp + 2, destinationPort);
    be16(udp + 4, uint16_t(udpLen));
    uint16_t check = fold(sum16(payload, length, sum16(udp, 8, pseudo)));
    if (check == 0)
        check = 0xffff; // RFC 768: a computed zero is sent as all ones
    be16(udp + 6, check);
    const size_t headLen = 16 + ipLen + 8;
    if (std::fwrite(hdr, 1, headLen, m_file) != headLen
        || (length && std::fwrite(payload, 1, length, m_file) != length)) {
        m_error = m_path + ": write error: " + std::strerror(errno);
        return false;
    }
    ++m_packets;
    return true;
}

bool CaptureWriter::flush()
{
    if (m_file && std::fflush(m_file) != 0) {
        m_error = m_path + ": write error: " + std::strerror(errno);
        return false;
    }
    return true;
}

bool CaptureWriter::close()
{
    if (!m_file)
        return true;
    const bool ok = std::fclose(m_file) == 0;
    m_file = nullptr;
    if (!ok)
        m_error = m_path + ": write error: " + std::strerror(errno);
    return ok;
}
