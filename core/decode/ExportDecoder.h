#pragma once

#include "decode/TemplateCache.h"
#include "model/FlowRecord.h"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

// A problem inside one datagram: byte offset from the start of the UDP payload.
struct DecodeIssue {
    size_t offset = 0;
    std::string reason;
};

// One options data record (RFC 3954 §6.2, RFC 7011 §3.4.2.2), as compact JSON.
struct OptionsRecord {
    ExporterKey exporter;
    uint16_t templateId = 0;
    size_t flowPosition = 0; // size of the output vector when it was decoded (orders it among flows)
    std::string json;
};

// A template that was defined, changed or withdrawn (RFC 7011 §8.1), for a
// collector that keeps templates across restarts. Resent, unchanged
// templates are not reported.
struct TemplateChange {
    ExporterKey exporter;
    uint16_t templateId = 0;
    bool options = false;
    bool withdrawn = false;
    std::vector<RawField> fields; // as received; empty when withdrawn
};

// What options data told about an exporter that later data depends on.
struct ExporterOptions {
    ExporterKey exporter;
    std::optional<int64_t> systemInitMs;
    uint32_t samplingRate = 0; // 0 = none announced
    std::vector<std::pair<uint32_t, uint32_t>> samplerRates;
    bool operator==(const ExporterOptions&) const = default;
};

struct DecoderTotals {
    uint64_t datagrams = 0;   // all datagrams offered
    uint64_t notExport = 0;   // not recognised as NetFlow/IPFIX
    uint64_t v1 = 0;
    uint64_t v5 = 0;
    uint64_t v7 = 0;
    uint64_t v9 = 0;
    uint64_t ipfix = 0;
    uint64_t flows = 0;
    uint64_t optionsRecords = 0;
    uint64_t templates = 0;
    uint64_t malformed = 0;   // datagrams or sets that could not be fully decoded
    uint64_t bufferedSets = 0;
    uint64_t droppedSets = 0; // data sets never decoded (no template, buffer full)
    uint64_t sequenceGaps = 0;
    // DecoderLimits reached (each also reported once as an issue):
    uint64_t exportersRefused = 0;  // datagrams not decoded: maxExporters exporters already have state
    uint64_t templatesRefused = 0;  // template records not kept: per-exporter or total template limit
    uint64_t templatesTooLarge = 0; // templates refused for their field count or record length
    uint64_t pendingOverflow = 0;   // data sets dropped because held data reached its limits (in droppedSets too)
    uint64_t optionsNotKept = 0;    // options records applied but not kept as metadata (metadata limit)
    uint64_t exportersExpired = 0;  // exporter states forgotten after being idle (expireIdle)
};

// Bounds on what the datagrams of one capture, or an exporter sending hostile
// data for as long as it likes, can make the decoder hold. Generous for real
// exporters (the largest templates seen have under 100 fields, exporters use
// tens of templates); each refusal is counted in DecoderTotals and
// ExporterStats and reported once as a DecodeIssue.
struct DecoderLimits {
    // Template spaces (address, port, observation domain, version) with state.
    size_t maxExporters = 4096;
    size_t maxTemplatesPerExporter = 4096;
    size_t maxTemplatesTotal = 16384;
    // Field specifiers in one template (a set has room for 16383).
    size_t maxTemplateFields = 512;
    // Data sets held until their template (or systemInitTimeMilliseconds) arrives.
    size_t maxPendingSetsPerExporter = 1024;
    size_t maxPendingBytesPerExporter = 8u << 20;
    size_t maxPendingBytesTotal = 64u << 20;
    // Options records kept as exporter metadata (JSON text).
    size_t maxOptionsBytesPerExporter = 1u << 20;
    size_t maxOptionsBytesTotal = 16u << 20;
    // A record must fit one set of one message: a template whose fixed fields
    // alone are longer can describe nothing (RFC 7011 §3.1: 16-bit message length).
    static constexpr size_t kMaxRecordBytes = 65535 - 16 - 4;
};

// Decodes NetFlow v1, v5, v7, v9 (RFC 3954) and IPFIX (RFC 7011) datagrams into
// FlowRecords. Datagrams are recognised by their header, not by port.
// Templates, options data (system init time, sampling) and data sets that
// came before their template are kept per exporter address, port and
// source id / observation domain.
class ExportDecoder final {
public:
    enum class Kind { NotExport, NetflowV1, NetflowV5, NetflowV7, NetflowV9, Ipfix };

