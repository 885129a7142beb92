#pragma once

#include "model/Finding.h"
#include "model/FlowRecord.h"
#include "model/ImportIssue.h"
#include "model/Verdict.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

class FlowFilter;
struct sqlite3;
struct sqlite3_stmt;
class WalCheckpointer;

// The case file: one SQLite database holding flows, imports and findings.
// One FlowStore is one connection; use it from one thread at a time. Readers
// on other threads open their own FlowStore (WAL mode lets them read while a
// writer imports).
class FlowStore final {
public:
    struct ImportRecord {
        int64_t id = 0;
        std::string path;
        int64_t size = 0;
        std::string sha256;
        std::string format;
        int64_t importedAtMs = 0;
        uint64_t recordsRead = 0;
        uint64_t recordsKept = 0;
        uint64_t recordsRejected = 0;
        std::vector<ImportIssue> issues;
        bool timesSynthetic = false; // the reader made up flow times (input had none)
    };

    struct Summary {
        uint64_t flows = 0;
        uint64_t bytes = 0;
        uint64_t packets = 0;
        int64_t startMs = 0;
        int64_t endMs = 0;
        uint64_t exporters = 0;
    };

    // A template an exporter defined, kept so that a collector restart can
    // decode data sent before the exporter's next template refresh.
    struct TemplateRecord {
        IpAddress address;
        uint16_t port = 0;
        uint32_t domain = 0;
        uint16_t version = 0; // 9 or 10
        uint16_t templateId = 0;
        bool options = false;
        bool withdrawn = false; // saveTemplates: delete it (RFC 7011 §8.1)
        std::string fields;     // field specifiers as text, see TemplateText
        int64_t updatedAtMs = 0;
    };
    // Options data a collector needs to keep decoding an exporter's flows.
    struct ExporterOptionsRecord {
        IpAddress address;
        uint16_t port = 0;
        uint32_t domain = 0;
        uint16_t version = 0;
        std::optional<int64_t> systemInitMs;
        uint32_t samplingRate = 0;
        std::string samplerRates; // "id:rate id:rate ..."
    };

    static constexpr int kSchemaVersion = 6;
    static constexpr const char* kFileExtension = ".flowsift";

    // True when path is an existing Flowsift case (not merely any SQLite file).
    static bool isCaseFile(const std::string& path);
    // Opens or creates a case file. Returns nullptr with error set on failure.
    static std::unique_ptr<FlowStore> open(const std::string& path, std::string& error, bool readOnly = false);
    // The default case location under the user's data directory.
    static std::string defaultCasePath();

    ~FlowStore();
    FlowStore(const FlowStore&) = delete;
    FlowStore& operator=(const FlowStore&) = delete;

    const std::string& path() const { return m_path; }
    const std::string& lastError() const { return m_lastError; }

    // --- imports: one import is one transaction (all or nothing) ---
    std::optional<ImportRecord> findImportBySha256(const std::string& sha256) const;
    int64_t beginImport(const ImportRecord& meta); // 0 on failure
    bool insertFlows(const std::vector<FlowRecord>& flows);
    bool markImportTimesSynthetic(); // the running import's flow times were made up by its reader
    bool commitImport(int64_t importId, uint64_t read, uint64_t kept, uint64_t rejected,
                      const std::vector<ImportIssue>& issues);
    void rollbackImport();
    std::vector<ImportRecord> imports() const;

    // --- live imports (the collector): one import, many transactions ---
    // The import row is committed at once; flows then arrive in short
    // transactions (beginLiveBatch, insertFlows, commitLiveBatch), each one
    // visible to readers when committed, so a crash loses at most one batch.
    // The flow indexes are dropped for the session (inserts stay fast) and
    // built again by finishLiveImport; readers that follow a live case read
    // new flows by row id (flowsAfter).
    int64_t beginLiveImport(const ImportRecord& meta); // 0 on failure
    bool beginLiveBatch();
    // Updates the import's counters (size = bytes received) and commits.
    bool commitLiveBatch(uint64_t read, uint64_t kept, uint64_t rejected, int64_t size,
                         const std::vector<ImportIssue>& issues);
    // Ends the live import (after its last commitLiveBatch): builds the flow
    // indexes, which take about 5 s per million flows here.
    bool finishLiveImport();

    // --- exporter templates and options (collector restarts) ---
    // Inside a running batch or import they join its transaction.
    bool saveTemplates(const std::vector<TemplateRecord>& templates);
    std::vector<TemplateRecord> templates() const;
    // Those of one exporting process (address and port, every domain): an
    // exporter the collector forgot while it was idle comes back.
    std::vector<TemplateRecord> templates(const IpAddress& address, uint16_t port) const;
    bool saveExporterOptions(const std::vector<ExporterOptionsRecord>& options);
    std::vector<ExporterOptionsRecord> exporterOptions() const;
    std::vector<ExporterOptionsRecord> exporterOptions(const IpAddress& address, uint16_t port) const;

