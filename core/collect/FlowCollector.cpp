#include "collect/FlowCollector.h"

#include "decode/TemplateText.h"
#include "store/FlowStore.h"

#include <algorithm>
#include <charconv>

namespace {

constexpr size_t kMaxIssues = 100;
// Flows kept in memory while the case refuses commits (locked by another
// writer, disk full) before the collector gives up: about 400 MB.
constexpr size_t kMaxUncommittedFlows = 2'000'000;
constexpr int kMaxFailedCommits = 30;

std::string exporterText(const IpAddress& a, uint16_t port)
{
    return (a.isV4() ? a.toString() : "[" + a.toString() + "]") + ":" + std::to_string(port);
}

std::string samplerText(const std::vector<std::pair<uint32_t, uint32_t>>& rates)
{
    std::string s;
    // Appended piece by piece: GCC 12 -O3 warns (-Wrestrict, a false positive) on "literal" + string.
    for (const auto& [id, rate] : rates) {
        if (!s.empty())
            s += ' ';
        s += std::to_string(id);
        s += ':';
        s += std::to_string(rate);
    }
    return s;
}

std::vector<std::pair<uint32_t, uint32_t>> parseSamplers(const std::string& text)
{
    std::vector<std::pair<uint32_t, uint32_t>> out;
    const char* p = text.data();
    const char* end = p + text.size();
    while (p < end && out.size() < 1024) {
        while (p < end && *p == ' ')
            ++p;
        uint32_t id = 0, rate = 0;
        auto r = std::from_chars(p, end, id);
        if (r.ec != std::errc() || r.ptr == end || *r.ptr != ':')
            break;
        r = std::from_chars(r.ptr + 1, end, rate);
        if (r.ec != std::errc())
            break;
        out.emplace_back(id, rate);
        p = r.ptr;
    }
    return out;
}

void addExporterStats(ExporterStats& into, const ExporterStats& s)
{
    into.datagrams += s.datagrams;
    into.flows += s.flows;
    into.optionsRecords += s.optionsRecords;
    into.templates += s.templates;
    into.sequenceGaps += s.sequenceGaps;
    into.sequenceLost += s.sequenceLost;
    into.sequenceRestarts += s.sequenceRestarts;
    into.sequenceReordered += s.sequenceReordered;
    into.malformed += s.malformed;
    into.bufferedSets += s.bufferedSets;
    into.droppedSets += s.droppedSets;
    into.templatesRefused += s.templatesRefused;
    into.templatesTooLarge += s.templatesTooLarge;
    into.pendingOverflow += s.pendingOverflow;
    into.optionsNotKept += s.optionsNotKept;
}

} // namespace

FlowCollector::FlowCollector() = default;

FlowCollector::~FlowCollector()
{
    std::string ignored;
    stop(ignored);
}

std::string FlowCollector::failure() const
{
    {
        std::lock_guard lock(m_snapshotMutex);
        if (!m_failure.empty())
            return m_failure;
    }
    return m_receiver.failure();
}

std::string FlowCollector::sourceName() const
{
    std::string s = "udp://";
    bool first = true;
    for (const UdpReceiver::Endpoint& e : m_receiver.endpoints()) {
        if (!first)
            s += ',';
        s += e.toString();
        first = false;
    }
    return s;
}

void FlowCollector::restoreFromCase(std::string& note)
{
    uint64_t restored = 0, unreadable = 0;
    for (const FlowStore::TemplateRecord& t : m_store->templates()) {
        std::vector<RawField> fields;
        if ((t.version != 9 && t.version != 10) || !TemplateText::parse(t.fields, fields)) {
            ++unreadable;
            continue;
        }
        m_decoder.restoreTemplate({t.address, t.port, t.domain, t.version}, t.templateId, t.options, fields);
        ++restored;
    }
    for (const FlowStore::ExporterOptionsRecord& o : m_store->exporterOptions()) {
        ExporterOptions e{{o.address, o.port, o.domain, o.version}, o.systemInitMs, o.samplingRate,
                          parseSamplers(o.samplerRates)};
        m_decoder.restoreExporterOptions(e);
    }
    m_savedOptions = m_decoder.exporterOptions();
    m_templatesRestored = restored;
    if (unreadable)
        note = std::to_string(unreadable) + " stored templates could not be read and were ignored";
}