    ExportDecoder() = default;
    explicit ExportDecoder(const DecoderLimits& limits) : m_limits(limits) {}

    // Header plausibility only; does not touch decoder state.
    static Kind detect(const uint8_t* data, size_t length);
    // Why detect() says NotExport ("unknown version 65535", "truncated NetFlow v5 header ...").
    static std::string notExportReason(const uint8_t* data, size_t length);

    // Options data records are also appended here (in decode order) when set.
    void setOptionsOutput(std::vector<OptionsRecord>* sink) { m_optionsOut = sink; }
    // Template definitions and withdrawals are appended here when set.
    void setTemplateOutput(std::vector<TemplateChange>* sink) { m_templatesOut = sink; }

    // Brings back what an earlier run learnt (a collector restarting): the
    // template is compiled as if received, without counting it.
    void restoreTemplate(const ExporterKey& exporter, uint16_t templateId, bool options,
                         const std::vector<RawField>& fields);
    void restoreExporterOptions(const ExporterOptions& options);
    // Exporters that announced a system init time or sampling rates.
    std::vector<ExporterOptions> exporterOptions() const;
    // Data sets waiting for their template (or for systemInitTimeMilliseconds), all exporters.
    size_t heldSets() const;
    // Held IPFIX sets waiting for systemInitTimeMilliseconds are decoded with
    // the export time after this much capture time (µs).
    static constexpr int64_t kMaxInitWaitUs = 60'000'000;

    // Appends the flow records of one datagram to out (and of buffered sets
    // its templates unlock). Problems go to issues; records decoded before a
    // problem are kept. Never reads outside [data, data + length).
    Kind decode(const IpAddress& exporter, uint16_t exporterPort, int64_t captureUs, const uint8_t* data,
                size_t length, std::vector<FlowRecord>& out, std::vector<DecodeIssue>& issues);

    // End of input: decodes sets still held for systemInitTimeMilliseconds
    // (with the export time) into out, and reports data sets whose template never arrived.
    void finish(std::vector<FlowRecord>& out, std::vector<DecodeIssue>& issues);
    void finish(std::vector<DecodeIssue>& issues); // same, dropping held flows (tests)
    // Forgets the state (templates, options, held data) of every exporter
    // whose last datagram is more than idleUs before nowUs (both capture time,
    // µs), so that a long-running collector makes room for new exporters
    // under maxExporters. Held sets waiting for systemInitTimeMilliseconds are
    // decoded into out with the export time; sets waiting for a template are
    // dropped (counted, reported). An exporter restored without a datagram yet
    // starts its idle time at the first call. Returns the forgotten exporters'
    // statistics.
    std::vector<ExporterStats> expireIdle(int64_t nowUs, int64_t idleUs, std::vector<FlowRecord>& out,
                                          std::vector<DecodeIssue>& issues);
    const TemplateCache& cache() const { return m_cache; }
    const DecoderLimits& limits() const { return m_limits; }
    size_t templateCount() const { return m_templateCount; }      // over all exporters
    size_t pendingBytes() const { return m_pendingBytesTotal; }   // held data sets, all exporters
    size_t optionsBytes() const { return m_optionsBytesTotal; }   // kept options records, all exporters

    const DecoderTotals& totals() const { return m_totals; }
    std::vector<ExporterStats> exporterStats() const;

private:
    struct Context {
        ExporterState* state = nullptr;
        const ExporterKey* key = nullptr;
        uint16_t version = 0;
        uint32_t exportSecs = 0;
        uint32_t sysUptimeMs = 0; // v9 only
        int64_t exportMs = 0;
        bool truncated = false; // the message announces more bytes than arrived (IPFIX length)
    };

