#include "io/CaptureReader.h"

#include <pcap/pcap.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <zlib.h>

namespace {

inline uint16_t rd16(const uint8_t* p) { return uint16_t((p[0] << 8) | p[1]); }

// Link types that libpcap may report; some are not defined on every platform.
constexpr int kDltNull = 0;
constexpr int kDltEthernet = 1;
constexpr int kDltRawA = 12;   // DLT_RAW on most platforms
constexpr int kDltRawB = 14;   // DLT_RAW on OpenBSD
constexpr int kDltRaw101 = 101; // LINKTYPE_RAW when libpcap does not map it
constexpr int kDltLoop = 108;
constexpr int kDltLinuxSll = 113;
constexpr int kDltIpv4 = 228;
constexpr int kDltIpv6 = 229;
constexpr int kDltLinuxSll2 = 276;

constexpr uint16_t kEtherIpv4 = 0x0800;
constexpr uint16_t kEtherIpv6 = 0x86DD;
constexpr uint16_t kEtherVlan = 0x8100;
constexpr uint16_t kEtherQinQ = 0x88A8;
constexpr uint16_t kEtherQinQOld = 0x9100;

constexpr uint8_t kProtoUdp = 17;

// A stdio stream over a gzip file, so that libpcap reads .pcap.gz as it is.
ssize_t gzCookieRead(void* cookie, char* buf, size_t size)
{
    const int n = gzread(static_cast<gzFile>(cookie), buf, unsigned(std::min<size_t>(size, 1u << 30)));
    return n < 0 ? -1 : n;
}

int gzCookieClose(void* cookie) { return gzclose(static_cast<gzFile>(cookie)) == Z_OK ? 0 : EOF; }

FILE* openGzipStream(const std::string& path, gzFile& handle)
{
    handle = gzopen(path.c_str(), "rb");
    if (!handle)
        return nullptr;
    gzbuffer(handle, 256 * 1024);
    cookie_io_functions_t io{};
    io.read = gzCookieRead;
    io.close = gzCookieClose;
    FILE* f = fopencookie(handle, "r", io);
    if (!f) {
        gzclose(handle);
        handle = nullptr;
    }
    return f;
}

} // namespace

CaptureReader::~CaptureReader() { close(); }

void CaptureReader::close()
{
    if (m_pcap)
        pcap_close(m_pcap);
    m_pcap = nullptr;
}

bool CaptureReader::open(const std::string& path, std::string& error)
{
    close();
    m_path = path;
    m_stats = {};
    m_reassembler = IpFragmentReassembler{};
    m_fragmentsCut = 0;
    m_bytesRead = 0;

    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        error = path + ": " + std::strerror(errno);
        return false;
    }
    m_bytesTotal = int64_t(st.st_size);

    // Peek at the magic: classic pcap record headers are 16 bytes (24 for the
    // Kuznetzov "modified" format), which lets us give exact byte offsets.
    m_gzip = nullptr;
    if (FILE* f = std::fopen(path.c_str(), "rb")) {
        uint8_t magic[4] = {};
        size_t n = std::fread(magic, 1, 4, f);
        std::fclose(f);
        const bool gzip = n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        if (gzip) { // the capture's own magic is inside
            gzFile g = gzopen(path.c_str(), "rb");
            n = g ? size_t(std::max(0, gzread(g, magic, 4))) : 0;
            if (g)
                gzclose(g);
        }
        m_compressed = gzip;
        if (n == 4) {
            m_pcapNg = magic[0] == 0x0a && magic[1] == 0x0d && magic[2] == 0x0d && magic[3] == 0x0a;
            const bool modified = (magic[0] == 0xa1 && magic[1] == 0xb2 && magic[2] == 0xcd && magic[3] == 0x34)
                || (magic[0] == 0x34 && magic[1] == 0xcd && magic[2] == 0xb2 && magic[3] == 0xa1);
            m_recordHeaderSize = modified ? 24 : 16;
        }
    }

    char errbuf[PCAP_ERRBUF_SIZE] = {};
    // Ask for microseconds whatever the file stores (nanosecond pcaps too).
    if (m_compressed) {
        gzFile handle = nullptr;
        FILE* stream = openGzipStream(path, handle);
        if (!stream) {
            error = path + ": cannot open the gzip stream";
            return false;
        }
        m_pcap = pcap_fopen_offline_with_tstamp_precision(stream, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
        if (!m_pcap)
            std::fclose(stream);
        else
            m_gzip = handle; // closed with the pcap (through the stream)
    } else {
        m_pcap = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, errbuf);
    }
    if (!m_pcap) {
        error = path + ": " + errbuf;
        return false;
    }
    m_linkType = pcap_datalink(m_pcap);
    switch (m_linkType) {
    case kDltNull: case kDltEthernet: case kDltRawA: case kDltRawB: case kDltRaw101: case kDltLoop:
    case kDltLinuxSll: case kDltIpv4: case kDltIpv6: case kDltLinuxSll2:
        break;
    default:
        error = path + ": unsupported link type " + std::to_string(m_linkType) + " ("
            + (pcap_datalink_val_to_name(m_linkType) ? pcap_datalink_val_to_name(m_linkType) : "unknown") + ")";
        close();
        return false;
    }
    m_bytesRead = m_pcapNg ? 0 : 24; // classic global header
    return true;
}