bool FlowCollector::start(const Settings& settings, std::string& error)
{
    if (m_running) {
        error = "the collector is already running";
        return false;
    }
    m_settings = settings;
    m_store = FlowStore::open(settings.casePath, error);
    if (!m_store)
        return false;
    m_decoder = ExportDecoder(settings.limits);
    m_pending.clear();
    m_issues.clear();
    m_templateChanges.clear();
    m_rejectedRecords = 0;
    m_failedCommits = 0;
    m_expiredStats.clear();
    m_expiredSources.clear();
    m_exportersExpired = 0;
    m_exportersReturned = 0;
    m_failed = false;
    m_flushed = false;
    std::string note;
    restoreFromCase(note);

    UdpReceiver::Settings rs;
    rs.bindAddress = settings.bindAddress;
    rs.port = settings.port;
    rs.receiveBufferBytes = settings.receiveBufferBytes;
    rs.exporters = settings.exporters;
    if (!m_receiver.open(rs, error)) {
        m_store.reset();
        return false;
    }
    if (!settings.capturePath.empty() && !m_capture.open(settings.capturePath, error)) {
        m_receiver.close();
        m_store.reset();
        return false;
    }
    FlowStore::ImportRecord meta;
    meta.path = sourceName();
    meta.format = "udp-netflow";
    m_importId = m_store->beginLiveImport(meta);
    if (!m_importId) {
        error = settings.casePath + ": cannot start the collection: " + m_store->lastError();
        m_receiver.close();
        m_capture.close();
        m_store.reset();
        return false;
    }
    if (!note.empty())
        addIssue(note);
    m_decoder.setTemplateOutput(&m_templateChanges);
    m_queue = std::make_unique<DatagramQueue>(settings.queueBytes);
    m_started = std::chrono::steady_clock::now();
    m_running = true;
    m_writer = std::thread([this] { writerLoop(); });
    m_receiver.start(*m_queue);
    return true;
}

bool FlowCollector::stop(std::string& error)
{
    if (!m_running)
        return true;
    m_receiver.stop(); // drains the sockets and closes the queue
    if (m_writer.joinable())
        m_writer.join();
    m_stopped = std::chrono::steady_clock::now();
    m_running = false;
    m_capture.close();
    m_store.reset();
    if (hasFailed()) {
        error = failure();
        return false;
    }
    return true;
}

void FlowCollector::fail(const std::string& why)
{
    {
        std::lock_guard lock(m_snapshotMutex);
        if (m_failure.empty())
            m_failure = why;
    }
    m_failed = true;
}

void FlowCollector::addIssue(std::string reason)
{
    if (m_issues.size() < kMaxIssues)
        m_issues.push_back(ImportIssue{sourceName(), -1, -1, std::move(reason)});
}

void FlowCollector::decodeBatch(const DatagramBatch& batch)
{
    for (const DatagramBatch::Datagram& d : batch.datagrams) {
        const uint8_t* payload = batch.payload(d);
        if (!m_expiredSources.empty()) {
            if (auto it = m_expiredSources.find({d.source, d.sourcePort}); it != m_expiredSources.end()) {
                m_expiredSources.erase(it);
                restoreReturning(d.source, d.sourcePort);
            }
        }
        if (m_capture.isOpen()) {
            if (m_capture.write(d.source, d.sourcePort, d.destination, d.destinationPort, d.receivedUs, payload,
                                d.length))
                ++m_captured;
            else
                fail(m_settings.capturePath + ": " + m_capture.lastError());
        }
        const uint64_t malformedBefore = m_decoder.totals().malformed;
        const ExportDecoder::Kind kind
            = m_decoder.decode(d.source, d.sourcePort, d.receivedUs, payload, d.length, m_pending, m_decodeIssues);
        ++m_decoded;
        if (kind == ExportDecoder::Kind::NotExport) {
            ++m_notExport;
            m_decodeIssues.push_back({0, "not NetFlow/IPFIX: " + ExportDecoder::notExportReason(payload, d.length)});
        }
        if (kind == ExportDecoder::Kind::NotExport || m_decoder.totals().malformed > malformedBefore)
            ++m_malformed;
        if (!m_decodeIssues.empty()) {
            const std::string where = "datagram " + std::to_string(m_decoder.totals().datagrams) + " from "
                + exporterText(d.source, d.sourcePort) + ", byte ";
            for (DecodeIssue& i : m_decodeIssues) {
                ++m_rejectedRecords;
                addIssue(where + std::to_string(i.offset) + ": " + i.reason);
            }
            m_decodeIssues.clear();
        }
    }
    const DecoderTotals& t = m_decoder.totals();
    m_flows = t.flows;
    m_templates = t.templates;
    m_bufferedSets = t.bufferedSets;
    m_droppedSets = t.droppedSets;
    m_heldSets = m_decoder.heldSets();
}

