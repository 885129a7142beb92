#pragma once

#include "model/IpAddress.h"

#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>
#include <vector>

// What a template field is decoded into. Templates are compiled once into a
// list of (length, target) actions so data records decode without lookups.
enum class FieldTarget : uint8_t {
    Skip,
    SrcV4, DstV4, SrcV6, DstV6, NextHopV4,
    SrcPort, DstPort, Protocol, TcpFlags, Tos,
    Bytes, Packets, OctetTotal, PacketTotal,
    RevBytes, RevPackets, RevOctetTotal, RevPacketTotal,
    InputIf, OutputIf,
    SysUpFirst, SysUpLast,           // IE 22/21: ms since (re)boot
    StartSec, EndSec,                // IE 150/151
    StartMs, EndMs,                  // IE 152/153
    StartNtp, EndNtp,                // IE 154..157: NTP 64-bit (RFC 7011 §6.1.9-10)
    StartDeltaUs, EndDeltaUs,        // IE 158/159: µs before export time
    SystemInitMs,                    // IE 160
    SamplingInterval,                // IE 34, 50, 305
    Direction, EndReason, SrcAs, DstAs, SrcVlan, DstVlan, OutBytes, OutPackets,
};

constexpr uint16_t kVariableLength = 0xFFFF; // RFC 7011 §7

struct FieldAction {
    uint16_t length = 0; // kVariableLength: 1-byte length, 255 escapes to 2 bytes
    FieldTarget target = FieldTarget::Skip;
};

// A field specifier as it appears on the wire.
struct RawField {
    uint16_t id = 0;
    uint16_t length = 0;
    uint32_t enterprise = 0; // IPFIX only; 0 = IANA
};

struct CompiledTemplate {
    uint16_t id = 0;
    bool isOptions = false;
    bool variableLength = false;
    bool hasOctetDelta = false;  // IE 1 present: octetTotalCount stays out of bytes
    bool hasPacketDelta = false;
    bool hasRevOctetDelta = false;
    bool hasRevPacketDelta = false;
    bool needsSystemInit = false; // IPFIX IE 22/21 without IE 160 in the record
    uint16_t fieldCount = 0;
    uint32_t minRecordLength = 0; // fixed lengths + 1 byte per variable field
    std::vector<FieldAction> actions;
};

// Identifies one template space: RFC 3954 §5.1 (source id) and RFC 7011 §3.1
// (observation domain) scope templates to the exporter; we add the transport
// port so two processes on one host never share templates.
struct ExporterKey {
    IpAddress address;
    uint16_t port = 0;
    uint32_t domain = 0;
    uint16_t version = 0;
    bool operator==(const ExporterKey&) const = default;
};

struct ExporterKeyHash {
    size_t operator()(const ExporterKey& k) const noexcept
    {
        return std::hash<IpAddress>{}(k.address) ^ (size_t(k.port) * 0x9E3779B1u) ^ (size_t(k.domain) << 20)
            ^ (size_t(k.version) << 52);
    }
};

struct ExporterStats {
    ExporterKey key;
    uint64_t datagrams = 0;
    uint64_t flows = 0;
    uint64_t optionsRecords = 0;
    uint64_t templates = 0;       // template records received (incl. refreshes)
    uint64_t sequenceGaps = 0;
    uint64_t malformed = 0;
    uint64_t bufferedSets = 0;    // data sets held until their template arrived
    uint64_t droppedSets = 0;     // data sets never decoded (buffer full or no template)
};

// A data set that arrived before its template, with the header context needed
// to decode it later.
struct PendingSet {
    uint16_t templateId = 0;
    uint32_t exportSecs = 0;
    uint32_t sysUptimeMs = 0;
    int64_t captureUs = 0;
    std::vector<uint8_t> bytes; // set body, without the 4-byte set header
};

struct ExporterState {
    ExporterStats stats;
    std::unordered_map<uint16_t, CompiledTemplate> templates;
    std::deque<PendingSet> pending;
    size_t pendingBytes = 0;
    std::optional<int64_t> systemInitMs; // from options data (IE 160)
    uint32_t samplingRate = 1;           // from options data (IE 34/50/305)
    std::optional<uint32_t> nextSequence;
    bool overflowReported = false;
};

// Templates and per-exporter state, keyed by ExporterKey.
class TemplateCache final {
public:
    // Bounds on data held for templates that have not arrived yet.
    static constexpr size_t kMaxPendingSets = 1024;
    static constexpr size_t kMaxPendingBytes = 8u << 20;

    ExporterState& state(const ExporterKey& key);
    const std::unordered_map<ExporterKey, ExporterState, ExporterKeyHash>& exporters() const { return m_exporters; }
    void clear();

    // Compiles wire field specifiers. ipfix selects IPFIX semantics
    // (enterprise bit, variable length); v9 types above 32767 are vendor
    // fields without a PEN (RFC 3954 §6.2 reserves none) and are skipped.
    static CompiledTemplate compile(uint16_t id, bool ipfix, bool options, const RawField* fields, size_t count);

private:
    std::unordered_map<ExporterKey, ExporterState, ExporterKeyHash> m_exporters;
    ExporterKey m_lastKey;
    ExporterState* m_last = nullptr;
};