    // --- reading flows ---
    // Indexes for host and port lookups (src, dst, dst_port). Imports build only
    // the time index; views that look flows up by host call this first. Takes a
    // while on a large case: call it off the UI thread.
    bool ensureLookupIndexes();
    bool hasLookupIndexes() const;
    Summary summary() const;
    // Calls fn for each flow ordered by start time; fn returns false to stop.
    void forEachFlow(const std::function<bool(const FlowRecord&)>& fn) const;
    // The same flows in storage (import) order: a sequential table scan, several times faster
    // than walking the time index, for readers that sort in memory (the detectors).
    void forEachFlowInStorageOrder(const std::function<bool(const FlowRecord&)>& fn) const;
    // For readers in storage order that need start order (the detectors): how far a flow's
    // start lags behind the latest start stored before it (0 when storage order is start
    // order; they hold back this much), with the flow count and time span. One pass over the
    // two time columns, cheaper than summary()'s sums.
    struct StorageOrder {
        uint64_t flows = 0;
        int64_t startMs = 0;
        int64_t endMs = 0;
        int64_t startLagMs = 0;
    };
    StorageOrder storageOrder() const;
    // Flows stored after the one with row id afterId, in storage order (the
    // primary key: no index needed); returns the last id read. Follows a live case.
    int64_t forEachFlowAfter(int64_t afterId, const std::function<bool(const FlowRecord&)>& fn) const;
    // A view's selection: flows matching filter (nullptr: all) that overlap
    // [startMs, endMs) (both 0: any time), ordered by start time; at most limit
    // of them. fn gets each flow and its row id and returns false to stop.
    struct FlowSelection {
        const FlowFilter* filter = nullptr;
        int64_t startMs = 0;
        int64_t endMs = 0;
    };
    void forEachFlowMatching(const FlowSelection& selection,
                             const std::function<bool(const FlowRecord&, int64_t id)>& fn,
                             uint64_t limit = UINT64_MAX) const;
    uint64_t countFlowsMatching(const FlowSelection& selection) const;

    // --- traffic rankings (the overview's top talkers and top ports) ---
    // Counters are the exported values summed over both directions of each
    // record (as summary() counts them), for flows of the selection.
    struct TalkerTotals {
        IpAddress address;
        uint64_t bytes = 0;     // sent + received
        uint64_t bytesSent = 0; // as the record's source, plus reverse bytes as its destination
        uint64_t packets = 0;
        uint64_t flows = 0; // records it is source or destination of
    };
    // Hosts by bytes, most first.
    std::vector<TalkerTotals> topTalkers(const FlowSelection& selection, size_t limit) const;
    struct PortTotals {
        uint8_t protocol = 0;
        uint16_t port = 0; // the service side of each record (ConversationBuilder::serviceRank); 0 without ports
        uint64_t bytes = 0;
        uint64_t packets = 0;
        uint64_t flows = 0;
    };
    enum class PortOrder { Bytes, Flows };
    // Service ports (per protocol) by bytes or by flows, most first.
    std::vector<PortTotals> topPorts(const FlowSelection& selection, PortOrder order, size_t limit) const;

    // --- views: sorted pages of a selection and host aggregates (the GUI's tables) ---
    // A view scrolls through millions of flows in any order. OFFSET paging
    // re-reads every skipped row (seconds deep into a big case), so the view's
    // order is materialised once per selection and sort in a temporary table of
    // row ids on this connection (position -> flow id); any page is then a
    // range read of that table, however deep. Temporary tables are private to
    // the connection, so a view keeps one FlowStore (and one thread) for its pages.
    enum class FlowSortKey { Start, Duration, Src, SrcPort, Dst, DstPort, Protocol, Flags, Packets, Bytes, Exporter };
    // Builds the ordering of selection by key (ties by row id, so the order is
    // total); returns the number of rows, or nullopt (lastError set) when it
    // failed or interrupt() stopped it.
    std::optional<uint64_t> buildFlowOrder(const FlowSelection& selection, FlowSortKey key, bool descending);
    // Rows [first, first + count) of the last ordering built, in order.
    void forEachOrderedFlow(uint64_t first, uint64_t count,
                            const std::function<bool(const FlowRecord&, int64_t id)>& fn) const;
    // Stops the statement running on this connection (any thread may call it):
    // a view that changed its selection does not wait for the old sort.
    void interrupt();

