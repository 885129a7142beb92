#include "store/FlowStore.h"

#include "detect/ConversationBuilder.h"
#include "query/FlowFilter.h"
#include "store/WalCheckpointer.h"

#include <QDir>
#include <QStandardPaths>

#include <sqlite3.h>

#include <charconv>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <iterator>
#include <unordered_map>

namespace {

const char* const kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS exporters(
  id INTEGER PRIMARY KEY, address BLOB NOT NULL, port INTEGER NOT NULL, domain INTEGER NOT NULL,
  UNIQUE(address, port, domain));
CREATE TABLE IF NOT EXISTS imports(
  id INTEGER PRIMARY KEY, path TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,
  format TEXT NOT NULL, imported_at INTEGER NOT NULL,
  records_read INTEGER NOT NULL DEFAULT 0, records_kept INTEGER NOT NULL DEFAULT 0,
  records_rejected INTEGER NOT NULL DEFAULT 0, issues TEXT NOT NULL DEFAULT '[]',
  times_synthetic INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS flows(
  id INTEGER PRIMARY KEY, import_id INTEGER NOT NULL, exporter_id INTEGER, version INTEGER NOT NULL,
  start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL, src BLOB NOT NULL, dst BLOB NOT NULL,
  src_port INTEGER NOT NULL, dst_port INTEGER NOT NULL, proto INTEGER NOT NULL,
  tcp_flags INTEGER NOT NULL, tos INTEGER NOT NULL, bytes INTEGER NOT NULL, packets INTEGER NOT NULL,
  rev_bytes INTEGER NOT NULL, rev_packets INTEGER NOT NULL, sampling INTEGER NOT NULL,
  in_if INTEGER NOT NULL, out_if INTEGER NOT NULL, extra TEXT,
  conn_state INTEGER NOT NULL DEFAULT 0,
  bytes_scaled INTEGER GENERATED ALWAYS AS (bytes * max(sampling, 1)) VIRTUAL,
  packets_scaled INTEGER GENERATED ALWAYS AS (packets * max(sampling, 1)) VIRTUAL);
CREATE TABLE IF NOT EXISTS findings(
  id TEXT PRIMARY KEY, rank INTEGER NOT NULL, type TEXT NOT NULL, subtype TEXT NOT NULL,
  severity TEXT NOT NULL, score REAL NOT NULL, src TEXT, dst TEXT NOT NULL, dst_ports TEXT NOT NULL,
  proto INTEGER NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL, summary TEXT NOT NULL,
  evidence TEXT NOT NULL, attack TEXT NOT NULL, filter TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS verdicts(
  finding_id TEXT PRIMARY KEY, verdict TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '',
  analyst TEXT NOT NULL DEFAULT '', updated_at INTEGER NOT NULL);
)SQL";

// Exporter templates and options data (schema 5), for collector restarts.
const char* const kTemplateTables = R"SQL(
CREATE TABLE IF NOT EXISTS templates(
  address BLOB NOT NULL, port INTEGER NOT NULL, domain INTEGER NOT NULL, version INTEGER NOT NULL,
  template_id INTEGER NOT NULL, options INTEGER NOT NULL, fields TEXT NOT NULL, updated_at INTEGER NOT NULL,
  PRIMARY KEY(address, port, domain, version, template_id));
CREATE TABLE IF NOT EXISTS exporter_options(
  address BLOB NOT NULL, port INTEGER NOT NULL, domain INTEGER NOT NULL, version INTEGER NOT NULL,
  system_init_ms INTEGER, sampling_rate INTEGER NOT NULL DEFAULT 0, sampler_rates TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL, PRIMARY KEY(address, port, domain, version));
)SQL";

// Schema changes, oldest first: entry i takes a case from version i+1 to i+2.
// A fresh case gets kSchema (which already has every change) and the latest
// version; an older case runs the steps it lacks, all in one transaction, so
// a case made by an older Flowsift opens and gains the new columns.
const char* const kMigrations[] = {
    // 1 → 2: readers that invent times (CSV datasets without timestamps) say so.
    "ALTER TABLE imports ADD COLUMN times_synthetic INTEGER NOT NULL DEFAULT 0;",
    // 2 → 3: sampling-scaled counters next to the raw ones (computed, not stored).
    // (two statements in one step: parenthesised, the literals join on purpose)
    ("ALTER TABLE flows ADD COLUMN bytes_scaled INTEGER GENERATED ALWAYS AS (bytes * max(sampling, 1)) VIRTUAL;"
     "ALTER TABLE flows ADD COLUMN packets_scaled INTEGER GENERATED ALWAYS AS (packets * max(sampling, 1)) VIRTUAL;"),
    // 3 → 4: the handshake outcome that connection logs (Zeek, Argus) state.
    "ALTER TABLE flows ADD COLUMN conn_state INTEGER NOT NULL DEFAULT 0;",
    // 4 → 5: templates and options data that the collector keeps across restarts.
    kTemplateTables,
    // 5 → 6: who made a verdict. The table is copied rather than altered, so the step
    // also works on a case whose verdicts table already had the column.
    ("CREATE TABLE verdicts_v6(finding_id TEXT PRIMARY KEY, verdict TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '',"
     " analyst TEXT NOT NULL DEFAULT '', updated_at INTEGER NOT NULL);"
     "INSERT INTO verdicts_v6(finding_id, verdict, comment, updated_at)"
     " SELECT finding_id, verdict, comment, updated_at FROM verdicts;"
     "DROP TABLE verdicts;"
     "ALTER TABLE verdicts_v6 RENAME TO verdicts;"),
};
static_assert(std::size(kMigrations) == FlowStore::kSchemaVersion - 1, "one migration per schema version");

// Created after the first bulk load (cheaper than maintaining them row by row).
// Analyses read flows in time order, so an import always ends with this one.
const char* const kImportIndexes = R"SQL(
CREATE INDEX IF NOT EXISTS flows_start ON flows(start_ms);
CREATE INDEX IF NOT EXISTS imports_sha ON imports(sha256);
)SQL";

// Host and port lookups (drill-down views). Building them took two thirds of a
// large import, for queries an analysis never runs, so they are made on first
// use; once they exist, later imports keep them up to date row by row.
const char* const kLookupIndexes = R"SQL(
CREATE INDEX IF NOT EXISTS flows_src ON flows(src, start_ms);
CREATE INDEX IF NOT EXISTS flows_dst ON flows(dst, start_ms);
CREATE INDEX IF NOT EXISTS flows_dst_port ON flows(dst_port);
)SQL";

// While a collector writes, the flow indexes are not there: each would cost
// inserts a page write per row in a place of its own. Measured here on the
// 1M-flow bench capture, batches of 65536: no index 310-370k rows/s; the time
// index alone 107k (163k with a 256 MB cache; exporters' flows do not arrive in
// time order); all four, once they outgrow the cache, 17k. A collector has to
// keep up with its exporters, so a live import drops them and finishLiveImport
// builds the time index again (as any import's commit would, should a collector
// die first); the lookup indexes come back on first use (ensureLookupIndexes).
const char* const kDropFlowIndexes = R"SQL(
DROP INDEX IF EXISTS flows_start;
DROP INDEX IF EXISTS flows_src;
DROP INDEX IF EXISTS flows_dst;
DROP INDEX IF EXISTS flows_dst_port;
)SQL";

int64_t nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// RAII prepared statement.
class Statement final {
public:
    Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &m_stmt, nullptr); }
    ~Statement() { sqlite3_finalize(m_stmt); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    sqlite3_stmt* get() const { return m_stmt; }
    bool ok() const { return m_stmt != nullptr; }
    bool step() { return sqlite3_step(m_stmt) == SQLITE_ROW; }
    std::string text(int col) const
    {
        const unsigned char* t = sqlite3_column_text(m_stmt, col);
        return t ? reinterpret_cast<const char*>(t) : std::string();
    }
    int64_t integer(int col) const { return sqlite3_column_int64(m_stmt, col); }

private:
    sqlite3_stmt* m_stmt = nullptr;
};