bool FlowCollector::commit(bool final)
{
    std::vector<FlowStore::TemplateRecord> templates;
    templates.reserve(m_templateChanges.size());
    for (const TemplateChange& c : m_templateChanges) {
        FlowStore::TemplateRecord r;
        r.address = c.exporter.address;
        r.port = c.exporter.port;
        r.domain = c.exporter.domain;
        r.version = c.exporter.version;
        r.templateId = c.templateId;
        r.options = c.options;
        r.withdrawn = c.withdrawn;
        r.fields = TemplateText::format(c.fields);
        templates.push_back(std::move(r));
    }
    std::vector<ExporterOptions> options = m_decoder.exporterOptions();
    std::vector<FlowStore::ExporterOptionsRecord> changed;
    for (const ExporterOptions& o : options)
        if (std::find(m_savedOptions.begin(), m_savedOptions.end(), o) == m_savedOptions.end())
            changed.push_back({o.exporter.address, o.exporter.port, o.exporter.domain, o.exporter.version,
                               o.systemInitMs, o.samplingRate, samplerText(o.samplerRates)});

    const UdpReceiver::Counters rc = m_receiver.counters();
    std::vector<ImportIssue> issues = m_issues;
    if (final) {
        auto note = [&](uint64_t n, const char* what) {
            if (n)
                issues.push_back(ImportIssue{sourceName(), -1, -1, std::to_string(n) + what});
        };
        note(rc.rejected, " datagrams from sources outside --exporters were rejected");
        note(rc.queueDrops, " datagrams were lost: the writer fell behind and the queue was full");
        note(rc.kernelDrops, " datagrams were lost by the kernel: the socket buffer was full");
    }
    const uint64_t kept = m_flowsStored + m_pending.size();
    const bool ok = m_store->beginLiveBatch() && m_store->insertFlows(m_pending) && m_store->saveTemplates(templates)
        && m_store->saveExporterOptions(changed)
        && m_store->commitLiveBatch(kept + m_rejectedRecords, kept, m_rejectedRecords, int64_t(rc.bytes), issues);
    if (!ok) {
        const std::string why = m_store->lastError();
        m_store->rollbackImport();
        // Another writer (an analysis saving findings) can hold the case for a
        // moment: keep the flows and try again, within bounds.
        if (final || ++m_failedCommits >= kMaxFailedCommits || m_pending.size() > kMaxUncommittedFlows)
            fail(m_settings.casePath + ": cannot store the collected flows: " + why);
        return false;
    }
    m_failedCommits = 0;
    m_flowsStored = kept;
    ++m_commits;
    if (final)
        m_flushed = true; // everything received is in the case; only the index build is left
    m_pending.clear();
    m_templateChanges.clear();
    m_savedOptions = std::move(options);
    if (m_capture.isOpen() && !m_capture.flush())
        fail(m_capture.lastError());
    std::vector<ExporterStats> exporters = sessionExporterStats();
    std::lock_guard lock(m_snapshotMutex);
    m_exporterSnapshot = std::move(exporters);
    m_issuesSnapshot = issues;
    return true;
}

void FlowCollector::restoreReturning(const IpAddress& address, uint16_t port)
{
    for (const FlowStore::TemplateRecord& t : m_store->templates(address, port)) {
        std::vector<RawField> fields;
        if ((t.version == 9 || t.version == 10) && TemplateText::parse(t.fields, fields))
            m_decoder.restoreTemplate({t.address, t.port, t.domain, t.version}, t.templateId, t.options, fields);
    }
    for (const FlowStore::ExporterOptionsRecord& o : m_store->exporterOptions(address, port))
        m_decoder.restoreExporterOptions({{o.address, o.port, o.domain, o.version}, o.systemInitMs, o.samplingRate,
                                          parseSamplers(o.samplerRates)});
    ++m_exportersReturned;
}

void FlowCollector::expireIdleExporters()
{
    if (m_settings.exporterIdleTimeoutMs <= 0)
        return;
    // Checked a few times per timeout, at most once a second: a scan of every exporter.
    const auto now = std::chrono::steady_clock::now();
    if (now < m_nextExpiry)
        return;
    m_nextExpiry = now + std::chrono::milliseconds(std::clamp<int64_t>(m_settings.exporterIdleTimeoutMs / 4, 1, 1000));
    // The receiver stamps datagrams with UTC epoch µs: idle time is on that clock.
    const int64_t nowUs = std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
    const std::vector<ExporterStats> expired
        = m_decoder.expireIdle(nowUs, m_settings.exporterIdleTimeoutMs * 1000, m_pending, m_decodeIssues);
    if (expired.empty())
        return;
    constexpr size_t kMaxExpiredKept = 4096; // statistics and returning sources remembered
    for (const ExporterStats& e : expired) {
        if (e.datagrams) {
            auto [it, inserted] = m_expiredStats.try_emplace(e.key, e);
            if (!inserted)
                addExporterStats(it->second, e);
            else if (m_expiredStats.size() > kMaxExpiredKept)
                m_expiredStats.erase(it);
        }
        // Everything the decoder knew of it is committed (expiry follows a commit).
        if (m_expiredSources.size() < 16 * kMaxExpiredKept)
            m_expiredSources.insert({e.key.address, e.key.port});
    }
    m_exportersExpired += expired.size();
    for (DecodeIssue& i : m_decodeIssues) {
        ++m_rejectedRecords;
        addIssue(std::move(i.reason));
    }
    m_decodeIssues.clear();
    m_heldSets = m_decoder.heldSets();
    m_droppedSets = m_decoder.totals().droppedSets;
    m_flows = m_decoder.totals().flows;
}