CaptureReader::Result CaptureReader::next(UdpDatagram& out)
{
    if (!m_pcap)
        return Result::End;
    for (;;) {
        pcap_pkthdr* hdr = nullptr;
        const u_char* data = nullptr;
        const int rc = pcap_next_ex(m_pcap, &hdr, &data);
        if (rc == PCAP_ERROR_BREAK) { // end of file
            m_bytesRead = m_bytesTotal;
            m_reassembler.finish();
            syncReassemblyStats();
            return Result::End;
        }
        if (rc != 1) {
            m_error = pcap_geterr(m_pcap);
            return Result::Error;
        }
        ++m_stats.packets;
        // Byte offsets exist only where the file is the capture itself.
        const int64_t recordOffset = (m_pcapNg || m_compressed) ? -1 : m_bytesRead;
        if (m_compressed) {
            if ((m_stats.packets & 255) == 0) {
                const z_off_t pos = gzoffset(static_cast<gzFile>(m_gzip));
                if (pos >= 0)
                    m_bytesRead = std::min<int64_t>(pos, m_bytesTotal);
            }
        } else if (m_pcapNg) {
            // pcapng blocks vary in size; ask the stream now and then for progress.
            if ((m_stats.packets & 255) == 0)
                if (FILE* f = pcap_file(m_pcap)) {
                    const long pos = std::ftell(f);
                    if (pos >= 0)
                        m_bytesRead = pos;
                }
        } else {
            m_bytesRead += m_recordHeaderSize + int64_t(hdr->caplen);
        }

        const bool truncated = hdr->caplen < hdr->len;
        if (truncated)
            ++m_stats.truncatedPackets;

        out = UdpDatagram{};
        out.packetNumber = m_stats.packets;
        out.packetFileOffset = recordOffset;
        out.timestampUs = int64_t(hdr->ts.tv_sec) * 1000000 + int64_t(hdr->ts.tv_usec);
        m_packetTimeUs = out.timestampUs;
        if (!decodePacket(data, hdr->caplen, out))
            continue;
        out.truncated = out.truncated || truncated;
        if (recordOffset >= 0 && !out.reassembled)
            out.payloadFileOffset = recordOffset + m_recordHeaderSize + (out.payload - data);
        ++m_stats.udpDatagrams;
        return Result::Datagram;
    }
}