IpAddress blobAddress(sqlite3_stmt* st, int col)
{
    if (sqlite3_column_bytes(st, col) == 16)
        return IpAddress::fromBytes16(static_cast<const uint8_t*>(sqlite3_column_blob(st, col)));
    return {};
}

nlohmann::json issuesToJson(const std::vector<ImportIssue>& issues)
{
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& i : issues)
        arr.push_back({{"file", i.file}, {"offset", i.offset}, {"line", i.line}, {"reason", i.reason}});
    return arr;
}

// Parses a JSON array column; an empty array when the text is not one.
nlohmann::json jsonArray(const std::string& text)
{
    auto j = nlohmann::json::parse(text, nullptr, false);
    return j.is_array() ? j : nlohmann::json::array();
}

std::vector<ImportIssue> issuesFromJson(const std::string& text)
{
    std::vector<ImportIssue> out;
    for (const auto& j : jsonArray(text))
        out.push_back({j.value("file", ""), j.value("offset", int64_t(-1)), j.value("line", int64_t(-1)),
                       j.value("reason", "")});
    return out;
}

} // namespace

FlowStore::FlowStore(sqlite3* db, std::string path)
    : m_db(db)
    , m_path(std::move(path))
{
}

FlowStore::~FlowStore()
{
    if (m_inImport)
        rollbackImport();
    // A live import's committed batches stay; its indexes were made when it began.
    m_checkpointer.reset(); // before the writer's connection closes: it holds a hook on it
    sqlite3_finalize(m_insertFlow);
    sqlite3_finalize(m_insertFlows);
    sqlite3_close_v2(m_db);
}

std::string FlowStore::defaultCasePath()
{
    // ~/.local/share/flowsift/cases (AppDataLocation would repeat the name: Flowsift/Flowsift).
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
        + QStringLiteral("/flowsift/cases");
    QDir().mkpath(dir);
    return QString(dir + QStringLiteral("/default") + QString::fromLatin1(kFileExtension)).toStdString();
}

bool FlowStore::isCaseFile(const std::string& path)
{
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f)
        return false;
    char head[16] = {};
    const size_t n = std::fread(head, 1, sizeof head, f);
    std::fclose(f);
    if (n != sizeof head || std::memcmp(head, "SQLite format 3", 16) != 0)
        return false;
    std::string error;
    return open(path, error, true) != nullptr;
}

std::unique_ptr<FlowStore> FlowStore::open(const std::string& path, std::string& error, bool readOnly)
{
    sqlite3* db = nullptr;
    const int flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        error = path + ": cannot open case file: " + (db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close_v2(db);
        return nullptr;
    }
    sqlite3_busy_timeout(db, 5000);
    std::unique_ptr<FlowStore> store(new FlowStore(db, path));
    if (readOnly) {
        Statement check(db, "SELECT value FROM meta WHERE key='schema_version'");
        if (!check.ok() || !check.step()) {
            error = path + ": not a Flowsift case file";
            return nullptr;
        }
        return store;
    }
    // Never write into another program's database (it would gain our tables and WAL mode).
    if (!store->isCaseOrEmpty()) {
        error = path + ": an SQLite database of another program, not a Flowsift case file";
        return nullptr;
    }
    // WAL: views read while an import writes. NORMAL sync is crash-safe in WAL mode
    // (a crash can lose the last commit, never corrupt the file).
    if (!store->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;") || !store->createSchema()) {
        error = path + ": " + store->m_lastError;
        return nullptr;
    }
    return store;
}