std::vector<ExporterStats> FlowCollector::sessionExporterStats() const
{
    std::vector<ExporterStats> exporters = m_decoder.exporterStats();
    // Exporters known only from the templates restored at start sent nothing this session.
    std::erase_if(exporters, [](const ExporterStats& e) { return e.datagrams == 0; });
    if (m_expiredStats.empty())
        return exporters;
    // An exporter that expired and came back is one line, its counts summed.
    std::unordered_set<ExporterKey, ExporterKeyHash> back;
    for (ExporterStats& e : exporters)
        if (auto it = m_expiredStats.find(e.key); it != m_expiredStats.end()) {
            addExporterStats(e, it->second);
            back.insert(e.key);
        }
    for (const auto& [key, e] : m_expiredStats)
        if (!back.count(key))
            exporters.push_back(e);
    return exporters;
}

void FlowCollector::writerLoop()
{
    using Clock = std::chrono::steady_clock;
    const auto interval = std::chrono::milliseconds(std::max(m_settings.commitIntervalMs, 10));
    auto deadline = Clock::now() + interval;
    uint64_t committedDatagrams = 0;
    for (;;) {
        std::unique_ptr<DatagramBatch> batch = m_queue->pop(deadline);
        if (batch) {
            if (!m_failed)
                decodeBatch(*batch);
            m_queue->recycle(std::move(batch));
        }
        const bool closed = m_queue->closedAndEmpty();
        if (closed)
            break;
        if (m_failed)
            continue; // keep the queue moving until stop(); nothing more is written
        const bool due = Clock::now() >= deadline;
        if (m_pending.size() >= m_settings.commitFlows || due) {
            // Commit when anything changed: flows, templates, or datagrams counted.
            bool committed = m_pending.empty() && m_templateChanges.empty() && m_decoded == committedDatagrams;
            if (!committed && commit(false)) {
                committedDatagrams = m_decoded;
                committed = true;
            }
            if (committed)
                expireIdleExporters();
            deadline = Clock::now() + interval;
        }
    }
    if (m_failed)
        return;
    // End of input: sets still waiting for systemInitTimeMilliseconds get the
    // export time; data whose template never came is reported.
    m_decoder.finish(m_pending, m_decodeIssues);
    for (DecodeIssue& i : m_decodeIssues) {
        ++m_rejectedRecords;
        addIssue(std::move(i.reason));
    }
    m_decodeIssues.clear();
    const DecoderTotals& t = m_decoder.totals();
    m_flows = t.flows;
    m_droppedSets = t.droppedSets;
    m_heldSets = m_decoder.heldSets();
    if (commit(true) && !m_store->finishLiveImport())
        fail(m_settings.casePath + ": the flows are stored, but the indexes could not be built: "
             + m_store->lastError());
}

FlowCollector::Stats FlowCollector::stats() const
{
    Stats s;
    if (m_started != std::chrono::steady_clock::time_point()) {
        const auto end = m_running ? std::chrono::steady_clock::now() : m_stopped;
        s.seconds = std::chrono::duration<double>(end - m_started).count();
    }
    const UdpReceiver::Counters rc = m_receiver.counters();
    s.datagrams = rc.datagrams;
    s.bytes = rc.bytes;
    s.rejected = rc.rejected;
    s.queueDrops = rc.queueDrops;
    s.kernelDrops = rc.kernelDrops;
    s.decoded = m_decoded;
    s.notExport = m_notExport;
    s.malformed = m_malformed;
    s.flows = m_flows;
    s.flowsStored = m_flowsStored;
    s.templates = m_templates;
    s.templatesRestored = m_templatesRestored;
    s.heldSets = m_heldSets;
    s.bufferedSets = m_bufferedSets;
    s.droppedSets = m_droppedSets;
    s.queueBytes = m_queue ? m_queue->bytesQueued() : 0;
    s.commits = m_commits;
    s.captured = m_captured;
    s.exportersExpired = m_exportersExpired;
    s.exportersReturned = m_exportersReturned;
    return s;
}

std::vector<ExporterStats> FlowCollector::exporterStats() const
{
    std::lock_guard lock(m_snapshotMutex);
    return m_exporterSnapshot;
}

std::vector<ImportIssue> FlowCollector::issues() const
{
    std::lock_guard lock(m_snapshotMutex);
    return m_issuesSnapshot;
}