bool CaptureReader::decodePacket(const uint8_t* data, size_t caplen, UdpDatagram& out)
{
    size_t off = 0;
    uint16_t etherType = 0;
    switch (m_linkType) {
    case kDltEthernet:
        if (caplen < 14) {
            ++m_stats.malformed;
            return false;
        }
        etherType = rd16(data + 12);
        off = 14;
        break;
    case kDltLinuxSll: // 16-byte cooked header, protocol last
        if (caplen < 16) {
            ++m_stats.malformed;
            return false;
        }
        etherType = rd16(data + 14);
        off = 16;
        break;
    case kDltLinuxSll2: // 20-byte cooked header v2, protocol first
        if (caplen < 20) {
            ++m_stats.malformed;
            return false;
        }
        etherType = rd16(data);
        off = 20;
        break;
    case kDltNull:
    case kDltLoop:
        // The 4-byte family is in the capturing host's byte order (NULL) or
        // network order (LOOP), and IPv6 has several values across BSDs:
        // the IP version nibble is the reliable signal.
        if (caplen < 4) {
            ++m_stats.malformed;
            return false;
        }
        return decodeIp(data, caplen, 4, out);
    default: // raw IP
        return decodeIp(data, caplen, 0, out);
    }
    // 802.1Q / 802.1ad tags, any depth (QinQ).
    while (etherType == kEtherVlan || etherType == kEtherQinQ || etherType == kEtherQinQOld) {
        if (caplen < off + 4) {
            ++m_stats.malformed;
            return false;
        }
        etherType = rd16(data + off + 2);
        off += 4;
    }
    if (etherType == kEtherIpv4)
        return decodeIpv4(data, caplen, off, out);
    if (etherType == kEtherIpv6)
        return decodeIpv6(data, caplen, off, out);
    ++m_stats.nonIp;
    return false;
}

bool CaptureReader::decodeIp(const uint8_t* data, size_t caplen, size_t offset, UdpDatagram& out)
{
    if (caplen <= offset) {
        ++m_stats.malformed;
        return false;
    }
    switch (data[offset] >> 4) {
    case 4: return decodeIpv4(data, caplen, offset, out);
    case 6: return decodeIpv6(data, caplen, offset, out);
    default: ++m_stats.nonIp; return false;
    }
}

bool CaptureReader::decodeIpv4(const uint8_t* data, size_t caplen, size_t off, UdpDatagram& out)
{
    if (caplen < off + 20 || (data[off] >> 4) != 4) {
        ++m_stats.malformed;
        return false;
    }
    const size_t ihl = size_t(data[off] & 0x0f) * 4; // options included
    const size_t totalLen = rd16(data + off + 2);
    if (ihl < 20 || totalLen < ihl || caplen < off + ihl) {
        ++m_stats.malformed;
        return false;
    }
    if (data[off + 9] != kProtoUdp) {
        ++m_stats.nonUdp;
        return false;
    }
    const uint16_t frag = rd16(data + off + 6);
    const bool moreFragments = frag & 0x2000;
    out.srcAddr = IpAddress::fromV4Bytes(data + off + 12);
    out.dstAddr = IpAddress::fromV4Bytes(data + off + 16);
    // The IP total length bounds the datagram (Ethernet may add trailer padding).
    const size_t end = std::min(caplen, off + totalLen);
    if (moreFragments || (frag & 0x1fff)) {
        if (end < off + totalLen) { // a fragment cut by the snaplen cannot be reassembled
            ++m_fragmentsCut;
            syncReassemblyStats();
            return false;
        }
        IpFragmentReassembler::Key key{out.srcAddr, out.dstAddr, rd16(data + off + 4), kProtoUdp};
        return addFragment(key, size_t(frag & 0x1fff) * 8, moreFragments, data + off + ihl, end - (off + ihl), out);
    }
    return decodeUdp(data, end, off + ihl, out);
}

