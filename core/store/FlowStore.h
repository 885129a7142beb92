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

    static constexpr int kSchemaVersion = 4;
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
    int64_t exporterId(const FlowRecord& r);

    sqlite3* m_db = nullptr;
    std::string m_path;
    mutable std::string m_lastError;
    sqlite3_stmt* m_insertFlow = nullptr;
    bool m_inImport = false;
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
