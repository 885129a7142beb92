#pragma once
// Helpers shared by the collector tests: sending datagrams from a chosen
// loopback source, reading a case's flows back in a comparable form.

#include "import/FlowImporter.h"
#include "store/FlowStore.h"

#include <QByteArray>
#include <QString>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

// Sends from one bound UDP socket: the exporter's address and port stay the
// same for every datagram, as a real exporter's do (templates are scoped by them).
class UdpSender final {
public:
    explicit UdpSender(const char* source = "127.0.0.1", uint16_t sourcePort = 0, bool v6 = false)
    {
        m_v6 = v6;
        m_fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (v6) {
            sockaddr_in6 a{};
            a.sin6_family = AF_INET6;
            a.sin6_port = htons(sourcePort);
            inet_pton(AF_INET6, source, &a.sin6_addr);
            m_bound = ::bind(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        } else {
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_port = htons(sourcePort);
            inet_pton(AF_INET, source, &a.sin_addr);
            m_bound = ::bind(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        }
    }
    ~UdpSender() { ::close(m_fd); }
    UdpSender(const UdpSender&) = delete;
    UdpSender& operator=(const UdpSender&) = delete;

    bool ok() const { return m_fd >= 0 && m_bound; }
    uint16_t port() const
    {
        sockaddr_storage ss{};
        socklen_t len = sizeof ss;
        getsockname(m_fd, reinterpret_cast<sockaddr*>(&ss), &len);
        return ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6&>(ss).sin6_port)
                                        : ntohs(reinterpret_cast<sockaddr_in&>(ss).sin_port);
    }
    bool send(const std::vector<uint8_t>& data, uint16_t port, const char* to = nullptr) const
    {
        if (m_v6) {
            sockaddr_in6 a{};
            a.sin6_family = AF_INET6;
            a.sin6_port = htons(port);
            inet_pton(AF_INET6, to ? to : "::1", &a.sin6_addr);
            return ::sendto(m_fd, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a)
                == ssize_t(data.size());
        }
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        inet_pton(AF_INET, to ? to : "127.0.0.1", &a.sin_addr);
        return ::sendto(m_fd, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a)
            == ssize_t(data.size());
    }

private:
    int m_fd = -1;
    bool m_v6 = false;
    bool m_bound = false;
};

// Every field a flow carries except the exporter's address and port (a replay
// sends from other sockets than the capture shows), one string per flow.
inline std::string flowKey(const FlowRecord& r)
{
    std::string s;
    auto add = [&s](auto v) { s += std::to_string(v) + ','; };
    add(r.exportVersion);
    add(r.observationDomain);
    add(r.startMs);
    add(r.endMs);
    s += r.src.toString() + ',' + r.dst.toString() + ',';
    add(r.srcPort);
    add(r.dstPort);
    add(r.protocol);
    add(r.tcpFlags);
    add(r.tos);
    add(r.bytes);
    add(r.packets);
    add(r.revBytes);
    add(r.revPackets);
    add(r.samplingRate);
    add(r.inputIf);
    add(r.outputIf);
    return s + r.extra;
}

struct CaseFlows {
    std::vector<std::string> keys; // sorted
    std::vector<FlowRecord> flows; // in store order (by start time)
    uint64_t bytes = 0;
    uint64_t packets = 0;
};

inline CaseFlows readCase(const std::string& casePath)
{
    CaseFlows c;
    std::string error;
    auto store = FlowStore::open(casePath, error, true);
    if (!store)
        return c;
    store->forEachFlow([&](const FlowRecord& r) {
        c.keys.push_back(flowKey(r));
        c.flows.push_back(r);
        c.bytes += r.bytes + r.revBytes;
        c.packets += r.packets + r.revPackets;
        return true;
    });
    std::sort(c.keys.begin(), c.keys.end());
    return c;
}

// The flows file import makes of a capture (the reference the collector must equal).
inline CaseFlows importedFlows(const std::string& file, const std::string& casePath)
{
    std::string error;
    {
        auto store = FlowStore::open(casePath, error);
        if (!store)
            return {};
        std::atomic_bool cancel{false};
        const ImportResult r = FlowImporter::importFile(*store, file, true, {}, cancel);
        if (!r.ok)
            return {};
    }
    return readCase(casePath);
}

// Whether a test that needs an external tool may skip when it is missing: not in CI.
inline bool mustHaveTools()
{
    const char* ci = std::getenv("CI");
    return ci && std::strcmp(ci, "true") == 0;
}
