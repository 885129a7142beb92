#include "collect/UdpReceiver.h"

#include "collect/DatagramQueue.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>

#ifndef SO_RXQ_OVFL
#define SO_RXQ_OVFL 40 // Linux 2.6.33
#endif

namespace {

constexpr unsigned kSlots = 64;          // datagrams per recvmmsg call
constexpr size_t kSlotBytes = 65536;     // any UDP payload over IPv4/IPv6 (without jumbograms) fits
constexpr size_t kPushDatagrams = 1024;  // hand a batch over at the latest after this many
constexpr size_t kPushBytes = 1u << 20;  // ... or this many bytes
constexpr size_t kControlBytes = 128;    // room for IP(V6)_PKTINFO and SO_RXQ_OVFL

std::string errnoText(int e) { return std::strerror(e); }

int64_t nowUs()
{
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

IpAddress addressOf(const sockaddr_storage& ss, uint16_t& port)
{
    if (ss.ss_family == AF_INET) {
        const auto& a = reinterpret_cast<const sockaddr_in&>(ss);
        port = ntohs(a.sin_port);
        return IpAddress::fromV4Bytes(reinterpret_cast<const uint8_t*>(&a.sin_addr));
    }
    if (ss.ss_family == AF_INET6) {
        // An IPv4 sender on a dual-stack socket arrives IPv4-mapped: the same 16 bytes as IPv4.
        const auto& a = reinterpret_cast<const sockaddr_in6&>(ss);
        port = ntohs(a.sin6_port);
        return IpAddress::fromV6Bytes(reinterpret_cast<const uint8_t*>(&a.sin6_addr));
    }
    port = 0;
    return {};
}

// Scratch for one recvmmsg call: the slots, their addresses and ancillary data.
struct ReceiveSlots {
    std::unique_ptr<uint8_t[]> buffers{new uint8_t[size_t(kSlots) * kSlotBytes]};
    mmsghdr headers[kSlots]{};
    iovec iov[kSlots]{};
    sockaddr_storage names[kSlots]{};
    alignas(cmsghdr) uint8_t control[kSlots][kControlBytes]{};

    void reset()
    {
        for (unsigned i = 0; i < kSlots; ++i) {
            iov[i] = {buffers.get() + size_t(i) * kSlotBytes, kSlotBytes};
            msghdr& m = headers[i].msg_hdr;
            m.msg_name = &names[i];
            m.msg_namelen = sizeof names[i];
            m.msg_iov = &iov[i];
            m.msg_iovlen = 1;
            m.msg_control = control[i];
            m.msg_controllen = kControlBytes;
            m.msg_flags = 0;
            headers[i].msg_len = 0;
        }
    }
};

} // namespace

std::string UdpReceiver::Endpoint::toString() const
{
    const std::string a = address.isUnspecified() ? (v6 ? "::" : "0.0.0.0") : address.toString();
    return (v6 ? "[" + a + "]" : a) + ":" + std::to_string(port);
}

UdpReceiver::~UdpReceiver() { close(); }

void UdpReceiver::close()
{
    stop();
    closeSockets();
}

void UdpReceiver::closeSockets()
{
    for (int fd : m_fds)
        ::close(fd);
    m_fds.clear();
    if (m_stopFd >= 0)
        ::close(m_stopFd);
    m_stopFd = -1;
}

bool UdpReceiver::allInterfaces() const
{
    for (const Endpoint& e : m_endpoints)
        if (e.any)
            return true;
    return false;
}

int UdpReceiver::receiveBufferMax() const
{
    std::ifstream f("/proc/sys/net/core/rmem_max");
    int v = -1;
    return (f >> v) ? v : -1;
}

bool UdpReceiver::openSocket(const IpAddress& address, bool v6, bool v6Only, uint16_t port, bool any,
                             std::string& error, int& err)
{
    const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    err = errno;
    Endpoint ep;
    ep.address = any ? IpAddress() : address;
    ep.v6 = v6;
    ep.any = any;
    ep.port = port;
    if (fd < 0) {
        error = ep.toString() + ": cannot create a UDP socket: " + errnoText(err);
        return false;
    }
    const int on = 1;
    const int v6OnlyValue = v6Only ? 1 : 0;
    if (v6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6OnlyValue, sizeof v6OnlyValue);
    // Beyond net.core.rmem_max only with CAP_NET_ADMIN (SO_RCVBUFFORCE); otherwise the kernel caps it.
    const int want = m_settings.receiveBufferBytes;
    if (want > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof want) != 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof want);
    int granted = 0;
    socklen_t len = sizeof granted;
    getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &granted, &len);
    m_granted = m_granted ? std::min(m_granted, granted) : granted;
    setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on);
    if (v6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);
    else
        setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);

    sockaddr_storage ss{};
    socklen_t ssLen = 0;
    if (v6) {
        auto& a = reinterpret_cast<sockaddr_in6&>(ss);
        a.sin6_family = AF_INET6;
        a.sin6_port = htons(port);
        if (!any)
            std::memcpy(&a.sin6_addr, address.bytes().data(), 16);
        ssLen = sizeof a;
    } else {
        auto& a = reinterpret_cast<sockaddr_in&>(ss);
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        if (!any)
            std::memcpy(&a.sin_addr, address.bytes().data() + 12, 4);
        ssLen = sizeof a;
    }
    if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), ssLen) != 0) {
        const int e = errno;
        err = e;
        ::close(fd);
        error = "cannot listen on UDP " + ep.toString() + ": " + errnoText(e)
            + (e == EACCES ? " (ports below 1024 need root)" : "")
            + (e == EADDRINUSE ? " (another collector is using it)" : "");
        return false;
    }
    sockaddr_storage bound{};
    socklen_t boundLen = sizeof bound;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &boundLen) == 0) {
        uint16_t p = 0;
        addressOf(bound, p);
        ep.port = p;
    }
    m_fds.push_back(fd);
    m_endpoints.push_back(ep);
    m_socketDrops.push_back(0);
    return true;
}

