#pragma once

#include "collect/DatagramQueue.h"
#include "collect/ExporterFilter.h"
#include "collect/UdpReceiver.h"
#include "decode/ExportDecoder.h"
#include "io/CaptureWriter.h"
#include "model/ImportIssue.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

class FlowStore;

// The live collector: NetFlow v5/v9/IPFIX datagrams from UDP into a case.
// A UdpReceiver thread reads the sockets into a bounded DatagramQueue; a
// writer thread decodes with the same ExportDecoder as file import (templates
// scoped per exporter address, port and domain) and commits the flows in
// batches as one live import of the case, with the templates, so that a
// restarted collector decodes at once. stop() flushes everything received.
class FlowCollector final {
public:
    struct Settings {
        std::string casePath;
        std::string bindAddress; // empty: every interface (IPv4 and IPv6)
        uint16_t port = 9995;    // 0: a free port
        ExporterFilter exporters;
        std::string capturePath; // raw capture of what arrived (pcap); empty: none
        int receiveBufferBytes = 32 << 20;
        size_t queueBytes = 256u << 20;
        size_t commitFlows = 65536;  // commit at the latest after this many flows...
        int commitIntervalMs = 1000; // ... or this long after the last commit
        // Exporters silent for this long lose their decoder state (templates,
        // options, held data), so a collector running for months keeps room for
        // new ones under DecoderLimits::maxExporters; their templates stay in
        // the case and come back with their next datagram. 30 min, as nfcapd
        // and pmacct age templates. 0: never.
        int64_t exporterIdleTimeoutMs = 30 * 60 * 1000;
        DecoderLimits limits; // what hostile or numerous exporters can make the decoder hold
    };

    struct Stats {
        double seconds = 0;       // since start
        uint64_t datagrams = 0;   // accepted by the receiver
        uint64_t bytes = 0;
        uint64_t rejected = 0;    // from sources outside the exporter filter
        uint64_t queueDrops = 0;  // datagrams lost: the writer was too far behind
        uint64_t kernelDrops = 0; // datagrams lost: socket buffer full
        uint64_t decoded = 0;     // datagrams through the decoder
        uint64_t notExport = 0;   // datagrams that are not NetFlow/IPFIX
        uint64_t malformed = 0;   // datagrams that were not export, or not wholly decodable
        uint64_t flows = 0;       // decoded
        uint64_t flowsStored = 0; // committed to the case
        uint64_t templates = 0;   // template records received (refreshes included)
        uint64_t templatesRestored = 0; // from the case at start
        uint64_t heldSets = 0;     // data sets waiting now for their template
        uint64_t bufferedSets = 0; // data sets that ever had to wait
        uint64_t droppedSets = 0;  // data sets never decoded (no template, or the hold was full)
        uint64_t queueBytes = 0;
        uint64_t commits = 0;
        uint64_t captured = 0;     // packets written to the capture file
        uint64_t exportersExpired = 0;  // exporter states forgotten after the idle timeout
        uint64_t exportersReturned = 0; // of those, heard from again (templates restored from the case)
    };

    FlowCollector();
    ~FlowCollector(); // stops (and flushes) if running
    FlowCollector(const FlowCollector&) = delete;
    FlowCollector& operator=(const FlowCollector&) = delete;

    // Opens the case (restoring its templates), binds the sockets, records the
    // session as an import and starts both threads. False with error set
    // (naming the file or address) when any of it fails; nothing keeps running.
    bool start(const Settings& settings, std::string& error);
    // Stops receiving, decodes and commits everything received, finishes the
    // import. Idempotent. False when the case could not take the last flows.
    bool stop(std::string& error);

    bool isRunning() const { return m_running; }
    // The writer could not write the case or capture (it stops writing).
    bool hasFailed() const { return m_failed || m_receiver.hasFailed(); }
    // Set during stop() once everything received is committed (before the
    // index build): a signal handler may read it to know quitting loses nothing.
    const std::atomic_bool& flushedFlag() const { return m_flushed; }
    std::string failure() const;

    Stats stats() const;
    std::vector<ExporterStats> exporterStats() const; // exporters heard from this session, as of the last commit
    const std::vector<UdpReceiver::Endpoint>& endpoints() const { return m_receiver.endpoints(); }
    bool allInterfaces() const { return m_receiver.allInterfaces(); }
    int receiveBufferRequested() const { return m_receiver.receiveBufferRequested(); }
    int receiveBufferGranted() const { return m_receiver.receiveBufferGranted(); }
    int receiveBufferMax() const { return m_receiver.receiveBufferMax(); }
    int64_t importId() const { return m_importId; }
    // "udp://0.0.0.0:9995,[::]:9995": the import's path in the case.
    std::string sourceName() const;
    std::vector<ImportIssue> issues() const; // as of the last commit (capped)

private:
    void writerLoop();
    void decodeBatch(const DatagramBatch& batch);
    bool commit(bool final);
    void addIssue(std::string reason);
    void fail(const std::string& why);
    void restoreFromCase(std::string& note);
    // Forgets exporters idle longer than the timeout (after a commit: their templates are in the case).
    void expireIdleExporters();
    // An expired exporter sent again: its templates and options come back from the case.
    void restoreReturning(const IpAddress& address, uint16_t port);
    std::vector<ExporterStats> sessionExporterStats() const;

    Settings m_settings;
    std::unique_ptr<FlowStore> m_store;
    std::unique_ptr<DatagramQueue> m_queue;
    UdpReceiver m_receiver;
    CaptureWriter m_capture;
    ExportDecoder m_decoder;
    std::thread m_writer;
    std::chrono::steady_clock::time_point m_started, m_stopped;

    // Writer thread only.
    std::vector<FlowRecord> m_pending; // decoded, not yet committed
    std::vector<DecodeIssue> m_decodeIssues;
    std::vector<TemplateChange> m_templateChanges;
    std::vector<ExporterOptions> m_savedOptions;
    std::vector<ImportIssue> m_issues;
    uint64_t m_rejectedRecords = 0; // decode problems, as an import counts them
    // Statistics of exporters expired this session, summed per key (capped), for the summary.
    std::unordered_map<ExporterKey, ExporterStats, ExporterKeyHash> m_expiredStats;
    struct SourceKey {
        IpAddress address;
        uint16_t port = 0;
        bool operator==(const SourceKey&) const = default;
    };
    struct SourceKeyHash {
        size_t operator()(const SourceKey& k) const noexcept
        {
            return std::hash<IpAddress>{}(k.address) ^ (size_t(k.port) * 0x9E3779B1u);
        }
    };
    // Expired exporting processes whose templates or options are in the case.
    std::unordered_set<SourceKey, SourceKeyHash> m_expiredSources;
    std::chrono::steady_clock::time_point m_nextExpiry;
    int m_failedCommits = 0;

    mutable std::mutex m_snapshotMutex; // what other threads read of the writer's state
    std::vector<ExporterStats> m_exporterSnapshot;
    std::vector<ImportIssue> m_issuesSnapshot;
    std::string m_failure;

    int64_t m_importId = 0;
    std::atomic_bool m_running{false};
    std::atomic_bool m_failed{false};
    std::atomic_bool m_flushed{false};
    std::atomic<uint64_t> m_decoded{0}, m_notExport{0}, m_malformed{0}, m_flows{0}, m_flowsStored{0},
        m_templates{0}, m_templatesRestored{0}, m_heldSets{0}, m_bufferedSets{0}, m_droppedSets{0}, m_commits{0},
        m_captured{0}, m_exportersExpired{0}, m_exportersReturned{0};
};
