#pragma once

#include "decode/TemplateCache.h"
#include "model/FlowRecord.h"

#include <cstdint>
#include <string>
#include <vector>

// A problem inside one datagram: byte offset from the start of the UDP payload.
struct DecodeIssue {
    size_t offset = 0;
    std::string reason;
};

struct DecoderTotals {
    uint64_t datagrams = 0;   // all datagrams offered
    uint64_t notExport = 0;   // not recognised as NetFlow/IPFIX
    uint64_t v5 = 0;
    uint64_t v9 = 0;
    uint64_t ipfix = 0;
    uint64_t flows = 0;
    uint64_t optionsRecords = 0;
    uint64_t templates = 0;
    uint64_t malformed = 0;   // datagrams or sets that could not be fully decoded
    uint64_t bufferedSets = 0;
    uint64_t droppedSets = 0; // data sets never decoded (no template, buffer full)
    uint64_t sequenceGaps = 0;
};

// Decodes NetFlow v5, v9 (RFC 3954) and IPFIX (RFC 7011) datagrams into
// FlowRecords. Datagrams are recognised by their header, not by port.
// Templates, options data (system init time, sampling) and data sets that
// came before their template are kept per exporter address, port and
// source id / observation domain.
class ExportDecoder final {
public:
    enum class Kind { NotExport, NetflowV5, NetflowV9, Ipfix };

    // Header plausibility only; does not touch decoder state.
    static Kind detect(const uint8_t* data, size_t length);

    // Appends the flow records of one datagram to out (and of buffered sets
    // its templates unlock). Problems go to issues; records decoded before a
    // problem are kept. Never reads outside [data, data + length).
    Kind decode(const IpAddress& exporter, uint16_t exporterPort, int64_t captureUs, const uint8_t* data,
                size_t length, std::vector<FlowRecord>& out, std::vector<DecodeIssue>& issues);

    // End of input: reports data sets whose template never arrived.
    void finish(std::vector<DecodeIssue>& issues);

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
    };

    void decodeV5(const ExporterKey& base, const uint8_t* d, size_t len, std::vector<FlowRecord>& out,
                  std::vector<DecodeIssue>& issues);
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
    void defineTemplate(Context& ctx, CompiledTemplate&& t, std::vector<FlowRecord>& out,
                        std::vector<DecodeIssue>& issues);
    uint64_t decodeDataSet(Context& ctx, const CompiledTemplate& t, const uint8_t* d, size_t len, size_t baseOffset,
                           std::vector<FlowRecord>& out, std::vector<DecodeIssue>& issues);
    void bufferSet(Context& ctx, uint16_t templateId, int64_t captureUs, const uint8_t* d, size_t len,
                   size_t baseOffset, std::vector<DecodeIssue>& issues);

    TemplateCache m_cache;
    DecoderTotals m_totals;
    std::vector<RawField> m_fieldScratch; // reused while parsing templates
};