bool FlowStore::exec(const char* sql)
{
    char* msg = nullptr;
    if (sqlite3_exec(m_db, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
        m_lastError = msg ? msg : sqlite3_errmsg(m_db);
        sqlite3_free(msg);
        return false;
    }
    return true;
}

bool FlowStore::isCaseOrEmpty() const
{
    Statement meta(m_db, "SELECT value FROM meta WHERE key='schema_version'");
    if (meta.ok() && meta.step())
        return true;
    Statement tables(m_db, "SELECT count(*) FROM sqlite_master");
    // A file that is not SQLite fails here too; the caller's next step reports that.
    return !tables.ok() || !tables.step() || tables.integer(0) == 0;
}

bool FlowStore::createSchema()
{
    Statement hasMeta(m_db, "SELECT value FROM meta WHERE key='schema_version'");
    if (hasMeta.ok() && hasMeta.step()) {
        const std::string text = hasMeta.text(0);
        sqlite3_reset(hasMeta.get()); // a running read would keep a migration from dropping tables
        int version = 0;
        std::from_chars(text.data(), text.data() + text.size(), version);
        if (version > kSchemaVersion) {
            m_lastError = "case file was made by a newer Flowsift (schema " + std::to_string(version) + ")";
            return false;
        }
        if (version < 1) {
            m_lastError = "case file has an invalid schema version " + std::to_string(version);
            return false;
        }
        return version == kSchemaVersion || migrate(version);
    }
    if (!exec("BEGIN") || !exec(kSchema) || !exec(kTemplateTables))
        return false;
    return storeSchemaVersion() && exec("COMMIT");
}

bool FlowStore::storeSchemaVersion()
{
    // Values are bound, never spliced into SQL text, even the program's own.
    Statement st(m_db, "INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', ?1)");
    const std::string version = std::to_string(kSchemaVersion);
    if (st.ok())
        sqlite3_bind_text(st.get(), 1, version.c_str(), -1, SQLITE_TRANSIENT);
    if (!st.ok() || sqlite3_step(st.get()) != SQLITE_DONE) {
        m_lastError = sqlite3_errmsg(m_db);
        return false;
    }
    return true;
}

bool FlowStore::migrate(int from)
{
    if (!exec("BEGIN IMMEDIATE"))
        return false;
    for (int v = from; v < kSchemaVersion; ++v) {
        if (!exec(kMigrations[v - 1])) {
            const std::string why = m_lastError;
            exec("ROLLBACK");
            m_lastError = "cannot upgrade the case from schema " + std::to_string(v) + " to " + std::to_string(v + 1)
                + ": " + why;
            return false;
        }
    }
    if (!storeSchemaVersion() || !exec("COMMIT")) {
        exec("ROLLBACK");
        return false;
    }
    return true;
}

bool FlowStore::createIndexes() { return exec(kImportIndexes); }

bool FlowStore::ensureLookupIndexes()
{
    if (m_inImport) {
        m_lastError = "lookup indexes cannot be built during an import";
        return false;
    }
    if (!exec("BEGIN IMMEDIATE"))
        return false;
    if (!exec(kLookupIndexes)) {
        const std::string error = m_lastError;
        exec("ROLLBACK");
        m_lastError = error;
        return false;
    }
    return exec("COMMIT");
}

bool FlowStore::hasLookupIndexes() const
{
    Statement sel(m_db, "SELECT count(*) FROM sqlite_master WHERE type='index'"
                        " AND name IN ('flows_src','flows_dst','flows_dst_port')");
    return sel.step() && sel.integer(0) == 3;
}

std::optional<FlowStore::ImportRecord> FlowStore::findImportBySha256(const std::string& sha256) const
{
    for (auto& rec : imports())
        if (rec.sha256 == sha256)
            return rec;
    return std::nullopt;
}

int64_t FlowStore::beginImport(const ImportRecord& meta)
{
    if (m_inImport || m_live) {
        m_lastError = "an import is already in progress";
        return 0;
    }
    if (!exec("BEGIN IMMEDIATE"))
        return 0;
    m_inImport = true;
    Statement ins(m_db,
        "INSERT INTO imports(path, size, sha256, format, imported_at, times_synthetic) VALUES(?,?,?,?,?,?)");
    sqlite3_bind_text(ins.get(), 1, meta.path.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(ins.get(), 2, meta.size);
    sqlite3_bind_text(ins.get(), 3, meta.sha256.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins.get(), 4, meta.format.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(ins.get(), 5, meta.importedAtMs ? meta.importedAtMs : nowMs());
    sqlite3_bind_int(ins.get(), 6, meta.timesSynthetic ? 1 : 0);
    if (sqlite3_step(ins.get()) != SQLITE_DONE) {
        m_lastError = sqlite3_errmsg(m_db);
        rollbackImport();
        return 0;
    }
    m_exporterCache.clear();
    m_lastExporter = SIZE_MAX;
    m_importId = sqlite3_last_insert_rowid(m_db);
    return m_importId;
}

int64_t FlowStore::exporterId(const FlowRecord& r)
{
    if (r.exportVersion == 0 && r.exporter.isUnspecified())
        return 0;
    // Consecutive records nearly always share an exporter: check the last one
    // first, then the (short) list; no per-row allocation.
    if (m_lastExporter < m_exporterCache.size()) {
        const ExporterKey& k = m_exporterCache[m_lastExporter].first;
        if (k.port == r.exporterPort && k.domain == r.observationDomain && k.address == r.exporter)
            return m_exporterCache[m_lastExporter].second;
    }
    const ExporterKey key{r.exporter, r.exporterPort, r.observationDomain};
    for (size_t i = 0; i < m_exporterCache.size(); ++i)
        if (m_exporterCache[i].first == key) {
            m_lastExporter = i;
            return m_exporterCache[i].second;
        }
    Statement ins(m_db, "INSERT OR IGNORE INTO exporters(address, port, domain) VALUES(?,?,?)");
    sqlite3_bind_blob(ins.get(), 1, r.exporter.bytes().data(), 16, SQLITE_STATIC);
    sqlite3_bind_int(ins.get(), 2, r.exporterPort);
    sqlite3_bind_int64(ins.get(), 3, r.observationDomain);
    sqlite3_step(ins.get());
    Statement sel(m_db, "SELECT id FROM exporters WHERE address=? AND port=? AND domain=?");
    sqlite3_bind_blob(sel.get(), 1, r.exporter.bytes().data(), 16, SQLITE_STATIC);
    sqlite3_bind_int(sel.get(), 2, r.exporterPort);
    sqlite3_bind_int64(sel.get(), 3, r.observationDomain);
    const int64_t id = sel.step() ? sel.integer(0) : 0;
    m_exporterCache.emplace_back(key, id);
    m_lastExporter = m_exporterCache.size() - 1;
    return id;
}

namespace {

constexpr int kFlowColumns = 21;
// Rows per INSERT statement: one statement for many rows spends less in
// SQLite's per-statement work (step, reset, halt); 64 rows took 27 % less CPU
// per row than 1 here (1344 parameters, well under SQLite's 32766).
constexpr size_t kRowsPerInsert = 64;

std::string insertFlowSql(size_t rows)
{
    std::string sql = "INSERT INTO flows(import_id, exporter_id, version, start_ms, end_ms, src, dst, src_port, dst_port,"
                      " proto, tcp_flags, tos, bytes, packets, rev_bytes, rev_packets, sampling, in_if, out_if, extra,"
                      " conn_state) VALUES";
    for (size_t r = 0; r < rows; ++r)
        sql += r ? ",(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    return sql;
}

} // namespace

bool FlowStore::insertFlows(const std::vector<FlowRecord>& flows)
{
    if (!m_inImport) {
        m_lastError = "insertFlows outside an import";
        return false;
    }
    auto prepare = [this](sqlite3_stmt*& st, size_t rows) {
        if (!st
            && sqlite3_prepare_v3(m_db, insertFlowSql(rows).c_str(), -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr)
                != SQLITE_OK) {
            m_lastError = sqlite3_errmsg(m_db);
            return false;
        }
        return true;
    };
    if (!prepare(m_insertFlow, 1) || (flows.size() >= kRowsPerInsert && !prepare(m_insertFlows, kRowsPerInsert)))
        return false;
    size_t i = 0;
    while (i < flows.size()) {
        const bool many = flows.size() - i >= kRowsPerInsert;
        sqlite3_stmt* st = many ? m_insertFlows : m_insertFlow;
        const size_t rows = many ? kRowsPerInsert : 1;
        // Exporter ids first: a new exporter is an INSERT of its own.
        int64_t exporters[kRowsPerInsert];
        for (size_t k = 0; k < rows; ++k)
            exporters[k] = exporterId(flows[i + k]);
        for (size_t k = 0; k < rows; ++k) {
            const FlowRecord& r = flows[i + k];
            int c = 1 + int(k) * kFlowColumns;
            sqlite3_bind_int64(st, c++, m_importId);
            sqlite3_bind_int64(st, c++, exporters[k]);
            sqlite3_bind_int(st, c++, r.exportVersion);
            sqlite3_bind_int64(st, c++, r.startMs);
            sqlite3_bind_int64(st, c++, r.endMs);
            sqlite3_bind_blob(st, c++, r.src.bytes().data(), 16, SQLITE_STATIC);
            sqlite3_bind_blob(st, c++, r.dst.bytes().data(), 16, SQLITE_STATIC);
            sqlite3_bind_int(st, c++, r.srcPort);
            sqlite3_bind_int(st, c++, r.dstPort);
            sqlite3_bind_int(st, c++, r.protocol);
            sqlite3_bind_int(st, c++, r.tcpFlags);
            sqlite3_bind_int(st, c++, r.tos);
            sqlite3_bind_int64(st, c++, int64_t(r.bytes));
            sqlite3_bind_int64(st, c++, int64_t(r.packets));
            sqlite3_bind_int64(st, c++, int64_t(r.revBytes));
            sqlite3_bind_int64(st, c++, int64_t(r.revPackets));
            sqlite3_bind_int64(st, c++, r.samplingRate);
            sqlite3_bind_int64(st, c++, r.inputIf);
            sqlite3_bind_int64(st, c++, r.outputIf);
            if (r.extra.empty())
                sqlite3_bind_null(st, c++);
            else
                sqlite3_bind_text(st, c++, r.extra.c_str(), int(r.extra.size()), SQLITE_STATIC);
            sqlite3_bind_int(st, c++, r.connState);
        }
        const int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
            m_lastError = sqlite3_errmsg(m_db);
            return false;
        }
        i += rows;
    }
    return true;
}

bool FlowStore::markImportTimesSynthetic()
{
    if (!m_inImport)
        return false;
    Statement st(m_db, "UPDATE imports SET times_synthetic=1 WHERE id=?1");
    if (st.ok())
        sqlite3_bind_int64(st.get(), 1, m_importId);
    if (!st.ok() || sqlite3_step(st.get()) != SQLITE_DONE) {
        m_lastError = sqlite3_errmsg(m_db);
        return false;
    }
    return true;
}

bool FlowStore::commitImport(int64_t importId, uint64_t read, uint64_t kept, uint64_t rejected,
                             const std::vector<ImportIssue>& issues)
{
    if (!m_inImport || m_live)
        return false;
    Statement upd(m_db,
        "UPDATE imports SET records_read=?, records_kept=?, records_rejected=?, issues=? WHERE id=?");
    // Input text is any bytes: invalid UTF-8 becomes U+FFFD (dump() would throw).
    const std::string issuesText = issuesToJson(issues).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    sqlite3_bind_int64(upd.get(), 1, int64_t(read));
    sqlite3_bind_int64(upd.get(), 2, int64_t(kept));
    sqlite3_bind_int64(upd.get(), 3, int64_t(rejected));
    sqlite3_bind_text(upd.get(), 4, issuesText.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(upd.get(), 5, importId);
    if (sqlite3_step(upd.get()) != SQLITE_DONE || !createIndexes()) {
        m_lastError = sqlite3_errmsg(m_db);
        rollbackImport();
        return false;
    }
    if (!exec("COMMIT")) {
        rollbackImport();
        return false;
    }
    m_inImport = false;
    return true;
}

void FlowStore::rollbackImport()
{
    if (m_insertFlow)
        sqlite3_reset(m_insertFlow);
    if (m_insertFlows)
        sqlite3_reset(m_insertFlows);
    exec("ROLLBACK");
    m_inImport = false;
    // A rolled-back batch may have added exporters that no longer exist.
    m_exporterCache.clear();
    m_lastExporter = SIZE_MAX;
}

int64_t FlowStore::beginLiveImport(const ImportRecord& meta)
{
    if (m_inImport || m_live) {
        m_lastError = "an import is already in progress";
        return 0;
    }
    if (!beginImport(meta))
        return 0;
    if (!exec(kDropFlowIndexes) || !exec("COMMIT")) {
        rollbackImport();
        return 0;
    }
    m_inImport = false;
    m_live = true;
    // Checkpoints mostly on a thread of their own (the writer would stall in
    // each COMMIT that passes the threshold, copying and syncing): the thread
    // from 16 MB of WAL, the writer completes one (the WAL then starts over)
    // from 64 MB, the threshold that was +15-20 % inserts/s over 4 MB inline.
    m_checkpointer = std::make_unique<WalCheckpointer>(m_db, m_path, 4096, 16384);
    if (!m_checkpointer->isRunning()) {
        m_checkpointer.reset();
        exec("PRAGMA wal_autocheckpoint=16384");
    }
    return m_importId;
}

bool FlowStore::beginLiveBatch()
{
    if (!m_live || m_inImport) {
        m_lastError = m_live ? "a batch is already open" : "no live import is running";
        return false;
    }
    if (!exec("BEGIN IMMEDIATE"))
        return false;
    m_inImport = true;
    return true;
}

bool FlowStore::updateImportCounts(uint64_t read, uint64_t kept, uint64_t rejected, int64_t size,
                                   const std::vector<ImportIssue>& issues)
{
    Statement upd(m_db,
        "UPDATE imports SET records_read=?, records_kept=?, records_rejected=?, issues=?, size=? WHERE id=?");
    const std::string issuesText = issuesToJson(issues).dump();
    sqlite3_bind_int64(upd.get(), 1, int64_t(read));
    sqlite3_bind_int64(upd.get(), 2, int64_t(kept));
    sqlite3_bind_int64(upd.get(), 3, int64_t(rejected));
    sqlite3_bind_text(upd.get(), 4, issuesText.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(upd.get(), 5, size);
    sqlite3_bind_int64(upd.get(), 6, m_importId);
    if (sqlite3_step(upd.get()) != SQLITE_DONE) {
        m_lastError = sqlite3_errmsg(m_db);
        return false;
    }
    return true;
}

bool FlowStore::commitLiveBatch(uint64_t read, uint64_t kept, uint64_t rejected, int64_t size,
                                const std::vector<ImportIssue>& issues)
{
    if (!m_live || !m_inImport) {
        m_lastError = "no live batch is open";
        return false;
    }
    if (!updateImportCounts(read, kept, rejected, size, issues) || !exec("COMMIT")) {
        const std::string why = m_lastError;
        rollbackImport();
        m_lastError = why;
        return false;
    }
    m_inImport = false;
    return true;
}

bool FlowStore::finishLiveImport()
{
    if (!m_live || m_inImport) {
        m_lastError = m_live ? "a batch is still open" : "no live import is running";
        return false;
    }
    // The flows are committed already: an interruption from here on loses
    // only indexes, which the next import's commit builds.
    m_live = false;
    m_checkpointer.reset(); // gives the connection SQLite's automatic checkpoint back
    exec("PRAGMA wal_autocheckpoint=1000");
    return createIndexes();
}

bool FlowStore::inTransaction(const std::function<bool()>& fn)
{
    if (m_inImport)
        return fn();
    if (!exec("BEGIN IMMEDIATE"))
        return false;
    if (!fn()) {
        const std::string why = m_lastError;
        exec("ROLLBACK");
        m_lastError = why;
        return false;
    }
    return exec("COMMIT");
}

bool FlowStore::saveTemplates(const std::vector<TemplateRecord>& templates)
{
    if (templates.empty())
        return true;
    return inTransaction([&] {
        Statement put(m_db,
            "INSERT OR REPLACE INTO templates(address, port, domain, version, template_id, options, fields,"
            " updated_at) VALUES(?,?,?,?,?,?,?,?)");
        Statement del(m_db,
            "DELETE FROM templates WHERE address=? AND port=? AND domain=? AND version=? AND template_id=?");
        for (const TemplateRecord& t : templates) {
            sqlite3_stmt* st = t.withdrawn ? del.get() : put.get();
            sqlite3_reset(st);
            sqlite3_bind_blob(st, 1, t.address.bytes().data(), 16, SQLITE_STATIC);
            sqlite3_bind_int(st, 2, t.port);
            sqlite3_bind_int64(st, 3, t.domain);
            sqlite3_bind_int(st, 4, t.version);
            sqlite3_bind_int(st, 5, t.templateId);
            if (!t.withdrawn) {
                sqlite3_bind_int(st, 6, t.options ? 1 : 0);
                sqlite3_bind_text(st, 7, t.fields.c_str(), -1, SQLITE_STATIC);
                sqlite3_bind_int64(st, 8, t.updatedAtMs ? t.updatedAtMs : nowMs());
            }
            if (sqlite3_step(st) != SQLITE_DONE) {
                m_lastError = sqlite3_errmsg(m_db);
                return false;
            }
        }
        return true;
    });
}

std::vector<FlowStore::TemplateRecord> FlowStore::templates() const { return selectTemplates(nullptr, 0); }

std::vector<FlowStore::TemplateRecord> FlowStore::templates(const IpAddress& address, uint16_t port) const
{
    return selectTemplates(&address, port);
}

std::vector<FlowStore::TemplateRecord> FlowStore::selectTemplates(const IpAddress* address, uint16_t port) const
{
    std::vector<TemplateRecord> out;
    Statement sel(m_db, address
        ? "SELECT address, port, domain, version, template_id, options, fields, updated_at FROM templates"
          " WHERE address=? AND port=? ORDER BY address, port, domain, version, template_id"
        : "SELECT address, port, domain, version, template_id, options, fields, updated_at FROM templates"
          " ORDER BY address, port, domain, version, template_id");
    if (address) {
        sqlite3_bind_blob(sel.get(), 1, address->bytes().data(), 16, SQLITE_STATIC);
        sqlite3_bind_int(sel.get(), 2, port);
    }
    while (sel.step()) {
        TemplateRecord t;
        t.address = blobAddress(sel.get(), 0);
        t.port = uint16_t(sel.integer(1));
        t.domain = uint32_t(sel.integer(2));
        t.version = uint16_t(sel.integer(3));
        t.templateId = uint16_t(sel.integer(4));
        t.options = sel.integer(5) != 0;
        t.fields = sel.text(6);
        t.updatedAtMs = sel.integer(7);
        out.push_back(std::move(t));
    }
    return out;
}

bool FlowStore::saveExporterOptions(const std::vector<ExporterOptionsRecord>& options)
{
    if (options.empty())
        return true;
    return inTransaction([&] {
        Statement put(m_db,
            "INSERT OR REPLACE INTO exporter_options(address, port, domain, version, system_init_ms, sampling_rate,"
            " sampler_rates, updated_at) VALUES(?,?,?,?,?,?,?,?)");
        for (const ExporterOptionsRecord& o : options) {
            sqlite3_stmt* st = put.get();
            sqlite3_reset(st);
            sqlite3_bind_blob(st, 1, o.address.bytes().data(), 16, SQLITE_STATIC);
            sqlite3_bind_int(st, 2, o.port);
            sqlite3_bind_int64(st, 3, o.domain);
            sqlite3_bind_int(st, 4, o.version);
            if (o.systemInitMs)
                sqlite3_bind_int64(st, 5, *o.systemInitMs);
            else
                sqlite3_bind_null(st, 5);
            sqlite3_bind_int64(st, 6, o.samplingRate);
            sqlite3_bind_text(st, 7, o.samplerRates.c_str(), -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 8, nowMs());
            if (sqlite3_step(st) != SQLITE_DONE) {
                m_lastError = sqlite3_errmsg(m_db);
                return false;
            }
        }
        return true;
    });
}

std::vector<FlowStore::ExporterOptionsRecord> FlowStore::exporterOptions() const
{
    return selectExporterOptions(nullptr, 0);
}

std::vector<FlowStore::ExporterOptionsRecord> FlowStore::exporterOptions(const IpAddress& address,
                                                                         uint16_t port) const
{
    return selectExporterOptions(&address, port);
}

std::vector<FlowStore::ExporterOptionsRecord> FlowStore::selectExporterOptions(const IpAddress* address,
                                                                               uint16_t port) const
{
    std::vector<ExporterOptionsRecord> out;
    Statement sel(m_db, address
        ? "SELECT address, port, domain, version, system_init_ms, sampling_rate, sampler_rates FROM exporter_options"
          " WHERE address=? AND port=? ORDER BY address, port, domain, version"
        : "SELECT address, port, domain, version, system_init_ms, sampling_rate, sampler_rates FROM exporter_options"
          " ORDER BY address, port, domain, version");
    if (address) {
        sqlite3_bind_blob(sel.get(), 1, address->bytes().data(), 16, SQLITE_STATIC);
        sqlite3_bind_int(sel.get(), 2, port);
    }
    while (sel.step()) {
        ExporterOptionsRecord o;
        o.address = blobAddress(sel.get(), 0);
        o.port = uint16_t(sel.integer(1));
        o.domain = uint32_t(sel.integer(2));
        o.version = uint16_t(sel.integer(3));
        if (sqlite3_column_type(sel.get(), 4) != SQLITE_NULL)
            o.systemInitMs = sel.integer(4);
        o.samplingRate = uint32_t(sel.integer(5));
        o.samplerRates = sel.text(6);
        out.push_back(std::move(o));
    }
    return out;
}

std::vector<FlowStore::ImportRecord> FlowStore::imports() const
{
    std::vector<ImportRecord> out;
    Statement sel(m_db,
        "SELECT id, path, size, sha256, format, imported_at, records_read, records_kept, records_rejected, issues,"
        " times_synthetic FROM imports ORDER BY id");
    while (sel.step()) {
        ImportRecord r;
        r.id = sel.integer(0);
        r.path = sel.text(1);
        r.size = sel.integer(2);
        r.sha256 = sel.text(3);
        r.format = sel.text(4);
        r.importedAtMs = sel.integer(5);
        r.recordsRead = uint64_t(sel.integer(6));
        r.recordsKept = uint64_t(sel.integer(7));
        r.recordsRejected = uint64_t(sel.integer(8));
        r.issues = issuesFromJson(sel.text(9));
        r.timesSynthetic = sel.integer(10) != 0;
        out.push_back(std::move(r));
    }
    return out;
}

FlowStore::Summary FlowStore::summary() const
{
    Summary s;
    Statement sel(m_db, "SELECT count(*), coalesce(sum(bytes + rev_bytes),0), coalesce(sum(packets + rev_packets),0),"
                        " coalesce(min(start_ms),0), coalesce(max(end_ms),0) FROM flows");
    if (sel.step()) {
        s.flows = uint64_t(sel.integer(0));
        s.bytes = uint64_t(sel.integer(1));
        s.packets = uint64_t(sel.integer(2));
        s.startMs = sel.integer(3);
        s.endMs = sel.integer(4);
    }
    Statement exp(m_db, "SELECT count(*) FROM exporters");
    if (exp.step())
        s.exporters = uint64_t(exp.integer(0));
    return s;
}

namespace {

const char* const kSelectFlows =
    "SELECT f.start_ms, f.end_ms, f.src, f.dst, f.src_port, f.dst_port, f.proto, f.tcp_flags, f.tos, f.bytes,"
    " f.packets, f.rev_bytes, f.rev_packets, f.sampling, f.in_if, f.out_if, f.version,"
    " e.address, e.port, e.domain, f.conn_state, f.import_id, f.id"
    " FROM flows f LEFT JOIN exporters e ON e.id = f.exporter_id";

// Columns 0-16 of every flow select (kSelectFlows and the storage-order scan):
// the record's own fields.
void readFlowFields(sqlite3_stmt* st, FlowRecord& r)
{
    r.startMs = sqlite3_column_int64(st, 0);
    r.endMs = sqlite3_column_int64(st, 1);
    r.src = blobAddress(st, 2);
    r.dst = blobAddress(st, 3);
    r.srcPort = uint16_t(sqlite3_column_int(st, 4));
    r.dstPort = uint16_t(sqlite3_column_int(st, 5));
    r.protocol = uint8_t(sqlite3_column_int(st, 6));
    r.tcpFlags = uint8_t(sqlite3_column_int(st, 7));
    r.tos = uint8_t(sqlite3_column_int(st, 8));
    r.bytes = uint64_t(sqlite3_column_int64(st, 9));
    r.packets = uint64_t(sqlite3_column_int64(st, 10));
    r.revBytes = uint64_t(sqlite3_column_int64(st, 11));
    r.revPackets = uint64_t(sqlite3_column_int64(st, 12));
    r.samplingRate = uint32_t(sqlite3_column_int64(st, 13));
    r.inputIf = uint32_t(sqlite3_column_int64(st, 14));
    r.outputIf = uint32_t(sqlite3_column_int64(st, 15));
    r.exportVersion = uint16_t(sqlite3_column_int(st, 16));
}

// One row of kSelectFlows; returns its id.
int64_t readFlow(sqlite3_stmt* st, FlowRecord& r)
{
    readFlowFields(st, r);
    r.exporter = blobAddress(st, 17);
    r.exporterPort = uint16_t(sqlite3_column_int(st, 18));
    r.observationDomain = uint32_t(sqlite3_column_int64(st, 19));
    r.connState = uint8_t(sqlite3_column_int(st, 20));
    r.importId = sqlite3_column_int64(st, 21);
    return sqlite3_column_int64(st, 22);
}

} // namespace

void FlowStore::forEachFlow(const std::function<bool(const FlowRecord&)>& fn) const
{
    Statement sel(m_db, (std::string(kSelectFlows) + " ORDER BY f.start_ms").c_str());
    FlowRecord r;
    while (sel.step()) {
        readFlow(sel.get(), r);
        if (!fn(r))
            break;
    }
}

void FlowStore::forEachFlowInStorageOrder(const std::function<bool(const FlowRecord&)>& fn) const
{
    // Exporters are few: looked up in memory rather than joined per row.
    struct Exporter {
        IpAddress address;
        uint16_t port = 0;
        uint32_t domain = 0;
    };
    std::unordered_map<int64_t, Exporter> exporters;
    {
        Statement ex(m_db, "SELECT id, address, port, domain FROM exporters");
        while (ex.step())
            exporters[ex.integer(0)] = {blobAddress(ex.get(), 1), uint16_t(ex.integer(2)), uint32_t(ex.integer(3))};
    }
    Statement sel(m_db,
        "SELECT start_ms, end_ms, src, dst, src_port, dst_port, proto, tcp_flags, tos, bytes,"
        " packets, rev_bytes, rev_packets, sampling, in_if, out_if, version,"
        " exporter_id, conn_state, import_id FROM flows");
    sqlite3_stmt* st = sel.get();
    FlowRecord r;
    const Exporter none;
    while (sel.step()) {
        readFlowFields(st, r);
        const Exporter* e = &none;
        if (sqlite3_column_type(st, 17) != SQLITE_NULL) {
            auto it = exporters.find(sqlite3_column_int64(st, 17));
            if (it != exporters.end())
                e = &it->second;
        }
        r.exporter = e->address;
        r.exporterPort = e->port;
        r.observationDomain = e->domain;
        r.connState = uint8_t(sqlite3_column_int(st, 18));
        r.importId = sqlite3_column_int64(st, 19);
        if (!fn(r))
            break;
    }
}

FlowStore::StorageOrder FlowStore::storageOrder() const
{
    // NOT INDEXED: a scan in storage order (the time index would hand the starts over sorted).
    Statement sel(m_db, "SELECT start_ms, end_ms FROM flows NOT INDEXED");
    StorageOrder o;
    int64_t latest = INT64_MIN, first = INT64_MAX, last = INT64_MIN;
    while (sel.step()) {
        const int64_t start = sel.integer(0);
        if (start >= latest)
            latest = start;
        else
            o.startLagMs = std::max(o.startLagMs, latest - start);
        first = std::min(first, start);
        last = std::max(last, sel.integer(1));
        ++o.flows;
    }
    if (o.flows) {
        o.startMs = first;
        o.endMs = last;
    }
    return o;
}

int64_t FlowStore::forEachFlowAfter(int64_t afterId, const std::function<bool(const FlowRecord&)>& fn) const
{
    Statement sel(m_db, (std::string(kSelectFlows) + " WHERE f.id > ? ORDER BY f.id").c_str());
    sqlite3_bind_int64(sel.get(), 1, afterId);
    FlowRecord r;
    int64_t last = afterId;
    while (sel.step()) {
        last = readFlow(sel.get(), r);
        if (!fn(r))
            break;
    }
    return last;
}

namespace {

// " WHERE ..." for a selection, and its values in order (time bounds first).
std::string selectionWhere(const FlowStore::FlowSelection& sel, std::vector<FlowFilter::SqlValue>& values)
{
    std::vector<std::string> terms;
    if (sel.startMs != 0 || sel.endMs != 0) {
        terms.push_back("f.start_ms < ? AND f.end_ms >= ?");
        values.emplace_back(int64_t(sel.endMs));
        values.emplace_back(int64_t(sel.startMs));
    }
    if (sel.filter) {
        FlowFilter::Sql sql = sel.filter->toSql();
        terms.push_back("(" + sql.where + ")");
        for (auto& v : sql.values)
            values.push_back(std::move(v));
    }
    std::string where;
    for (const std::string& t : terms)
        where += (where.empty() ? " WHERE " : " AND ") + t;
    return where;
}

void bindValues(sqlite3_stmt* st, const std::vector<FlowFilter::SqlValue>& values)
{
    for (size_t i = 0; i < values.size(); ++i) {
        if (const auto* n = std::get_if<int64_t>(&values[i])) {
            sqlite3_bind_int64(st, int(i + 1), *n);
        } else {
            const auto& b = std::get<std::vector<uint8_t>>(values[i]);
            sqlite3_bind_blob(st, int(i + 1), b.data(), int(b.size()), SQLITE_TRANSIENT);
        }
    }
}

} // namespace

void FlowStore::forEachFlowMatching(const FlowSelection& selection,
                                    const std::function<bool(const FlowRecord&, int64_t id)>& fn,
                                    uint64_t limit) const
{
    std::vector<FlowFilter::SqlValue> values;
    const std::string sql = std::string(kSelectFlows) + selectionWhere(selection, values) + " ORDER BY f.start_ms, f.id";
    Statement sel(m_db, sql.c_str());
    bindValues(sel.get(), values);
    FlowRecord r;
    for (uint64_t n = 0; n < limit && sel.step(); ++n) {
        const int64_t id = readFlow(sel.get(), r);
        if (!fn(r, id))
            break;
    }
}

uint64_t FlowStore::countFlowsMatching(const FlowSelection& selection) const
{
    std::vector<FlowFilter::SqlValue> values;
    const std::string sql = "SELECT count(*) FROM flows f" + selectionWhere(selection, values);
    Statement sel(m_db, sql.c_str());
    bindValues(sel.get(), values);
    return sel.step() ? uint64_t(sel.integer(0)) : 0;
}

// --- traffic rankings ---

namespace {

// ConversationBuilder::serviceRank as a SQL expression over a port column, so
// that ports are grouped by their service side in SQL, as the detectors pair them.
std::string serviceRankSql(const char* column)
{
    std::string registered;
    for (uint32_t port = 1024; port < 65536; ++port) {
        if (ConversationBuilder::serviceRank(uint16_t(port)) == 2)
            registered += (registered.empty() ? "" : ",") + std::to_string(port);
    }
    const std::string c = column;
    return "(CASE WHEN " + c + " = 0 THEN 0 WHEN " + c + " < 1024 THEN 3 WHEN " + c + " IN (" + registered
        + ") THEN 2 WHEN " + c + " < 32768 THEN 1 ELSE 0 END)";
}

} // namespace

std::vector<FlowStore::TalkerTotals> FlowStore::topTalkers(const FlowSelection& selection, size_t limit) const
{
    std::vector<FlowFilter::SqlValue> values;
    const std::string where = selectionWhere(selection, values);
    std::vector<FlowFilter::SqlValue> both = values;
    both.insert(both.end(), values.begin(), values.end());
    // Each record counts for both its ends; the host's sent bytes are what it
    // sent as the source and, for biflows, the reverse bytes as the destination.
    const std::string sql =
        "SELECT addr, sum(b) AS total, sum(sent), sum(p), count(*) FROM ("
        " SELECT f.src AS addr, f.bytes + f.rev_bytes AS b, f.bytes AS sent, f.packets + f.rev_packets AS p"
        " FROM flows f" + where +
        " UNION ALL"
        " SELECT f.dst, f.bytes + f.rev_bytes, f.rev_bytes, f.packets + f.rev_packets FROM flows f" + where +
        ") GROUP BY addr ORDER BY total DESC, addr LIMIT " + std::to_string(limit);
    Statement sel(m_db, sql.c_str());
    std::vector<TalkerTotals> out;
    if (!sel.ok()) {
        m_lastError = sqlite3_errmsg(m_db);
        return out;
    }
    bindValues(sel.get(), both);
    while (sel.step()) {
        TalkerTotals t;
        t.address = blobAddress(sel.get(), 0);
        t.bytes = uint64_t(sel.integer(1));
        t.bytesSent = uint64_t(sel.integer(2));
        t.packets = uint64_t(sel.integer(3));
        t.flows = uint64_t(sel.integer(4));
        out.push_back(t);
    }
    return out;
}

std::vector<FlowStore::PortTotals> FlowStore::topPorts(const FlowSelection& selection, PortOrder order,
                                                       size_t limit) const
{
    static const std::string srcRank = serviceRankSql("f.src_port");
    static const std::string dstRank = serviceRankSql("f.dst_port");
    std::vector<FlowFilter::SqlValue> values;
    // Only TCP, UDP and SCTP have service ports; ICMP's "ports" are type and code.
    const std::string sql = "SELECT f.proto, CASE WHEN f.proto IN (6, 17, 132) THEN (CASE WHEN " + srcRank + " > "
        + dstRank + " THEN f.src_port ELSE f.dst_port END) ELSE 0 END AS service,"
          " sum(f.bytes + f.rev_bytes) AS b, sum(f.packets + f.rev_packets), count(*) AS n FROM flows f"
        + selectionWhere(selection, values) + " GROUP BY 1, 2 ORDER BY "
        + (order == PortOrder::Bytes ? "b DESC, n DESC" : "n DESC, b DESC") + ", 1, 2 LIMIT "
        + std::to_string(limit);
    Statement sel(m_db, sql.c_str());
    std::vector<PortTotals> out;
    if (!sel.ok()) {
        m_lastError = sqlite3_errmsg(m_db);
        return out;
    }
    bindValues(sel.get(), values);
    while (sel.step()) {
        PortTotals t;
        t.protocol = uint8_t(sel.integer(0));
        t.port = uint16_t(sel.integer(1));
        t.bytes = uint64_t(sel.integer(2));
        t.packets = uint64_t(sel.integer(3));
        t.flows = uint64_t(sel.integer(4));
        out.push_back(t);
    }
    return out;
}

// --- views: sorted pages of a selection and host aggregates ---

namespace {

const char* sortExpression(FlowStore::FlowSortKey key)
{
    using K = FlowStore::FlowSortKey;
    switch (key) {
    case K::Start: return "f.start_ms";
    case K::Duration: return "(f.end_ms - f.start_ms)";
    case K::Src: return "f.src";
    case K::SrcPort: return "f.src_port";
    case K::Dst: return "f.dst";
    case K::DstPort: return "f.dst_port";
    case K::Protocol: return "f.proto";
    case K::Flags: return "f.tcp_flags";
    case K::Packets: return "f.packets";
    case K::Bytes: return "f.bytes";
    case K::Exporter: return "e.address";
    }
    return "f.start_ms";
}

// Every flow record of one host, in or out, as one row shape: the host's side
// first. ?1 host, ?2 start, ?3 end (both 0: any time). Two selects, so that each
// uses its own index (src, start_ms) or (dst, start_ms); a record from the host
// to itself counts once, as out.
const char* const kHostFlows =
    "SELECT 1 AS out, f.dst AS peer, f.bytes AS bo, f.rev_bytes AS bi, f.packets AS po, f.rev_packets AS pi,"
    " f.start_ms AS s, f.end_ms AS e, f.proto AS proto, f.src_port AS hp, f.dst_port AS pp"
    " FROM flows f WHERE f.src = ?1 AND (?3 = 0 AND ?2 = 0 OR f.start_ms < ?3 AND f.end_ms >= ?2)"
    " UNION ALL"
    " SELECT 0, f.src, f.rev_bytes, f.bytes, f.rev_packets, f.packets, f.start_ms, f.end_ms, f.proto,"
    " f.dst_port, f.src_port"
    " FROM flows f WHERE f.dst = ?1 AND f.src <> ?1 AND (?3 = 0 AND ?2 = 0 OR f.start_ms < ?3 AND f.end_ms >= ?2)";

void bindHost(sqlite3_stmt* st, const IpAddress& host, int64_t startMs, int64_t endMs)
{
    sqlite3_bind_blob(st, 1, host.bytes().data(), 16, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, startMs);
    sqlite3_bind_int64(st, 3, endMs);
}

} // namespace

std::optional<uint64_t> FlowStore::buildFlowOrder(const FlowSelection& selection, FlowSortKey key, bool descending)
{
    if (!exec("DROP TABLE IF EXISTS temp.flow_order;"
              "CREATE TEMP TABLE flow_order(pos INTEGER PRIMARY KEY, fid INTEGER NOT NULL);"))
        return std::nullopt;
    std::vector<FlowFilter::SqlValue> values;
    const char* dir = descending ? " DESC" : "";
    // Rows are numbered in insertion order, which follows the ORDER BY.
    const std::string sql = std::string("INSERT INTO temp.flow_order(fid) SELECT f.id FROM flows f")
        + (key == FlowSortKey::Exporter ? " LEFT JOIN exporters e ON e.id = f.exporter_id" : "")
        + selectionWhere(selection, values) + " ORDER BY " + sortExpression(key) + dir + ", f.id" + dir;
    Statement ins(m_db, sql.c_str());
    if (!ins.ok()) {
        m_lastError = sqlite3_errmsg(m_db);
        return std::nullopt;
    }
    bindValues(ins.get(), values);
    if (sqlite3_step(ins.get()) != SQLITE_DONE) {
        m_lastError = sqlite3_errmsg(m_db);
        return std::nullopt;
    }
    return uint64_t(sqlite3_changes64(m_db));
}

void FlowStore::forEachOrderedFlow(uint64_t first, uint64_t count,
                                   const std::function<bool(const FlowRecord&, int64_t id)>& fn) const
{
    const std::string sql = std::string(kSelectFlows)
        + " JOIN temp.flow_order o ON o.fid = f.id WHERE o.pos > ? AND o.pos <= ? ORDER BY o.pos";
    // kSelectFlows starts "FROM flows f LEFT JOIN exporters": the order table
    // joins after it; the planner still drives the loop from o's range.
    Statement sel(m_db, sql.c_str());
    if (!sel.ok())
        return;
    sqlite3_bind_int64(sel.get(), 1, int64_t(first));
    sqlite3_bind_int64(sel.get(), 2, int64_t(first + count));
    FlowRecord r;
    while (sel.step()) {
        const int64_t id = readFlow(sel.get(), r);
        if (!fn(r, id))
            break;
    }
}

void FlowStore::interrupt() { sqlite3_interrupt(m_db); }

FlowStore::HostTotals FlowStore::hostTotals(const IpAddress& host, int64_t startMs, int64_t endMs) const
{
    HostTotals t;
    const std::string sql = std::string("SELECT count(*), coalesce(sum(out),0), coalesce(sum(bo),0), coalesce(sum(bi),0),"
                                        " coalesce(sum(po),0), coalesce(sum(pi),0), coalesce(min(s),0), coalesce(max(e),0),"
                                        " count(DISTINCT peer) FROM (")
        + kHostFlows + ")";
    Statement sel(m_db, sql.c_str());
    bindHost(sel.get(), host, startMs, endMs);
    if (sel.step()) {
        t.flows = uint64_t(sel.integer(0));
        t.flowsOut = uint64_t(sel.integer(1));
        t.flowsIn = t.flows - t.flowsOut;
        t.bytesOut = uint64_t(sel.integer(2));
        t.bytesIn = uint64_t(sel.integer(3));
        t.packetsOut = uint64_t(sel.integer(4));
        t.packetsIn = uint64_t(sel.integer(5));
        t.firstMs = sel.integer(6);
        t.lastMs = sel.integer(7);
        t.peers = uint64_t(sel.integer(8));
    }
    return t;
}

std::vector<FlowStore::PeerTraffic> FlowStore::hostPeers(const IpAddress& host, PeerOrder order, size_t limit,
                                                         int64_t startMs, int64_t endMs) const
{
    std::vector<PeerTraffic> out;
    const std::string sql = std::string("SELECT peer, sum(out), count(*) - sum(out), sum(bo), sum(bi) FROM (") + kHostFlows
        + ") GROUP BY peer ORDER BY "
        + (order == PeerOrder::Bytes ? "sum(bo) + sum(bi) DESC, count(*) DESC" : "count(*) DESC, sum(bo) + sum(bi) DESC")
        + ", peer LIMIT ?4";
    Statement sel(m_db, sql.c_str());
    bindHost(sel.get(), host, startMs, endMs);
    sqlite3_bind_int64(sel.get(), 4, int64_t(std::min<size_t>(limit, INT64_MAX)));
    while (sel.step())
        out.push_back({blobAddress(sel.get(), 0), uint64_t(sel.integer(1)), uint64_t(sel.integer(2)),
                       uint64_t(sel.integer(3)), uint64_t(sel.integer(4))});
    return out;
}

std::vector<FlowStore::PortUse> FlowStore::hostPorts(const IpAddress& host, size_t limit, int64_t startMs,
                                                     int64_t endMs) const
{
    std::vector<PortUse> out;
    const std::string sql = std::string("SELECT srv, proto, CASE WHEN srv THEN hp ELSE pp END AS port, count(*),"
                                        " sum(bo) + sum(bi), count(DISTINCT peer) FROM ("
                                        "SELECT (hp < pp OR (hp = pp AND out = 0)) AS srv, * FROM (")
        + kHostFlows + ")) GROUP BY srv, proto, port ORDER BY count(*) DESC, srv, proto, port";
    Statement sel(m_db, sql.c_str());
    bindHost(sel.get(), host, startMs, endMs);
    size_t asServer = 0, asClient = 0;
    while (sel.step()) {
        PortUse p;
        p.asServer = sel.integer(0) != 0;
        size_t& n = p.asServer ? asServer : asClient;
        if (n == limit)
            continue;
        ++n;
        p.protocol = uint8_t(sel.integer(1));
        p.port = uint16_t(sel.integer(2));
        p.flows = uint64_t(sel.integer(3));
        p.bytes = uint64_t(sel.integer(4));
        p.peers = uint64_t(sel.integer(5));
        out.push_back(p);
    }
    return out;
}

void FlowStore::forEachHostTraffic(const IpAddress& host, int64_t startMs, int64_t endMs,
                                   const std::function<void(int64_t, int64_t, uint64_t, uint64_t, uint64_t, uint64_t)>& fn) const
{
    const std::string sql = std::string("SELECT s, e, bo, po, bi, pi FROM (") + kHostFlows + ")";
    Statement sel(m_db, sql.c_str());
    bindHost(sel.get(), host, startMs, endMs);
    while (sel.step())
        fn(sel.integer(0), sel.integer(1), uint64_t(sel.integer(2)), uint64_t(sel.integer(3)),
           uint64_t(sel.integer(4)), uint64_t(sel.integer(5)));
}

bool FlowStore::replaceFindings(const std::vector<Finding>& findings, const nlohmann::json& analysis)
{
    if (!exec("BEGIN IMMEDIATE"))
        return false;
    if (!exec("DELETE FROM findings")) {
        exec("ROLLBACK");
        return false;
    }
    {
        // How these findings were made (configuration, networks), for reports written later.
        Statement meta(m_db, "INSERT OR REPLACE INTO meta(key, value) VALUES('analysis', ?)");
        const std::string text = analysis.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        sqlite3_bind_text(meta.get(), 1, text.c_str(), -1, SQLITE_STATIC);
        if (sqlite3_step(meta.get()) != SQLITE_DONE) {
            m_lastError = sqlite3_errmsg(m_db);
            exec("ROLLBACK");
            return false;
        }
    }
    Statement ins(m_db,
        "INSERT OR REPLACE INTO findings(id, rank, type, subtype, severity, score, src, dst, dst_ports, proto,"
        " start_ms, end_ms, summary, evidence, attack, filter) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    int rank = 0;
    for (const Finding& f : findings) {
        nlohmann::json dst = nlohmann::json::array();
        for (const auto& d : f.dst)
            dst.push_back(d.toString());
        const std::string srcText = f.src ? f.src->toString() : std::string();
        const std::string dstText = dst.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        const std::string portsText = nlohmann::json(f.dstPorts).dump();
        const std::string evidenceText = f.evidence.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        const std::string attackText = nlohmann::json(f.attack).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        sqlite3_stmt* st = ins.get();
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, f.id.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, rank++);
        sqlite3_bind_text(st, 3, f.type.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, f.subtype.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, severityName(f.severity), -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 6, f.score);
        if (f.src)
            sqlite3_bind_text(st, 7, srcText.c_str(), -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 7);
        sqlite3_bind_text(st, 8, dstText.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 9, portsText.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 10, f.protocol);
        sqlite3_bind_int64(st, 11, f.startMs);
        sqlite3_bind_int64(st, 12, f.endMs);
        sqlite3_bind_text(st, 13, f.summary.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 14, evidenceText.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 15, attackText.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 16, f.filter.c_str(), -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) {
            m_lastError = sqlite3_errmsg(m_db);
            exec("ROLLBACK");
            return false;
        }
    }
    return exec("COMMIT");
}

nlohmann::json FlowStore::analysis() const
{
    Statement sel(m_db, "SELECT value FROM meta WHERE key='analysis'");
    if (!sel.step())
        return nullptr;
    nlohmann::json j = nlohmann::json::parse(sel.text(0), nullptr, false);
    return j.is_discarded() ? nlohmann::json(nullptr) : j;
}

std::vector<Finding> FlowStore::findings() const
{
    std::vector<Finding> out;
    Statement sel(m_db,
        "SELECT id, type, subtype, severity, score, src, dst, dst_ports, proto, start_ms, end_ms, summary, evidence,"
        " attack, filter FROM findings ORDER BY rank");
    while (sel.step()) {
        Finding f;
        f.id = sel.text(0);
        f.type = sel.text(1);
        f.subtype = sel.text(2);
        f.severity = severityFromName(sel.text(3));
        f.score = sqlite3_column_double(sel.get(), 4);
        if (sqlite3_column_type(sel.get(), 5) != SQLITE_NULL)
            f.src = IpAddress::parse(sel.text(5));
        for (const auto& d : jsonArray(sel.text(6)))
            if (d.is_string())
                if (auto a = IpAddress::parse(d.get<std::string>()))
                    f.dst.push_back(*a);
        for (const auto& p : jsonArray(sel.text(7)))
            if (p.is_number_unsigned())
                f.dstPorts.push_back(p.get<uint16_t>());
        f.protocol = uint8_t(sel.integer(8));
        f.startMs = sel.integer(9);
        f.endMs = sel.integer(10);
        f.summary = sel.text(11);
        f.evidence = nlohmann::json::parse(sel.text(12), nullptr, false);
        if (!f.evidence.is_object())
            f.evidence = nlohmann::json::object();
        for (const auto& a : jsonArray(sel.text(13)))
            if (a.is_string())
                f.attack.push_back(a.get<std::string>());
        f.filter = sel.text(14);
        out.push_back(std::move(f));
    }
    return out;
}

bool FlowStore::saveVerdict(const Verdict& v)
{
    if (v.findingId.empty()) {
        m_lastError = "a verdict needs a finding id";
        return false;
    }
    // An empty verdict (no status, no comment) is no verdict: the row goes.
    if (v.isEmpty()) {
        Statement del(m_db, "DELETE FROM verdicts WHERE finding_id = ?1");
        sqlite3_bind_text(del.get(), 1, v.findingId.c_str(), -1, SQLITE_STATIC);
        if (sqlite3_step(del.get()) != SQLITE_DONE) {
            m_lastError = sqlite3_errmsg(m_db);
            return false;
        }
        return true;
    }
    Statement ins(m_db,
        "INSERT OR REPLACE INTO verdicts(finding_id, verdict, comment, analyst, updated_at) VALUES(?1, ?2, ?3, ?4, ?5)");
    if (!ins.ok()) {
        m_lastError = sqlite3_errmsg(m_db);
        return false;
    }
    sqlite3_bind_text(ins.get(), 1, v.findingId.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(ins.get(), 2, Verdict::statusName(v.status), -1, SQLITE_STATIC);
    sqlite3_bind_text(ins.get(), 3, v.comment.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(ins.get(), 4, v.analyst.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins.get(), 5, v.updatedAtMs ? v.updatedAtMs : nowMs());
    if (sqlite3_step(ins.get()) != SQLITE_DONE) {
        m_lastError = sqlite3_errmsg(m_db);
        return false;
    }
    return true;
}

std::vector<Verdict> FlowStore::verdicts() const
{
    std::vector<Verdict> out;
    Statement sel(m_db, "SELECT finding_id, verdict, comment, analyst, updated_at FROM verdicts ORDER BY finding_id");
    if (!sel.ok()) // a read-only reader of a case older than schema 6 (no analyst column)
        return out;
    while (sel.step()) {
        Verdict v;
        v.findingId = sel.text(0);
        v.status = Verdict::statusFromName(sel.text(1)).value_or(Verdict::Status::None);
        v.comment = sel.text(2);
        v.analyst = sel.text(3);
        v.updatedAtMs = sel.integer(4);
        out.push_back(std::move(v));
    }
    return out;
}

std::optional<Verdict> FlowStore::verdict(const std::string& findingId) const
{
    Statement sel(m_db, "SELECT verdict, comment, analyst, updated_at FROM verdicts WHERE finding_id = ?1");
    if (!sel.ok())
        return std::nullopt;
    sqlite3_bind_text(sel.get(), 1, findingId.c_str(), -1, SQLITE_STATIC);
    if (!sel.step())
        return std::nullopt;
    Verdict v;
    v.findingId = findingId;
    v.status = Verdict::statusFromName(sel.text(0)).value_or(Verdict::Status::None);
    v.comment = sel.text(1);
    v.analyst = sel.text(2);
    v.updatedAtMs = sel.integer(3);
    return v;
}
