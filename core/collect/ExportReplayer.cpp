#include "collect/ExportReplayer.h"

#include "decode/ExportDecoder.h"
#include "io/CaptureReader.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <map>
#include <thread>

namespace {

constexpr size_t kMaxBytes = size_t(2) << 30;

bool isLoopback(const IpAddress& a)
{
    if (a.isV4())
        return (a.v4() >> 24) == 127;
    static const IpAddress v6Loopback = *IpAddress::parse("::1");
    return a == v6Loopback;
}

sockaddr_storage socketAddress(const IpAddress& a, uint16_t port, socklen_t& len)
{
    sockaddr_storage ss{};
    if (a.isV4()) {
        auto& s = reinterpret_cast<sockaddr_in&>(ss);
        s.sin_family = AF_INET;
        s.sin_port = htons(port);
        std::memcpy(&s.sin_addr, a.bytes().data() + 12, 4);
        len = sizeof s;
    } else {
        auto& s = reinterpret_cast<sockaddr_in6&>(ss);
        s.sin6_family = AF_INET6;
        s.sin6_port = htons(port);
        std::memcpy(&s.sin6_addr, a.bytes().data(), 16);
        len = sizeof s;
    }
    return ss;
}

} // namespace

ExportReplayer::~ExportReplayer() { closeSockets(); }

void ExportReplayer::closeSockets()
{
    for (int fd : m_sockets)
        if (fd >= 0)
            ::close(fd);
    m_sockets.clear();
}

bool ExportReplayer::parseTarget(const std::string& text, IpAddress& address, uint16_t& port)
{
    std::string host, portText;
    if (!text.empty() && text.front() == '[') {
        const size_t close = text.find("]:");
        if (close == std::string::npos)
            return false;
        host = text.substr(1, close - 1);
        portText = text.substr(close + 2);
    } else {
        const size_t colon = text.rfind(':');
        if (colon == std::string::npos || text.find(':') != colon)
            return false;
        host = text.substr(0, colon);
        portText = text.substr(colon + 1);
    }
    if (host == "localhost")
        host = "127.0.0.1";
    const auto a = IpAddress::parse(host);
    unsigned p = 0;
    const auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), p);
    if (!a || ec != std::errc() || end != portText.data() + portText.size() || p == 0 || p > 65535)
        return false;
    address = *a;
    port = uint16_t(p);
    return true;
}

bool ExportReplayer::load(const std::string& path, std::string& error)
{
    CaptureReader reader;
    if (!reader.open(path, error))
        return false;
    m_bytes.clear();
    m_datagrams.clear();
    m_exporters.clear();
    m_flowsInCapture = 0;
    std::map<std::pair<IpAddress, uint16_t>, uint32_t> index;
    ExportDecoder decoder;
    std::vector<FlowRecord> flows;
    std::vector<DecodeIssue> issues;
    UdpDatagram d;
    for (;;) {
        const CaptureReader::Result r = reader.next(d);
        if (r == CaptureReader::Result::End)
            break;
        if (r == CaptureReader::Result::Error) {
            error = path + ": " + reader.lastError();
            return false;
        }
        if (d.length > 65507 || m_bytes.size() + d.length > kMaxBytes) {
            error = path + (d.length > 65507 ? ": a datagram is larger than UDP allows"
                                             : ": more than 2 GiB of datagrams; replay a smaller capture");
            return false;
        }
        auto [it, inserted] = index.try_emplace({d.srcAddr, d.srcPort}, uint32_t(m_exporters.size()));
        if (inserted)
            m_exporters.push_back({d.srcAddr, d.srcPort});
        flows.clear();
        issues.clear();
        decoder.decode(d.srcAddr, d.srcPort, d.timestampUs, d.payload, d.length, flows, issues);
        m_datagrams.push_back({it->second, uint32_t(flows.size()), uint32_t(m_bytes.size()), uint32_t(d.length)});
        m_flowsInCapture += flows.size();
        m_bytes.insert(m_bytes.end(), d.payload, d.payload + d.length);
    }
    if (m_datagrams.empty()) {
        error = path + ": no UDP datagrams to replay";
        return false;
    }
    return true;
}