bool CaptureReader::decodeIpv6(const uint8_t* data, size_t caplen, size_t off, UdpDatagram& out)
{
    if (caplen < off + 40 || (data[off] >> 4) != 6) {
        ++m_stats.malformed;
        return false;
    }
    const size_t payloadLen = rd16(data + off + 4);
    out.srcAddr = IpAddress::fromV6Bytes(data + off + 8);
    out.dstAddr = IpAddress::fromV6Bytes(data + off + 24);
    // Payload length 0 means a jumbogram (RFC 2675): use what was captured.
    const size_t end = payloadLen ? std::min(caplen, off + 40 + payloadLen) : caplen;
    uint8_t next = data[off + 6];
    size_t pos = off + 40;
    // Walk the extension headers we know how to size (RFC 8200 §4).
    for (int guard = 0; guard < 16; ++guard) {
        if (next == kProtoUdp)
            return decodeUdp(data, end, pos, out);
        if (end < pos + 8) {
            ++m_stats.malformed;
            return false;
        }
        switch (next) {
        case 0:   // hop-by-hop
        case 43:  // routing
        case 60:  // destination options
        case 135: // mobility
            next = data[pos];
            pos += (size_t(data[pos + 1]) + 1) * 8;
            break;
        case 51: // AH: length in 4-byte units minus 2 (RFC 4302 §2.2)
            next = data[pos];
            pos += (size_t(data[pos + 1]) + 2) * 4;
            break;
        case 44: { // fragment (RFC 8200 §4.5): the rest is the fragmentable part
            const uint16_t fo = rd16(data + pos + 2);
            const uint32_t id = (uint32_t(rd16(data + pos + 4)) << 16) | rd16(data + pos + 6);
            if (data[pos] != kProtoUdp) {
                ++m_stats.nonUdp; // UDP behind further extension headers: not expected from exporters
                return false;
            }
            if (end < off + 40 + payloadLen) {
                ++m_fragmentsCut;
                syncReassemblyStats();
                return false;
            }
            IpFragmentReassembler::Key key{out.srcAddr, out.dstAddr, id, kProtoUdp};
            return addFragment(key, fo & 0xfff8, fo & 1, data + pos + 8, end - (pos + 8), out);
        }
        default:
            ++m_stats.nonUdp;
            return false;
        }
    }
    ++m_stats.malformed;
    return false;
}

bool CaptureReader::addFragment(const IpFragmentReassembler::Key& key, size_t offsetBytes, bool more,
                                const uint8_t* data, size_t length, UdpDatagram& out)
{
    const std::vector<uint8_t>* whole = m_reassembler.add(key, m_packetTimeUs, offsetBytes, more, data, length);
    syncReassemblyStats();
    if (!whole)
        return false;
    out.reassembled = true;
    return decodeUdp(whole->data(), whole->size(), 0, out);
}

void CaptureReader::syncReassemblyStats()
{
    const ReassemblyStats& r = m_reassembler.stats();
    m_stats.fragments = r.fragments;
    m_stats.reassembled = r.reassembled;
    m_stats.fragmentsIncomplete = r.expired;
    m_stats.fragmentsInvalid = r.invalid + m_fragmentsCut;
}

bool CaptureReader::decodeUdp(const uint8_t* data, size_t end, size_t off, UdpDatagram& out)
{
    if (end < off + 8) {
        ++m_stats.malformed;
        return false;
    }
    out.srcPort = rd16(data + off);
    out.dstPort = rd16(data + off + 2);
    const size_t udpLen = rd16(data + off + 4);
    const size_t available = end - (off + 8);
    size_t payloadLen = available;
    if (udpLen >= 8) {
        if (udpLen - 8 <= available)
            payloadLen = udpLen - 8;
        else
            out.truncated = true; // announced more than captured
    } else if (udpLen != 0) { // 0 is legal for IPv6 jumbograms only; tolerate
        ++m_stats.malformed;
        return false;
    }
    out.payload = data + off + 8;
    out.length = payloadLen;
    return true;
}
