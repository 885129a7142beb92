#pragma once

#include "decode/ExtraKey.h"
#include "model/IpAddress.h"

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

// What a template field is decoded into. Templates are compiled once into a
// list of (length, target) actions so data records decode without lookups.
enum class FieldTarget : uint8_t {
    Skip,
    SrcV4, DstV4, SrcV6, DstV6,
    SrcPort, DstPort, Protocol, TcpFlags, Tos,
    Bytes, Packets, OctetTotal, PacketTotal,
    RevBytes, RevPackets, RevOctetTotal, RevPacketTotal,
    InitiatorOctets, ResponderOctets,      // IE 231/232 (Cisco NSEL forward/reverse delta bytes)
    InitiatorPackets, ResponderPackets,    // IE 298/299
    InputIf, OutputIf,
    SysUpFirst, SysUpLast,           // IE 22/21: ms since (re)boot
    StartSec, EndSec,                // IE 150/151
    StartMs, EndMs,                  // IE 152/153
    StartNtp, EndNtp,                // IE 154..157: NTP 64-bit (RFC 7011 §6.1.9-10)
    StartDeltaUs, EndDeltaUs,        // IE 158/159: µs before export time
    EventTimeMs,                     // IE 323 observationTimeMilliseconds (NSEL event time)
    SystemInitMs,                    // IE 160
    SamplingInterval,                // IE 34, 50, 305
    SamplingSpace,                   // IE 306 samplingPacketSpace (RFC 5477 §8.2.3)
    SamplerId,                       // IE 48 (v9 FLOW_SAMPLER_ID) / 302 selectorId
    IcmpTypeCode,                    // IE 32/139: type * 256 + code
    IcmpType, IcmpCode,              // IE 176/177, 178/179
    Extra,                           // rarer field, formatted into FlowRecord::extra (see ExtraKey)
};

// Key of a rarer field in FlowRecord::extra. Indices below the core count
// are TemplateCache's own keys; above, the elements of VendorElements and
// their reverse direction. Stable for the life of the program.
const ExtraKey& extraKey(uint16_t index);
// extraKey() indices [1, coreExtraKeyCount()) are TemplateCache's own keys,
// up to extraKeyCount() those of VendorElements (forward, then reverse).
uint16_t coreExtraKeyCount();
uint16_t extraKeyCount();

// At most this many fields of one template go into extra (the rest are
// skipped when the template is compiled, so a record never needs more).
constexpr size_t kMaxExtraFields = 128;

constexpr uint16_t kVariableLength = 0xFFFF; // RFC 7011 §7

struct FieldAction {
    uint16_t length = 0; // kVariableLength: 1-byte length, 255 escapes to 2 bytes
    FieldTarget target = FieldTarget::Skip;
    ExtraFormat format = ExtraFormat::Unsigned; // FieldTarget::Extra: how this field is written
    uint16_t extra = 0;  // FieldTarget::Extra: index of its ExtraKey
};

// A field specifier as it appears on the wire.
struct RawField {
    uint16_t id = 0;
    uint16_t length = 0;
    uint32_t enterprise = 0; // IPFIX only; 0 = IANA
    bool scope = false;      // NetFlow v9 options scope field: id is a scope type (RFC 3954 §6.1)
    bool operator==(const RawField&) const = default;
};

