// libFuzzer target: NetFlow v1/v5/v7/v9 and IPFIX datagrams through ExportDecoder.
//
// An input is a sequence of datagrams, each framed as
//   selector (1 byte) | length (2 bytes, big-endian) | payload (length bytes; cut at the input's end)
// The selector picks the exporter (8 addresses, IPv4 or IPv6, 4 source ports)
// and advances the capture clock, so that templates from one datagram serve data
// in the next and several exporters hold state at once. Every input is decoded
// by a fresh decoder (what a crash file reproduces) and by one decoder kept for
// the whole run, whose template cache, held data sets and exporter table build up
// across inputs the way a long capture's would: it checks that the decoder's
// limits hold against an attacker who keeps sending.
#include "FuzzChecks.h"
#include "FuzzTargets.h"

#include "decode/ExportDecoder.h"

#include <vector>

namespace {

struct Datagram {
    IpAddress exporter;
    uint16_t port = 0;
    int64_t captureUs = 0;
    const uint8_t* payload = nullptr;
    size_t length = 0;
};

std::vector<Datagram> split(const uint8_t* data, size_t size)
{
    std::vector<Datagram> out;
    int64_t clockUs = 1'700'000'000'000'000;
    size_t pos = 0;
    while (pos + 3 <= size && out.size() < 4096) {
        const uint8_t selector = data[pos];
        const size_t length = std::min<size_t>((size_t(data[pos + 1]) << 8) | data[pos + 2], size - pos - 3);
        Datagram d;
        uint8_t address[16] = {0x20, 0x01, 0x0d, 0xb8};
        address[15] = uint8_t(1 + (selector & 7));
        const uint8_t v4[4] = {192, 0, 2, uint8_t(1 + (selector & 7))};
        d.exporter = (selector & 8) ? IpAddress::fromV6Bytes(address) : IpAddress::fromV4Bytes(v4);
        d.port = uint16_t(2055 + ((selector >> 4) & 3));
        clockUs += int64_t((selector >> 6) & 3) * 25'000'000; // 0, 25, 50 or 75 s later
        d.captureUs = clockUs;
        d.payload = data + pos + 3;
        d.length = length;
        out.push_back(d);
        pos += 3 + length;
    }
    return out;
}

void checkDecoder(const ExportDecoder& decoder)
{
    const DecoderTotals& t = decoder.totals();
    FUZZ_CHECK(t.v1 + t.v5 + t.v7 + t.v9 + t.ipfix + t.notExport == t.datagrams);
    const DecoderLimits& limits = decoder.limits();
    FUZZ_CHECK(decoder.cache().exporters().size() <= limits.maxExporters);
    FUZZ_CHECK(decoder.templateCount() <= limits.maxTemplatesTotal);
    FUZZ_CHECK(decoder.pendingBytes() <= limits.maxPendingBytesTotal);
    FUZZ_CHECK(decoder.optionsBytes() <= limits.maxOptionsBytesTotal);
    size_t templates = 0, pending = 0, options = 0;
    for (const auto& [key, state] : decoder.cache().exporters()) {
        templates += state.templates.size();
        size_t held = 0;
        for (const PendingSet& p : state.pending)
            held += p.bytes.size();
        for (const PendingSet& p : state.initPending)
            held += p.bytes.size();
        FUZZ_CHECK(held == state.pendingBytes);
        pending += held;
        options += state.optionsBytes;
        FUZZ_CHECK(state.optionsBytes <= limits.maxOptionsBytesPerExporter);
        FUZZ_CHECK(state.templates.size() <= limits.maxTemplatesPerExporter);
        FUZZ_CHECK(state.pendingBytes <= limits.maxPendingBytesPerExporter);
        FUZZ_CHECK(state.pending.size() + state.initPending.size() <= limits.maxPendingSetsPerExporter);
        for (const auto& [id, t] : state.templates) {
            FUZZ_CHECK(t.fieldCount <= limits.maxTemplateFields);
            FUZZ_CHECK(t.minRecordLength <= DecoderLimits::kMaxRecordBytes);
        }
    }
    // The decoder's running totals agree with what the exporters hold.
    FUZZ_CHECK(templates == decoder.templateCount());
    FUZZ_CHECK(pending == decoder.pendingBytes());
    FUZZ_CHECK(options == decoder.optionsBytes());
}

void decodeAll(ExportDecoder& decoder, const std::vector<Datagram>& datagrams, bool finish)
{
    std::vector<FlowRecord> flows;
    std::vector<OptionsRecord> options;
    std::vector<DecodeIssue> issues;
    decoder.setOptionsOutput(&options);
    for (const Datagram& d : datagrams) {
        decoder.decode(d.exporter, d.port, d.captureUs, d.payload, d.length, flows, issues);
        for (const FlowRecord& r : flows) {
            checkRecord(r);
            FUZZ_CHECK(r.exportVersion == 1 || r.exportVersion == 5 || r.exportVersion == 7 || r.exportVersion == 9
                       || r.exportVersion == 10);
        }
        for (const OptionsRecord& o : options)
            checkJson(o.json);
        for (const DecodeIssue& i : issues)
            FUZZ_CHECK(i.offset <= d.length || i.offset == 0);
        flows.clear();
        options.clear();
        issues.clear();
    }
    if (finish) {
        decoder.finish(flows, issues);
        for (const FlowRecord& r : flows)
            checkRecord(r);
    }
    decoder.setOptionsOutput(nullptr);
    checkDecoder(decoder);
}

} // namespace

int fuzzExportDecoder(const uint8_t* data, size_t size)
{
    const std::vector<Datagram> datagrams = split(data, size);
    {
        ExportDecoder fresh;
        decodeAll(fresh, datagrams, true);
    }
    // Small limits for the long-lived decoder, so that the fuzzer reaches them.
    static const DecoderLimits kSmall = [] {
        DecoderLimits l;
        l.maxExporters = 16;
        l.maxTemplatesPerExporter = 64;
        l.maxTemplatesTotal = 256;
        l.maxPendingSetsPerExporter = 32;
        l.maxPendingBytesPerExporter = 256 * 1024;
        l.maxPendingBytesTotal = 1024 * 1024;
        l.maxOptionsBytesPerExporter = 16 * 1024;
        l.maxOptionsBytesTotal = 64 * 1024;
        return l;
    }();
    static ExportDecoder persistent(kSmall);
    static unsigned inputs = 0;
    decodeAll(persistent, datagrams, ++inputs % 4096 == 0);
    return 0;
}

FLOWSIFT_FUZZ_MAIN(fuzzExportDecoder)
