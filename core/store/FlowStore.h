#pragma once

#include "model/Finding.h"
#include "model/FlowRecord.h"
#include "model/ImportIssue.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

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

    static constexpr int kSchemaVersion = 5;
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
    bool saveExporterOptions(const std::vector<ExporterOptionsRecord>& options);
    std::vector<ExporterOptionsRecord> exporterOptions() const;

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

    // --- findings of the latest analysis ---
    // analysis: how they were made (configuration, networks), kept for later reports.
    bool replaceFindings(const std::vector<Finding>& findings, const nlohmann::json& analysis = nullptr);
    nlohmann::json analysis() const; // null when no analysis was stored
    std::vector<Finding> findings() const;

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
    size_t m_lastExporter = SIZE_MAX;
};