struct CompiledTemplate {
    uint16_t id = 0;
    bool isOptions = false;
    bool variableLength = false;
    bool hasOctetDelta = false;  // IE 1 present: octetTotalCount stays out of bytes
    bool hasPacketDelta = false;
    bool hasRevOctetDelta = false;
    bool hasRevPacketDelta = false;
    bool hasInitiatorOctets = false; // NSEL IE 231/298: initiator/responder counters
    bool hasInitiatorPackets = false;
    bool needsSystemInit = false; // IPFIX IE 22/21 without IE 160 in the record
    uint16_t fieldCount = 0;
    uint32_t minRecordLength = 0; // fixed lengths + 1 byte per variable field
    std::vector<FieldAction> actions;
    std::vector<RawField> fields; // as received: a resent, unchanged template is not compiled again
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
    uint64_t sequenceGaps = 0;    // times the sequence number jumped ahead
    // Units lost per the version's sequence rule: v5 flows, v9 export packets
    // (RFC 3954 §5.1), IPFIX data records (RFC 7011 §3.1).
    uint64_t sequenceLost = 0;
    uint64_t sequenceRestarts = 0; // exporter restarted (uptime or sequence went back)
    uint64_t sequenceReordered = 0; // late datagrams (sequence slightly behind)
    uint64_t malformed = 0;
    uint64_t bufferedSets = 0;    // data sets held until their template arrived
    uint64_t droppedSets = 0;     // data sets never decoded (buffer full or no template)
    // DecoderLimits reached by this exporter:
    uint64_t templatesRefused = 0;  // template records not kept (template limits)
    uint64_t templatesTooLarge = 0; // templates refused for their field count or record length
    uint64_t pendingOverflow = 0;   // data sets dropped, held data at its limits (in droppedSets too)
    uint64_t optionsNotKept = 0;    // options records not kept as metadata
};

// A data set that arrived before its template, with the header context needed
// to decode it later.
struct PendingSet {
    uint16_t templateId = 0;
    uint16_t version = 0;
    uint32_t exportSecs = 0;
    uint32_t sysUptimeMs = 0;
    int64_t captureUs = 0;
    std::vector<uint8_t> bytes; // set body, without the 4-byte set header
};

struct ExporterState {
    ExporterStats stats;
    std::unordered_map<uint16_t, CompiledTemplate> templates;
    std::vector<uint16_t> withdrawn; // IPFIX template ids withdrawn and not redefined since
    std::deque<PendingSet> pending;
    // IPFIX data sets with uptime-relative times (IE 22/21) held until the
    // options record with systemInitTimeMilliseconds (IE 160) arrives.
    std::deque<PendingSet> initPending;
    size_t pendingBytes = 0;             // both queues
    std::optional<int64_t> systemInitMs; // from options data (IE 160)
    uint32_t samplingRate = 0;           // from options data without a sampler id (IE 34/50/305); 0 = none
    // Sampler id -> rate from options data (v9 FLOW_SAMPLER_ID 48, IPFIX selectorId 302).
    std::vector<std::pair<uint32_t, uint32_t>> samplerRates;
    std::optional<uint32_t> nextSequence;
    uint32_t lastUptimeMs = 0;           // v5/v9 header sysUptime, to see restarts
    // Capture time (µs) of its last datagram; kNotSeen: none yet (restored from a case).
    static constexpr int64_t kNotSeen = INT64_MIN;
    int64_t lastSeenUs = kNotSeen;
    bool overflowReported = false;
    bool templateLimitReported = false;
    bool templateSizeReported = false;
    bool optionsLimitReported = false;
    // Options data records (interface and application tables, sampler
    // settings...) as compact JSON: exporter metadata, capped in count and bytes.
    std::vector<std::string> optionsRecords;
    size_t optionsBytes = 0;
    static constexpr size_t kMaxOptionsRecords = 4096;
};

// Templates and per-exporter state, keyed by ExporterKey.
class TemplateCache final {
public:
    // The exporter's state, created on first use.
    ExporterState& state(const ExporterKey& key);
    // The exporter's state if it has one.
    ExporterState* find(const ExporterKey& key);
    const std::unordered_map<ExporterKey, ExporterState, ExporterKeyHash>& exporters() const { return m_exporters; }
    void erase(const ExporterKey& key);
    void clear();

    // Compiles wire field specifiers. ipfix selects IPFIX semantics
    // (enterprise bit, variable length). Fields the core mapping does not
    // take are looked up in VendorElements (v9 types above 32767 are vendor
    // fields without a PEN, RFC 3954 §6.2 reserves none); unknown ones are skipped.
    static CompiledTemplate compile(uint16_t id, bool ipfix, bool options, const RawField* fields, size_t count);

private:
    std::unordered_map<ExporterKey, ExporterState, ExporterKeyHash> m_exporters;
    ExporterKey m_lastKey;
    ExporterState* m_last = nullptr;
};
