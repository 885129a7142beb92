#pragma once

#include "model/FlowRecord.h"
#include "model/IpAddress.h"

#include <cstdint>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

struct NfdumpDecodeProblem {
    size_t offset = 0; // byte offset of the record inside the (decompressed) block
    std::string reason;
};

// Decodes the records inside nfdump data blocks into flows:
//  - nfdump 1.7 V3 records (type 11): a 12-byte header and extension
//    elements (EXgenericFlow, EXipv4Flow, EXipv6Flow, EXflowMisc, EXcntFlow,
//    EXvLan, EXasRouting, next hops, EXipReceived*, EXsamplerInfo, EXobservation);
//  - nfdump 1.6 common records (type 10) laid out by extension maps (type 2);
//  - exporter (type 7) and sampler (types 9 and 15) records, which later flow
//    records refer to by the exporter's system id.
// State (exporters, samplers, extension maps) carries over from block to block.
// Multi-byte values are stored in the writer's (little-endian) host order;
// IPv6 addresses as two host-order 64-bit halves.
//
// Counts: nfcapd multiplies packets and bytes by the sampling rate when it
// stores a sampled flow, so the counters read here are already scaled. The
// flows therefore keep samplingRate = 1 (scaling them again would be wrong)
// and carry the interval nfcapd applied in extra ("samplingInterval",
// "countsScaled": true). nfcapd 1.6 does not always record the interval (its
// command-line default); then only "countsScaled" is there.
class NfdumpRecordDecoder final {
public:
    struct Totals {
        uint64_t flows = 0;
        uint64_t rejected = 0;       // flow records that could not be decoded, and records lost to a damaged block
        uint64_t unknownRecords = 0; // record types this decoder does not know (also in rejected)
        uint64_t otherRecords = 0;   // known records that are not flows (statistics, names, histograms)
        uint64_t exporters = 0;
        uint64_t samplers = 0;
        uint64_t extensionMaps = 0;
    };

    // nfdumpVersion: the writer version from the file header (0 for layout 1);
    // it decides the layout of EXsamplerInfo, which changed in 1.7.2.
    explicit NfdumpRecordDecoder(uint32_t nfdumpVersion = 0) : m_nfdumpVersion(nfdumpVersion) {}

    // Decodes one block's records. numRecords is what the block header says,
    // used only to count what is lost when the records stop fitting the block.
    void decodeBlock(const uint8_t* data, size_t size, uint32_t numRecords, std::vector<FlowRecord>& out,
                     std::vector<NfdumpDecodeProblem>& problems);

    const Totals& totals() const { return m_totals; }

private:
    struct Exporter {
        IpAddress address;
        uint32_t version = 0;
        uint32_t id = 0; // exporter / source / observation domain id
    };
    struct Sampler {
        int64_t id = 0;
        uint32_t rate = 1;
    };
    struct MapLayout {
        std::vector<uint16_t> ids;
        uint32_t dataBytes = 0;
        uint16_t unsupported = 0; // first extension id whose size is unknown; 0 when all are known
    };
    struct Pending; // one flow being assembled, with its extras

    bool decodeV3(const uint8_t* r, size_t n, FlowRecord& out, std::string& reason);
    bool decodeCommon(const uint8_t* r, size_t n, FlowRecord& out, std::string& reason);
    void addExporter(const uint8_t* r, size_t n);
    void addSampler(int64_t id, uint16_t sysid, uint32_t rate);
    void addExtensionMap(const uint8_t* r, size_t n, size_t offset, std::vector<NfdumpDecodeProblem>& problems);
    void finish(Pending& p, uint16_t sysid, bool sampled, bool legacy, bool haveSelector, uint64_t selector,
                FlowRecord& out) const;
    uint32_t samplingRate(uint16_t sysid, bool legacy, bool haveSelector, uint64_t selector) const;

    uint32_t m_nfdumpVersion = 0;
    std::unordered_map<uint16_t, Exporter> m_exporters;
    std::unordered_map<uint16_t, std::vector<Sampler>> m_samplers;
    std::unordered_map<uint16_t, MapLayout> m_maps;
    std::set<uint16_t> m_reportedTypes; // record types already reported as unsupported
    Totals m_totals;
};