    // NetFlow v1, v5, v7: fixed header and records.
    void decodeFixed(uint16_t version, const ExporterKey& base, const uint8_t* d, size_t len,
                     std::vector<FlowRecord>& out, std::vector<DecodeIssue>& issues);
    // Sequence accounting; increment is what this datagram adds to the sequence.
    void checkSequence(ExporterState& st, uint32_t sequence, uint32_t increment, bool restarted);
    void decodeV9(const ExporterKey& base, int64_t captureUs, const uint8_t* d, size_t len,
                  std::vector<FlowRecord>& out, std::vector<DecodeIssue>& issues);
    // Returns the bytes consumed (the message length), 0 when nothing usable.
    size_t decodeIpfixMessage(const ExporterKey& base, int64_t captureUs, const uint8_t* d, size_t len,
                              size_t baseOffset, std::vector<FlowRecord>& out, std::vector<DecodeIssue>& issues);

    // Walks the sets of a v9 packet or IPFIX message; returns data records decoded
    // and sets anyBuffered when a set had to wait for its template.
    uint64_t decodeSets(Context& ctx, int64_t captureUs, const uint8_t* d, size_t len, size_t baseOffset,
                        bool& anyBuffered, std::vector<FlowRecord>& out, std::vector<DecodeIssue>& issues);
    // Applies options data sets found in d (later in the same message) to the exporter state.
    void applyOptionsAhead(Context& ctx, const uint8_t* d, size_t len);
    void parseTemplateSet(Context& ctx, uint16_t setId, const uint8_t* d, size_t len, size_t baseOffset,
                          std::vector<FlowRecord>& out, std::vector<DecodeIssue>& issues);
    // Keeps the template (within the template limits) and decodes the data sets that waited for it.
    void defineTemplate(Context& ctx, CompiledTemplate&& t, size_t offset, std::vector<FlowRecord>& out,
                        std::vector<DecodeIssue>& issues);
    // Counts and reports a template refused for its field count or record length.
    void refuseLargeTemplate(Context& ctx, uint16_t id, size_t offset, std::string why,
                             std::vector<DecodeIssue>& issues);
    uint64_t decodeDataSet(Context& ctx, const CompiledTemplate& t, const uint8_t* d, size_t len, size_t baseOffset,
                           std::vector<FlowRecord>& out, std::vector<DecodeIssue>& issues);
    void bufferSet(Context& ctx, uint16_t templateId, int64_t captureUs, const uint8_t* d, size_t len,
                   size_t baseOffset, std::vector<DecodeIssue>& issues, bool waitForInit = false);
    // Decodes the sets held for systemInitTimeMilliseconds (with the export time when it never came).
    void flushInitPending(Context& ctx, std::vector<FlowRecord>& out, std::vector<DecodeIssue>& issues);
    uint32_t fallbackSamplingRate(const ExporterState& st, const IpAddress& address) const;
    // The state of an exporter, created while fewer than maxExporters have one; nullptr (counted, reported) after.
    ExporterState* exporterState(const ExporterKey& key, std::vector<DecodeIssue>& issues);
    // Forgets a held data set's bytes (it was decoded or dropped).
    void releasePending(ExporterState& st, size_t bytes);
    // Whether a data set of this size may be held; pendingLimit says which limit it would pass.
    bool pendingFits(const ExporterState& st, size_t bytes) const
    {
        return st.pending.size() + st.initPending.size() < m_limits.maxPendingSetsPerExporter
            && st.pendingBytes + bytes <= m_limits.maxPendingBytesPerExporter
            && m_pendingBytesTotal + bytes <= m_limits.maxPendingBytesTotal;
    }
    std::string pendingLimit(const ExporterState& st, size_t bytes) const;

    DecoderLimits m_limits;
    TemplateCache m_cache;
    size_t m_templateCount = 0;
    size_t m_pendingBytesTotal = 0;
    size_t m_optionsBytesTotal = 0;
    bool m_exporterLimitReported = false;
    DecoderTotals m_totals;
    int64_t m_captureUs = 0; // of the datagram being decoded: exporters' last-seen time
    std::vector<RawField> m_fieldScratch; // reused while parsing templates
    std::vector<OptionsRecord>* m_optionsOut = nullptr;
    std::vector<TemplateChange>* m_templatesOut = nullptr;
    bool m_lookingAhead = false; // options decoded early: no metadata, no output
    // Sampling rate last announced by any exporting process of an address:
    // some exporters send options from another source port than the flows.
    std::unordered_map<IpAddress, uint32_t> m_addressSampling;
};
