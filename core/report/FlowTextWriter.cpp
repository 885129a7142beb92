#include "report/FlowTextWriter.h"

#include <charconv>

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

const char* FlowTextWriter::columns()
{
    return "exporter,version,observation_domain,start_ms,end_ms,src_addr,dst_addr,src_port,dst_port,proto,"
           "tcp_flags,tos,bytes,packets,rev_bytes,rev_packets,sampling_rate,input_if,output_if,extra";
}

void FlowTextWriter::write(const FlowRecord& r)
{
    std::string& s = m_line;
    s.clear();
    const std::string exporter = exporterText(r);
    if (m_format == Format::Csv) {
        if (!m_headerDone) {
            std::fputs(columns(), m_out);
            std::fputc('\n', m_out);
            m_headerDone = true;
        }
        s += exporter;
        s += ',';
        appendUnsigned(s, r.exportVersion);
        s += ',';
        appendUnsigned(s, r.observationDomain);
        s += ',';
        appendSigned(s, r.startMs);
        s += ',';
        appendSigned(s, r.endMs);
        s += ',';
        s += r.src.toString();
        s += ',';
        s += r.dst.toString();
        for (uint64_t v : {uint64_t(r.srcPort), uint64_t(r.dstPort), uint64_t(r.protocol), uint64_t(r.tcpFlags),
                           uint64_t(r.tos), r.bytes, r.packets, r.revBytes, r.revPackets, uint64_t(r.samplingRate),
                           uint64_t(r.inputIf), uint64_t(r.outputIf)}) {
            s += ',';
            appendUnsigned(s, v);
        }
        s += ',';
        appendCsvText(s, r.extra);
    } else {
        // Addresses and the exporter are plain text from IpAddress: no escaping needed.
        s += "{\"exporter\":\"";
        s += exporter;
        s += "\",\"version\":";
        appendUnsigned(s, r.exportVersion);
        s += ",\"observation_domain\":";
        appendUnsigned(s, r.observationDomain);
        s += ",\"start_ms\":";
        appendSigned(s, r.startMs);
        s += ",\"end_ms\":";
        appendSigned(s, r.endMs);
        s += ",\"src_addr\":\"";
        s += r.src.toString();
        s += "\",\"dst_addr\":\"";
        s += r.dst.toString();
        s += '"';
        const struct {
            const char* key;
            uint64_t value;
        } numbers[] = {{"src_port", r.srcPort}, {"dst_port", r.dstPort},   {"proto", r.protocol},
                       {"tcp_flags", r.tcpFlags}, {"tos", r.tos},          {"bytes", r.bytes},
                       {"packets", r.packets},   {"rev_bytes", r.revBytes}, {"rev_packets", r.revPackets},
                       {"sampling_rate", r.samplingRate}, {"input_if", r.inputIf}, {"output_if", r.outputIf}};
        for (const auto& n : numbers) {
            s += ",\"";
            s += n.key;
            s += "\":";
            appendUnsigned(s, n.value);
        }
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