bool UdpReceiver::open(const Settings& settings, std::string& error)
{
    closeSockets();
    m_endpoints.clear();
    m_socketDrops.clear();
    m_settings = settings;
    m_requested = settings.receiveBufferBytes;
    m_granted = 0;
    m_stopFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_stopFd < 0) {
        error = "cannot create an eventfd: " + errnoText(errno);
        return false;
    }
    if (!settings.bindAddress.empty()) {
        std::string text = settings.bindAddress;
        if (text.size() > 2 && text.front() == '[' && text.back() == ']')
            text = text.substr(1, text.size() - 2);
        const auto address = IpAddress::parse(text);
        if (!address) {
            error = "--bind " + settings.bindAddress + ": not an IPv4 or IPv6 address";
            return false;
        }
        // "::" (or "0.0.0.0") is every interface; "::" takes IPv4 too, as Linux does by default.
        const bool v6 = text.find(':') != std::string::npos;
        const bool any = address->isUnspecified() || (!v6 && address->v4() == 0);
        int err = 0;
        return openSocket(*address, v6, false, settings.port, any, error, err);
    }
    // Every interface: an IPv6 socket (IPv6 only) and an IPv4 one on the same port.
    for (int attempt = 0; attempt < 16; ++attempt) {
        std::string v6Error;
        int v6Errno = 0, v4Errno = 0;
        const bool haveV6 = openSocket(IpAddress(), true, true, settings.port, true, v6Error, v6Errno);
        if (!haveV6 && v6Errno != EAFNOSUPPORT) { // no IPv6 in this kernel: IPv4 alone
            error = v6Error;
            return false;
        }
        const uint16_t port = haveV6 ? m_endpoints.back().port : settings.port;
        if (openSocket(IpAddress(), false, false, port, true, error, v4Errno))
            return true;
        const bool retry = settings.port == 0 && v4Errno == EADDRINUSE && haveV6;
        if (!retry)
            return false;
        // The free IPv6 port was taken on IPv4: try another.
        ::close(m_fds.back());
        m_fds.pop_back();
        m_endpoints.pop_back();
        m_socketDrops.pop_back();
    }
    return false;
}

void UdpReceiver::start(DatagramQueue& queue)
{
    if (m_thread.joinable() || m_fds.empty())
        return;
    m_failed = false;
    m_failure.clear();
    m_thread = std::thread([this, &queue] { run(&queue); });
}

void UdpReceiver::stop()
{
    if (!m_thread.joinable())
        return;
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(m_stopFd, &one, sizeof one);
    m_thread.join();
    m_kernelDrops = std::max<uint64_t>(m_kernelDrops.load(), procDrops());
}

UdpReceiver::Counters UdpReceiver::counters() const
{
    Counters c;
    c.datagrams = m_datagrams.load(std::memory_order_relaxed);
    c.bytes = m_bytes.load(std::memory_order_relaxed);
    c.rejected = m_rejected.load(std::memory_order_relaxed);
    c.truncated = m_truncated.load(std::memory_order_relaxed);
    c.queueDrops = m_queueDrops.load(std::memory_order_relaxed);
    c.kernelDrops = m_kernelDrops.load(std::memory_order_relaxed);
    return c;
}