bool ExportReplayer::open(const Settings& settings, std::string& error)
{
    closeSockets();
    m_settings = settings;
    IpAddress target;
    uint16_t port = 0;
    if (!parseTarget(settings.target, target, port)) {
        error = "--to " + settings.target + ": not HOST:PORT (an IPv4 address, or [IPv6]:PORT)";
        return false;
    }
    const bool loopback = isLoopback(target);
    if (!loopback && !settings.allowRemote) {
        error = "--to " + settings.target + " is not a loopback address; pass --allow-remote to send there";
        return false;
    }
    IpAddress from;
    if (!settings.sourceAddress.empty()) {
        const auto parsed = IpAddress::parse(settings.sourceAddress == "localhost" ? "127.0.0.1"
                                                                                    : settings.sourceAddress);
        if (!parsed) {
            error = "--from " + settings.sourceAddress + ": not an IP address";
            return false;
        }
        from = *parsed;
        if (from.isV4() != target.isV4()) {
            error = "--from " + settings.sourceAddress + " and --to " + settings.target
                + " are not of the same address family";
            return false;
        }
    }
    m_sources.clear();
    for (size_t i = 0; i < m_exporters.size(); ++i) {
        const int fd = ::socket(target.isV4() ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            error = std::string("cannot create a UDP socket: ") + std::strerror(errno);
            return false;
        }
        m_sockets.push_back(fd);
        const int sndbuf = 4 << 20;
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
        if (!settings.sourceAddress.empty()) {
            // One address: the exporters are told apart by port (the original one when free).
            socklen_t len = 0;
            sockaddr_storage ss = socketAddress(from, m_exporters[i].port, len);
            if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
                ss = socketAddress(from, 0, len);
                if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
                    error = "--from " + settings.sourceAddress + ": " + std::strerror(errno);
                    return false;
                }
            }
        } else if (loopback && target.isV4() && i < 250 * 256) {
            // IPv4 loopback: one address per exporter (127.0.0.2 ...), the original port when free.
            const uint32_t local = (127u << 24) | uint32_t(2 + i);
            const IpAddress source = IpAddress::fromV4(local);
            socklen_t len = 0;
            sockaddr_storage ss = socketAddress(source, m_exporters[i].port, len);
            if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
                ss = socketAddress(source, 0, len);
                ::bind(fd, reinterpret_cast<sockaddr*>(&ss), len);
            }
        }
        socklen_t len = 0;
        sockaddr_storage to = socketAddress(target, port, len);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&to), len) != 0) {
            error = "--to " + settings.target + ": " + std::strerror(errno);
            return false;
        }
        sockaddr_storage bound{};
        socklen_t boundLen = sizeof bound;
        if (i < 4 && getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &boundLen) == 0) {
            char text[INET6_ADDRSTRLEN] = {};
            uint16_t p = 0;
            if (bound.ss_family == AF_INET) {
                const auto& a = reinterpret_cast<const sockaddr_in&>(bound);
                inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
                p = ntohs(a.sin_port);
            } else {
                const auto& a = reinterpret_cast<const sockaddr_in6&>(bound);
                inet_ntop(AF_INET6, &a.sin6_addr, text, sizeof text);
                p = ntohs(a.sin6_port);
            }
            m_sources += (m_sources.empty() ? "" : ", ") + std::string(text) + ":" + std::to_string(p);
        }
    }
    if (m_exporters.size() > 4)
        m_sources += ", ...";
    return true;
}

ExportReplayer::Result ExportReplayer::run(const std::atomic_bool& cancel)
{
    using Clock = std::chrono::steady_clock;
    Result r;
    if (m_sockets.size() != m_exporters.size() || m_datagrams.empty())
        return r;
    const auto t0 = Clock::now();
    const double flowRate = m_settings.flowsPerSecond;
    const double packetRate = m_settings.datagramsPerSecond;
    const auto limit = m_settings.durationSeconds > 0
        ? t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(m_settings.durationSeconds))
        : Clock::time_point::max();
    // Sleeping for less than this costs more than it paces: send the burst.
    const auto slack = std::chrono::microseconds(500);
    size_t i = size_t(std::min<uint64_t>(m_settings.skip, m_datagrams.size()));
    for (;;) {
        if (m_settings.count && r.datagrams >= m_settings.count)
            break;
        if (i == m_datagrams.size()) {
            ++r.passes;
            if (!m_settings.loop)
                break;
            i = 0;
        }
        if ((r.datagrams & 63) == 0 && cancel.load(std::memory_order_relaxed))
            break;
        // When this datagram is due: what was sent so far, at the rate asked for.
        if (flowRate > 0 || packetRate > 0) {
            const double due = flowRate > 0 ? double(r.flows) / flowRate : double(r.datagrams) / packetRate;
            const auto when = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(due));
            auto now = Clock::now();
            if (when >= limit || now >= limit)
                break;
            if (when > now + slack)
                std::this_thread::sleep_until(when);
        } else if ((r.datagrams & 63) == 0 && Clock::now() >= limit) {
            break;
        }
        const Datagram& d = m_datagrams[i++];
        const ssize_t n = ::send(m_sockets[d.exporter], m_bytes.data() + d.offset, d.length, 0);
        if (n < 0) {
            // ECONNREFUSED: an ICMP port unreachable from an earlier datagram (nobody listening yet).
            ++r.sendErrors;
            r.lastSendError = std::strerror(errno);
            continue;
        }
        ++r.datagrams;
        r.bytes += d.length;
        r.flows += d.flows;
    }
    r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return r;
}
