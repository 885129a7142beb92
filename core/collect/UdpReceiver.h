#pragma once

#include "collect/ExporterFilter.h"
#include "model/IpAddress.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

class DatagramQueue;

// The collector's receive thread: UDP sockets (IPv4 and IPv6) with a large
// receive buffer, read with recvmmsg in bursts, handed to a DatagramQueue.
// Nothing here decodes: the thread only copies datagrams out of the kernel
// so that the socket buffer keeps room while the writer commits.
class UdpReceiver final {
public:
    struct Settings {
        std::string bindAddress; // empty: every interface, IPv4 and IPv6
        uint16_t port = 9995;    // 0: a free port (tests)
        int receiveBufferBytes = 32 << 20;
        ExporterFilter exporters;
    };
    struct Endpoint {
        IpAddress address;
        uint16_t port = 0;
        bool v6 = false;
        bool any = false; // bound to every interface of its family
        std::string toString() const; // "0.0.0.0:9995", "[::]:9995"
    };
    struct Counters {
        uint64_t datagrams = 0; // accepted and queued (or dropped by the queue)
        uint64_t bytes = 0;
        uint64_t rejected = 0;   // from sources outside --exporters
        uint64_t truncated = 0;  // larger than the receive buffer slot (never for UDP over IPv4/IPv6)
        uint64_t queueDrops = 0; // datagrams the full queue refused
        uint64_t kernelDrops = 0; // datagrams the kernel dropped, socket buffer full (SO_RXQ_OVFL, /proc/net/udp)
    };

    UdpReceiver() = default;
    ~UdpReceiver();
    UdpReceiver(const UdpReceiver&) = delete;
    UdpReceiver& operator=(const UdpReceiver&) = delete;

    // Creates and binds the sockets; error says which address and why.
    bool open(const Settings& settings, std::string& error);
    // Starts the thread; it pushes into queue until stop().
    void start(DatagramQueue& queue);
    // Reads what is still in the socket buffers, queues it, closes the queue
    // and joins the thread. Datagrams the host received are not left behind.
    void stop();
    // Stops if running and releases the port.
    void close();

    const std::vector<Endpoint>& endpoints() const { return m_endpoints; }
    bool allInterfaces() const;
    int receiveBufferRequested() const { return m_requested; }
    // As getsockopt(SO_RCVBUF) reports it: Linux books twice the usable size.
    int receiveBufferGranted() const { return m_granted; }
    int receiveBufferMax() const; // net.core.rmem_max, -1 when unknown
    Counters counters() const;
    // The thread ended on a socket error (poll failed); why, in failure().
    bool hasFailed() const { return m_failed; }
    std::string failure() const { return m_failed ? m_failure : std::string(); }

private:
    void run(DatagramQueue* queue);
    bool openSocket(const IpAddress& address, bool v6, bool v6Only, uint16_t port, bool any, std::string& error,
                    int& err);
    void closeSockets();
    uint64_t procDrops() const; // drops column of /proc/net/udp{,6} for our sockets

    Settings m_settings;
    std::vector<int> m_fds;
    std::vector<Endpoint> m_endpoints;
    std::vector<uint32_t> m_socketDrops; // last SO_RXQ_OVFL value per socket
    int m_stopFd = -1;
    int m_requested = 0;
    int m_granted = 0;
    std::thread m_thread;
    std::atomic_bool m_failed{false};
    std::string m_failure; // written by the thread before m_failed is set
    std::atomic<uint64_t> m_datagrams{0}, m_bytes{0}, m_rejected{0}, m_truncated{0}, m_queueDrops{0},
        m_kernelDrops{0};
};