uint64_t UdpReceiver::procDrops() const
{
    // /proc/net/udp: "sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops".
    std::vector<unsigned long> inodes;
    for (int fd : m_fds) {
        struct stat st{};
        if (fstat(fd, &st) == 0)
            inodes.push_back((unsigned long)st.st_ino);
    }
    uint64_t drops = 0;
    for (const char* file : {"/proc/net/udp", "/proc/net/udp6"}) {
        std::ifstream in(file);
        std::string line;
        std::getline(in, line); // header
        while (std::getline(in, line)) {
            std::istringstream fields(line);
            std::string f[13];
            for (auto& x : f)
                fields >> x;
            const unsigned long inode = std::strtoul(f[9].c_str(), nullptr, 10);
            for (unsigned long i : inodes)
                if (i == inode && inode != 0)
                    drops += std::strtoull(f[12].c_str(), nullptr, 10);
        }
    }
    return drops;
}

void UdpReceiver::run(DatagramQueue* queue)
{
    auto slots = std::make_unique<ReceiveSlots>();
    std::unique_ptr<DatagramBatch> batch = queue->spare();
    std::vector<pollfd> fds;
    for (int fd : m_fds)
        fds.push_back({fd, POLLIN, 0});
    fds.push_back({m_stopFd, POLLIN, 0});
    const ExporterFilter& filter = m_settings.exporters;

    auto push = [&] {
        if (batch->empty())
            return;
        const size_t n = batch->datagrams.size();
        if (queue->push(batch)) {
            batch = queue->spare();
        } else {
            m_queueDrops.fetch_add(n, std::memory_order_relaxed);
            batch->clear();
        }
    };

    bool stopping = false;
    while (!stopping) {
        if (::poll(fds.data(), nfds_t(fds.size()), -1) < 0) {
            if (errno == EINTR)
                continue;
            m_failure = "the UDP sockets cannot be read: " + errnoText(errno);
            m_failed = true;
            break;
        }
        stopping = fds.back().revents != 0;
        for (size_t s = 0; s + 1 < fds.size(); ++s) {
            // Stopping: read every socket dry, whatever poll said.
            if (!stopping && !(fds[s].revents & POLLIN))
                continue;
            for (;;) {
                slots->reset();
                const int got = recvmmsg(fds[s].fd, slots->headers, kSlots, MSG_DONTWAIT, nullptr);
                if (got < 0 && errno == EINTR)
                    continue;
                if (got <= 0)
                    break;
                const int64_t t = nowUs();
                uint64_t accepted = 0, acceptedBytes = 0, rejected = 0, truncated = 0;
                for (int i = 0; i < got; ++i) {
                    const msghdr& m = slots->headers[i].msg_hdr;
                    const uint32_t length = slots->headers[i].msg_len;
                    DatagramBatch::Datagram d;
                    d.source = addressOf(slots->names[i], d.sourcePort);
                    if (!filter.accepts(d.source)) {
                        ++rejected;
                        continue;
                    }
                    if (m.msg_flags & MSG_TRUNC)
                        ++truncated;
                    for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(const_cast<msghdr*>(&m), c)) {
                        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
                            uint32_t drops = 0;
                            std::memcpy(&drops, CMSG_DATA(c), sizeof drops);
                            m_socketDrops[s] = std::max(m_socketDrops[s], drops);
                        } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
                            in_pktinfo pi;
                            std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
                            d.destination = IpAddress::fromV4Bytes(reinterpret_cast<const uint8_t*>(&pi.ipi_addr));
                        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
                            in6_pktinfo pi;
                            std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
                            d.destination = IpAddress::fromV6Bytes(reinterpret_cast<const uint8_t*>(&pi.ipi6_addr));
                        }
                    }
                    d.destinationPort = m_endpoints[s].port;
                    d.receivedUs = t;
                    d.offset = uint32_t(batch->bytes.size());
                    d.length = length;
                    const uint8_t* p = slots->buffers.get() + size_t(i) * kSlotBytes;
                    batch->bytes.insert(batch->bytes.end(), p, p + length);
                    batch->datagrams.push_back(d);
                    ++accepted;
                    acceptedBytes += length;
                }
                m_datagrams.fetch_add(accepted, std::memory_order_relaxed);
                m_bytes.fetch_add(acceptedBytes, std::memory_order_relaxed);
                if (rejected)
                    m_rejected.fetch_add(rejected, std::memory_order_relaxed);
                if (truncated)
                    m_truncated.fetch_add(truncated, std::memory_order_relaxed);
                uint64_t kernel = 0;
                for (uint32_t v : m_socketDrops)
                    kernel += v;
                if (kernel > m_kernelDrops.load(std::memory_order_relaxed))
                    m_kernelDrops.store(kernel, std::memory_order_relaxed);
                if (batch->datagrams.size() >= kPushDatagrams || batch->bytes.size() >= kPushBytes)
                    push();
                if (unsigned(got) < kSlots)
                    break; // the socket is (nearly) empty: look at the others
            }
        }
        push();
    }
    push();
    queue->close();
}