    // One host's traffic (the drill-down). "Out" is what the host sent: a record
    // from the host counts its bytes as out and its reverse bytes (biflows) as in.
    // Times: flows overlapping [startMs, endMs) (both 0: any time). Fast with the
    // lookup indexes (ensureLookupIndexes); without them each query scans the flows.
    struct HostTotals {
        uint64_t flows = 0;
        uint64_t flowsOut = 0; // records with the host as source
        uint64_t flowsIn = 0;  // records with the host as destination (not both)
        uint64_t bytesOut = 0, bytesIn = 0, packetsOut = 0, packetsIn = 0;
        uint64_t peers = 0;
        int64_t firstMs = 0, lastMs = 0;
    };
    HostTotals hostTotals(const IpAddress& host, int64_t startMs = 0, int64_t endMs = 0) const;
    struct PeerTraffic {
        IpAddress peer;
        uint64_t flowsOut = 0, flowsIn = 0; // records host -> peer and peer -> host
        uint64_t bytesOut = 0, bytesIn = 0;
        uint64_t flows() const { return flowsOut + flowsIn; }
        uint64_t bytes() const { return bytesOut + bytesIn; }
    };
    enum class PeerOrder { Bytes, Flows };
    // The host's peers, most bytes (or flows) first, at most limit of them.
    std::vector<PeerTraffic> hostPeers(const IpAddress& host, PeerOrder order, size_t limit,
                                       int64_t startMs = 0, int64_t endMs = 0) const;
    // A service port the host used: as a client (the peer's port) or as a
    // server (its own). Unidirectional records carry no initiator, so the side
    // with the lower port is taken as the server (ephemeral ports are high),
    // the destination on a tie.
    struct PortUse {
        bool asServer = false;
        uint8_t protocol = 0;
        uint16_t port = 0;
        uint64_t flows = 0;
        uint64_t bytes = 0; // both directions
        uint64_t peers = 0;
    };
    // Most flows first, at most limit per role.
    std::vector<PortUse> hostPorts(const IpAddress& host, size_t limit, int64_t startMs = 0, int64_t endMs = 0) const;
    // Each flow of the host, as (start, end, bytes and packets out, bytes and packets in), for its timeline.
    void forEachHostTraffic(const IpAddress& host, int64_t startMs, int64_t endMs,
                            const std::function<void(int64_t start, int64_t end, uint64_t bytesOut,
                                                     uint64_t packetsOut, uint64_t bytesIn, uint64_t packetsIn)>& fn) const;

    // --- findings of the latest analysis ---
    // analysis: how they were made (configuration, networks), kept for later reports.
    bool replaceFindings(const std::vector<Finding>& findings, const nlohmann::json& analysis = nullptr);
    nlohmann::json analysis() const; // null when no analysis was stored
    std::vector<Finding> findings() const;

    // --- analysts' verdicts, by finding id ---
    // Kept apart from the findings: replaceFindings leaves them, so a finding the
    // detectors find again (same id) keeps its verdict. An empty verdict deletes it.
    bool saveVerdict(const Verdict& verdict);
    std::vector<Verdict> verdicts() const; // by finding id
    std::optional<Verdict> verdict(const std::string& findingId) const;

private:
    explicit FlowStore(sqlite3* db, std::string path);
    bool exec(const char* sql);
    bool createSchema();
    bool storeSchemaVersion(); // meta.schema_version = kSchemaVersion
    bool isCaseOrEmpty() const; // a Flowsift case, or a database with no tables yet
    bool migrate(int fromVersion);
    bool createIndexes();
    bool updateImportCounts(uint64_t read, uint64_t kept, uint64_t rejected, int64_t size,
                            const std::vector<ImportIssue>& issues);
    // Runs fn in the open batch/import transaction, or in one of its own.
    bool inTransaction(const std::function<bool()>& fn);
    int64_t exporterId(const FlowRecord& r);
    std::vector<TemplateRecord> selectTemplates(const IpAddress* address, uint16_t port) const;
    std::vector<ExporterOptionsRecord> selectExporterOptions(const IpAddress* address, uint16_t port) const;

    sqlite3* m_db = nullptr;
    std::string m_path;
    mutable std::string m_lastError;
    sqlite3_stmt* m_insertFlow = nullptr;  // one row
    sqlite3_stmt* m_insertFlows = nullptr; // kRowsPerInsert rows
    bool m_inImport = false; // a transaction that insertFlows may write into is open
    bool m_live = false;     // m_importId is a live import (committed between batches)
    int64_t m_importId = 0;
    struct ExporterKey {
        IpAddress address;
        uint16_t port = 0;
        uint32_t domain = 0;
        bool operator==(const ExporterKey&) const = default;
    };
    std::vector<std::pair<ExporterKey, int64_t>> m_exporterCache;
    std::unique_ptr<WalCheckpointer> m_checkpointer; // while a live import runs
    size_t m_lastExporter = SIZE_MAX;
};
