#include "report/FlowTextWriter.h"

#include <charconv>
#include <iterator>

namespace {

void appendUnsigned(std::string& s, uint64_t v)
{
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    s.append(buf, r.ptr);
}

void appendSigned(std::string& s, int64_t v)
{
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    s.append(buf, r.ptr);
}

std::string exporterText(const FlowRecord& r)
{
    if (r.exportVersion == 0 && r.exporter.isUnspecified())
        return {};
    const std::string a = r.exporter.toString();
    return (r.exporter.isV4() ? a : "[" + a + "]") + ":" + std::to_string(r.exporterPort);
}

// CSV field quoting (RFC 4180): only when needed.
void appendCsvText(std::string& s, const std::string& v)
{
    if (v.find_first_of(",\"\n\r") == std::string::npos) {
        s += v;
        return;
    }
    s += '"';
    for (char c : v) {
        if (c == '"')
            s += '"';
        s += c;
    }
    s += '"';
}

} // namespace

FlowTextWriter::FlowTextWriter(std::FILE* out, Format format)
    : m_out(out)
    , m_format(format)
{
}

namespace {

// One output field: the same names and order for the CSV header, CSV rows and JSON keys.
struct Field {
    const char* name;
    enum Kind { Text, Signed, Unsigned } kind;
};
constexpr Field kFields[] = {
    {"exporter", Field::Text},         {"version", Field::Unsigned},     {"observation_domain", Field::Unsigned},
    {"start_ms", Field::Signed},       {"end_ms", Field::Signed},        {"src_addr", Field::Text},
    {"dst_addr", Field::Text},         {"src_port", Field::Unsigned},    {"dst_port", Field::Unsigned},
    {"proto", Field::Unsigned},        {"tcp_flags", Field::Unsigned},   {"tos", Field::Unsigned},
    {"bytes", Field::Unsigned},        {"packets", Field::Unsigned},     {"rev_bytes", Field::Unsigned},
    {"rev_packets", Field::Unsigned},  {"sampling_rate", Field::Unsigned}, {"input_if", Field::Unsigned},
    {"output_if", Field::Unsigned},
};

} // namespace

const char* FlowTextWriter::columns()
{
    static const std::string header = [] {
        std::string h;
        for (const Field& f : kFields)
            h += std::string(f.name) + ",";
        return h + "extra";
    }();
    return header.c_str();
}

void FlowTextWriter::write(const FlowRecord& r)
{
    std::string& s = m_line;
    s.clear();
    const bool csv = m_format == Format::Csv;
    if (csv && !m_headerDone) {
        std::fputs(columns(), m_out);
        std::fputc('\n', m_out);
        m_headerDone = true;
    }
    // Addresses and the exporter are plain text from IpAddress: nothing to escape.
    const std::string texts[] = {exporterText(r), r.src.toString(), r.dst.toString()};
    const int64_t signedValues[] = {r.startMs, r.endMs};
    const uint64_t unsignedValues[] = {r.exportVersion, r.observationDomain, r.srcPort,    r.dstPort,
                                       r.protocol,      r.tcpFlags,          r.tos,        r.bytes,
                                       r.packets,       r.revBytes,          r.revPackets, r.samplingRate,
                                       r.inputIf,       r.outputIf};
    size_t t = 0, si = 0, u = 0;
    if (!csv)
        s += '{';
    for (size_t i = 0; i < std::size(kFields); ++i) {
        const Field& f = kFields[i];
        if (csv) {
            if (i)
                s += ',';
        } else {
            s += i ? ",\"" : "\"";
            s += f.name;
            s += "\":";
        }
        switch (f.kind) {
        case Field::Text:
            if (!csv)
                s += '"';
            s += texts[t++];
            if (!csv)
                s += '"';
            break;
        case Field::Signed: appendSigned(s, signedValues[si++]); break;
        case Field::Unsigned: appendUnsigned(s, unsignedValues[u++]); break;
        }
    }
    if (csv) {
        s += ',';
        appendCsvText(s, r.extra);
    } else {
        if (!r.extra.empty()) {
            s += ",\"extra\":"; // already a JSON object
            s += r.extra;
        }
        s += '}';
    }
    s += '\n';
    std::fwrite(s.data(), 1, s.size(), m_out);
    ++m_written;
}
