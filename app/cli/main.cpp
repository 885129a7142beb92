// flowsift-cli: the whole analysis without a display. Links core only.
#include "analysis/DetectionConfig.h"
#include "analysis/DetectionSettings.h"
#include "collect/ExportReplayer.h"
#include "collect/FlowCollector.h"
#include "detect/DetectorEngine.h"
#include "import/ExportCaptureSource.h"
#include "import/FlowImporter.h"
#include "import/FlowSource.h"
#include "model/TextFormat.h"
#include "report/FlowTextWriter.h"
#include "report/JsonReport.h"
#include "store/FlowStore.h"

#include "ReportCommand.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

std::atomic_bool g_cancel{false};
std::atomic_bool g_collecting{false};
std::atomic<const std::atomic_bool*> g_collectorFlushed{nullptr};

void onSignal(int)
{
    // A second Ctrl+C while the collector stops: once everything received is
    // committed, it skips the index build (the next import builds them); before
    // that it would lose flows, so it waits.
    if (g_cancel && g_collecting) {
        const std::atomic_bool* flushed = g_collectorFlushed.load();
        if (flushed && flushed->load())
            std::_Exit(130);
        return;
    }
    g_cancel = true;
}

const char* const kUsage = R"(Usage:
  flowsift-cli analyze --flow-file FILE [--flow-file FILE...] [--output REPORT.json] [--db CASE.flowsift]
                       [--internal CIDR[,CIDR...]] [--config CONFIG.json] [--indicators LIST.txt]
                       [--force] [--quiet]
      Import the flow file(s) (pcap/pcapng of NetFlow v5/v9/IPFIX export traffic), run every detector
      and write the JSON findings report. Without --db the case is temporary. --config: thresholds,
      allowlist rules, networks (docs/detection-config.md); --indicators: known-bad addresses or
      networks, one per line, matched against every flow (repeatable).
  flowsift-cli config [CONFIG.json]
      Print the detection configuration: the defaults, or the given file applied over them.
  flowsift-cli import FILE|DIR... --db CASE.flowsift [--force]
      Import files (directories: every file below them) into a case; a file already in the case is
      skipped unless --force. Formats, recognised by content, plain or gzip: pcap/pcapng of NetFlow
      v5/v9/IPFIX exports, nfdump files (nfcapd.*), python-netflow collector JSON, JSON array/lines
      of v9- or IPFIX-named flows, nfdump -o csv, NetFlow-named CSV (NF-UNSW-NB15 style), Zeek
      conn.log (TSV or JSON), Argus CSV.
  flowsift-cli decode FILE [--format csv|jsonl]
      Print the flows of a file one per line (CSV with a header row, or JSON lines) on stdout, and
      per-exporter statistics (datagrams, flows, templates, sequence losses) and problems on stderr.
      Columns: exporter version observation_domain start_ms end_ms (UTC epoch ms) src_addr dst_addr
      src_port dst_port proto tcp_flags tos bytes packets (as exported, before sampling) rev_bytes
      rev_packets sampling_rate input_if output_if extra (rarer fields, JSON).
  flowsift-cli collect [--port 9995] [--bind ADDR] [--db CASE.flowsift] [--exporters CIDR[,CIDR...]]
                       [--pcap FILE] [--duration S] [--status S] [--buffer-mb 32] [--queue-mb 256]
                       [--exporter-idle-timeout S] [--quiet]
      Receive NetFlow v5/v9/IPFIX over UDP (IPv4 and IPv6; every interface unless --bind) into the case
      as one import, committing about every second; templates are kept in the case for the next run.
      --exporters accepts datagrams only from those sources, --pcap also writes what arrived to a
      capture. Status every --status seconds (default 5) on stderr. Exporters silent for
      --exporter-idle-timeout seconds (default 1800, 0 = never) are forgotten to make room for new
      ones; their templates stay in the case and come back when they send again. Ctrl+C or SIGTERM
      stores everything received, then exits (130); --duration S stops after S seconds (0).
  flowsift-cli replay FILE --to HOST:PORT [--rate FLOWS/S | --pps DATAGRAMS/S] [--skip N] [--count N]
                      [--duration S] [--loop] [--from ADDR] [--allow-remote] [--quiet]
      Send the UDP payloads of a capture of exports to a collector at the given rate (default: as
      fast as possible), one source socket per exporter; from datagram --skip on, --count datagrams
      at most, --loop starts over at the end. Loopback targets only, unless --allow-remote. To an
      IPv4 loopback target each exporter sends from its own address, 127.0.0.2, 127.0.0.3, ... (a
      collector's --exporters must accept them, e.g. 127.0.0.0/8); --from ADDR sends every exporter
      from ADDR instead, each from its own port. Exits 1 when any send failed.
  flowsift-cli report --db CASE.flowsift [--pdf REPORT.pdf] [--json REPORT.json] [--analyst NAME] [--quiet]
      Write the case's findings report: the PDF (title page with the inputs and their SHA-256, findings
      by severity, a section per finding with its evidence, chart and the analyst's verdict) and/or the
      JSON report with verdicts (--json - for standard output). No display needed. --analyst: the name
      on the report (default: the login name).
  flowsift-cli --version | --help | COMMAND --help
)";

std::string g_command; // the command being run, for usage errors

// The part of the usage text about one command; empty when there is none.
std::string commandUsage(const std::string& command)
{
    const std::string text = kUsage;
    const std::string head = "\n  flowsift-cli " + command + " ";
    const size_t begin = text.find(head);
    if (command.empty() || begin == std::string::npos)
        return {};
    const size_t end = text.find("\n  flowsift-cli ", begin + 1);
    return "Usage:" + text.substr(begin, end == std::string::npos ? std::string::npos : end - begin) + "\n";
}

struct Options {
    std::string command;
    std::vector<std::string> inputs;
    std::string output;
    std::string db;
    std::string internal;
    std::string config;
    std::vector<std::string> indicators;
    std::string format = "csv";
    bool force = false;
    bool quiet = false;
    // collect
    std::string port = "9995";
    std::string bind;
    std::string exporters;
    std::string pcap;
    std::string duration;
    std::string status = "5";
    std::string bufferMb = "32";
    std::string queueMb = "256";
    std::string idleTimeout = "1800";
    // replay
    std::string to;
    std::string rate;
    std::string pps;
    std::string count;
    std::string skip;
    std::string from;
    bool loop = false;
    bool allowRemote = false;
    // report
    std::string pdf;
    std::string json;
    std::string analyst;
};

// One line for the mistake and where to read more: the whole usage text would bury the message.
int usageError(const std::string& message)
{
    std::cerr << "flowsift-cli: " << message << "\n";
    if (!commandUsage(g_command).empty())
        std::cerr << "see flowsift-cli " << g_command << " --help\n";
    else
        std::cerr << "see flowsift-cli --help\n";
    return 2;
}

bool parseArgs(int argc, char** argv, Options& o, std::string& error)
{
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const size_t eq = a.find('=');
        if (a.rfind("--", 0) == 0 && eq != std::string::npos) { // --output=FILE
            args.push_back(a.substr(0, eq));
            args.push_back(a.substr(eq + 1));
        } else {
            args.push_back(a);
        }
    }
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](std::string& out) {
            if (i + 1 >= args.size()) {
                error = a + " needs a value";
                return false;
            }
            out = args[++i];
            return true;
        };
        if (a == "--flow-file" || a == "-f") {
            std::string v;
            if (!value(v))
                return false;
            o.inputs.push_back(v);
        } else if (a == "--output" || a == "-o") {
            if (!value(o.output))
                return false;
            if (o.output.empty()) {
                error = "--output needs a file name (or - for standard output)";
                return false;
            }
        } else if (a == "--db") {
            if (!value(o.db))
                return false;
        } else if (a == "--internal") {
            if (!value(o.internal))
                return false;
            if (o.internal.empty()) {
                error = "--internal needs at least one network (CIDR[,CIDR...])";
                return false;
            }
        } else if (a == "--config") {
            if (!o.config.empty()) {
                error = "--config given twice (put everything in one file)";
                return false;
            }
            if (!value(o.config))
                return false;
        } else if (a == "--indicators") {
            std::string v;
            if (!value(v))
                return false;
            o.indicators.push_back(v);
        } else if (a == "--format") {
            if (!value(o.format))
                return false;
        } else if (a == "--port" || a == "-p") {
            if (!value(o.port))
                return false;
        } else if (a == "--bind") {
            if (!value(o.bind))
                return false;
        } else if (a == "--exporters") {
            if (!value(o.exporters))
                return false;
        } else if (a == "--pcap") {
            if (!value(o.pcap))
                return false;
        } else if (a == "--duration") {
            if (!value(o.duration))
                return false;
        } else if (a == "--status") {
            if (!value(o.status))
                return false;
        } else if (a == "--buffer-mb") {
            if (!value(o.bufferMb))
                return false;
        } else if (a == "--queue-mb") {
            if (!value(o.queueMb))
                return false;
        } else if (a == "--exporter-idle-timeout") {
            if (!value(o.idleTimeout))
                return false;
        } else if (a == "--from") {
            if (!value(o.from))
                return false;
        } else if (a == "--to") {
            if (!value(o.to))
                return false;
        } else if (a == "--rate") {
            if (!value(o.rate))
                return false;
        } else if (a == "--pps") {
            if (!value(o.pps))
                return false;
        } else if (a == "--count") {
            if (!value(o.count))
                return false;
        } else if (a == "--skip") {
            if (!value(o.skip))
                return false;
        } else if (a == "--pdf") {
            if (!value(o.pdf))
                return false;
        } else if (a == "--json") {
            if (!value(o.json))
                return false;
        } else if (a == "--analyst") {
            if (!value(o.analyst))
                return false;
        } else if (a == "--loop") {
            o.loop = true;
        } else if (a == "--allow-remote") {
            o.allowRemote = true;
        } else if (a == "--force") {
            o.force = true;
        } else if (a == "--quiet" || a == "-q") {
            o.quiet = true;
        } else if (!a.empty() && a[0] == '-') {
            error = "unknown option " + a;
            return false;
        } else if (o.command.empty()) {
            o.command = a;
            g_command = a;
        } else {
            o.inputs.push_back(a);
        }
    }
    return true;
}

bool parseInternal(const std::string& text, DetectionSettings& settings, std::string& error)
{
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        IpPrefix p;
        if (!IpPrefix::parse(item, p)) {
            error = "--internal: not a network: " + item;
            return false;
        }
        settings.internalNetworks.push_back(p);
    }
    return true;
}

// Same file on disk (through links when both exist; by absolute path when one is yet to be made).
bool sameFile(const std::string& a, const std::string& b)
{
    const QFileInfo fa(QString::fromStdString(a)), fb(QString::fromStdString(b));
    if (fa.exists() && fb.exists())
        return fa.canonicalFilePath() == fb.canonicalFilePath();
    return QDir::cleanPath(fa.absoluteFilePath()) == QDir::cleanPath(fb.absoluteFilePath());
}

// Whether path can be written, found out before hours of analysis rather than
// after: opened for appending (nothing of an existing file is lost), and
// removed again when it did not exist.
bool checkWritable(const std::string& path, std::string& error)
{
    const QFileInfo info(QString::fromStdString(path));
    if (info.isDir()) {
        error = "--output " + path + " is a directory";
        return false;
    }
    const bool existed = info.exists();
    std::FILE* f = std::fopen(path.c_str(), "ab");
    if (!f) {
        error = "--output " + path + ": cannot write: " + std::strerror(errno);
        return false;
    }
    std::fclose(f);
    if (!existed)
        std::remove(path.c_str());
    return true;
}

// The report must never replace what the user is analysing.
bool checkOutputPath(const Options& o, std::string& error)
{
    if (o.output.empty() || o.output == "-")
        return true;
    for (const std::string& in : FlowImporter::expandInputs(o.inputs))
        if (sameFile(o.output, in)) {
            error = "--output " + o.output + " is one of the input files: refusing to overwrite it";
            return false;
        }
    if (!o.db.empty() && sameFile(o.output, o.db)) {
        error = "--output " + o.output + " is the case file (--db): refusing to overwrite it";
        return false;
    }
    return checkWritable(o.output, error);
}

constexpr int kExitInterrupted = 130; // 128 + SIGINT, as shells report it

// Imports every input; false if any could not be read at all.
bool importAll(FlowStore& store, const Options& o)
{
    bool allOk = true;
    for (const std::string& path : FlowImporter::expandInputs(o.inputs)) {
        // A folder holds other files too (Zeek's dns.log, READMEs): those are skipped, not errors.
        const bool named = std::find(o.inputs.begin(), o.inputs.end(), path) != o.inputs.end();
        ImportResult r = FlowImporter::importFile(store, path, o.force, {}, g_cancel);
        if (r.cancelled) {
            std::cerr << "flowsift-cli: interrupted; " << path << " was not imported\n";
            return false;
        }
        if (!r.ok) {
            std::cerr << (named ? "flowsift-cli: " : "skipped: ") << r.error << "\n";
            allOk = allOk && !named;
            continue;
        }
        if (!o.quiet) {
            if (r.duplicate)
                std::cerr << path << ": already in the case, skipped (use --force to import again)\n";
            else
                std::cerr << path << ": " << r.format << ", " << r.recordsKept << " flows imported, "
                          << r.recordsRejected << " rejected" << (r.timesSynthetic ? " (times synthetic)" : "")
                          << "\n";
        }
        for (const ImportIssue& issue : r.issues)
            std::cerr << "  warning: " << issue.toString() << "\n";
        if (r.recordsKept == 0 && !r.duplicate) {
            std::cerr << "flowsift-cli: " << path << ": no flow records found\n";
            allOk = false;
        }
    }
    return allOk;
}

void printSummary(std::ostream& out, const FlowStore& store, const DetectionContext& context,
                  const std::vector<Finding>& findings, bool reportWritten)
{
    const FlowStore::Summary s = store.summary();
    std::map<Severity, int> bySeverity;
    for (const Finding& f : findings)
        ++bySeverity[f.severity];
    out << "Flows: " << s.flows << " (" << TextFormat::humanBytes(double(s.bytes)) << ") from "
        << TextFormat::isoTime(s.startMs) << " to " << TextFormat::isoTime(s.endMs) << "\n";
    if (context.duplicateRecords)
        out << "  " << context.duplicateRecords
            << " records repeat what another exporter (or import) already reported: analysed once\n";
    for (const IpPrefix& p : context.settings.inferredNetworks)
        out << "  internal network learnt from the traffic: " << p.toString() << " (set --internal to override)\n";
    out << "Findings: " << findings.size() << " (critical " << bySeverity[Severity::Critical] << ", high "
              << bySeverity[Severity::High] << ", medium " << bySeverity[Severity::Medium] << ", low "
              << bySeverity[Severity::Low] << ", info " << bySeverity[Severity::Info] << ")\n";
    int shown = 0;
    for (const Finding& f : findings) {
        if (shown++ == 15) {
            out << "  ... " << findings.size() - 15
                << (reportWritten ? " more in the report\n" : " more (write them all with --output FILE)\n");
            break;
        }
        char line[64];
        std::snprintf(line, sizeof line, "  %-8s %5.1f  %-15s ", severityName(f.severity), f.score, f.type.c_str());
        out << line << f.summary << "\n";
    }
}

int analyze(const Options& o)
{
    if (o.inputs.empty() && o.db.empty())
        return usageError("analyze needs --flow-file FILE (or --db CASE)");
    DetectionSettings settings;
    std::string error;
    if (!o.config.empty() && !DetectionConfig::applyFile(o.config, settings, error)) {
        std::cerr << "flowsift-cli: " << error << "\n";
        return 2;
    }
    if (!o.internal.empty()) {
        settings.internalNetworks.clear(); // --internal wins over the configuration file
        if (!parseInternal(o.internal, settings, error))
            return usageError(error);
    }
    settings.indicatorFiles.insert(settings.indicatorFiles.end(), o.indicators.begin(), o.indicators.end());
    std::vector<std::string> indicatorProblems;
    if (!DetectionConfig::loadIndicatorFiles(settings, indicatorProblems, error)) {
        std::cerr << "flowsift-cli: " << error << "\n";
        return 1;
    }
    for (const std::string& p : indicatorProblems)
        std::cerr << "  warning: " << p << "\n";
    if (!checkOutputPath(o, error)) {
        std::cerr << "flowsift-cli: " << error << "\n";
        return 1;
    }

    QTemporaryDir tempDir;
    const std::string casePath = o.db.empty() ? QString(tempDir.path() + QStringLiteral("/analysis.flowsift")).toStdString() : o.db;
    auto store = FlowStore::open(casePath, error);
    if (!store) {
        std::cerr << "flowsift-cli: " << error << "\n";
        return 1;
    }
    if (!importAll(*store, o))
        return g_cancel ? kExitInterrupted : 1;
    if (store->summary().flows == 0) {
        std::string names;
        for (const std::string& in : o.inputs)
            names += (names.empty() ? "" : ", ") + in;
        std::cerr << "flowsift-cli: no flows to analyse in " << (names.empty() ? o.db : names) << "\n";
        return 1;
    }
    const DetectionContext context = DetectorEngine::buildContext(*store, settings, g_cancel);
    const std::vector<Finding> findings = DetectorEngine(settings.thresholds).run(context, g_cancel);
    if (g_cancel) {
        std::cerr << "flowsift-cli: interrupted\n";
        return kExitInterrupted;
    }
    const nlohmann::json analysis = JsonReport::describeAnalysis(context);
    if (!store->replaceFindings(findings, analysis))
        std::cerr << "flowsift-cli: warning: cannot save findings in the case: " << store->lastError() << "\n";
    if (!o.output.empty()) {
        JsonReport::Options ro;
        ro.temporaryCase = o.db.empty();
        ro.analysis = analysis;
        if (!JsonReport::writeFile(*store, findings, o.output, error, ro)) {
            std::cerr << "flowsift-cli: " << error << "\n";
            return 1;
        }
    }
    if (!o.quiet) {
        // With the report on standard output, the summary goes to stderr.
        std::ostream& out = o.output == "-" ? std::cerr : std::cout;
        printSummary(out, *store, context, findings, !o.output.empty());
        if (!o.output.empty() && o.output != "-")
            out << "Report written to " << o.output << "\n";
    }
    return 0;
}

int importCommand(const Options& o)
{
    if (o.inputs.empty())
        return usageError("import needs at least one FILE");
    std::string error;
    const std::string casePath = o.db.empty() ? FlowStore::defaultCasePath() : o.db;
    auto store = FlowStore::open(casePath, error);
    if (!store) {
        std::cerr << "flowsift-cli: " << error << "\n";
        return 1;
    }
    const bool ok = importAll(*store, o);
    if (g_cancel)
        return kExitInterrupted;
    if (!o.quiet)
        std::cout << casePath << ": " << store->summary().flows << " flows in the case\n";
    return ok ? 0 : 1;
}

void printExporterStats(const ExportCaptureSource& capture)
{
    const DecoderTotals& t = capture.decoderTotals();
    std::cerr << "datagrams " << t.datagrams << " (v1 " << t.v1 << ", v5 " << t.v5 << ", v7 " << t.v7 << ", v9 "
              << t.v9 << ", IPFIX " << t.ipfix << ", not NetFlow/IPFIX " << t.notExport << "), flows " << t.flows
              << "\n";
    if (t.exportersRefused || t.templatesRefused || t.templatesTooLarge || t.pendingOverflow || t.optionsNotKept)
        std::cerr << "limits reached: datagrams of refused exporters " << t.exportersRefused << ", templates refused "
                  << t.templatesRefused << ", templates too large " << t.templatesTooLarge
                  << ", data sets dropped waiting " << t.pendingOverflow << ", options records not kept "
                  << t.optionsNotKept << "\n";
    for (const ExporterStats& e : capture.exporterStats()) {
        const std::string address = e.key.address.toString();
        std::cerr << "exporter " << (e.key.address.isV4() ? address : "[" + address + "]") << ":" << e.key.port
                  << " version " << e.key.version << " domain " << e.key.domain << ": datagrams " << e.datagrams
                  << ", flows " << e.flows << ", options records " << e.optionsRecords << ", templates "
                  << e.templates << ", sequence gaps " << e.sequenceGaps << " (lost " << e.sequenceLost
                  << ", restarts " << e.sequenceRestarts << ", reordered " << e.sequenceReordered << "), malformed "
                  << e.malformed << ", held sets " << e.bufferedSets << ", dropped sets " << e.droppedSets;
        if (e.templatesRefused || e.templatesTooLarge || e.pendingOverflow || e.optionsNotKept)
            std::cerr << ", limits reached (templates refused " << e.templatesRefused << ", too large "
                      << e.templatesTooLarge << ", sets dropped waiting " << e.pendingOverflow
                      << ", options not kept " << e.optionsNotKept << ")";
        std::cerr << "\n";
    }
}

int decodeCommand(const Options& o)
{
    if (o.inputs.size() != 1)
        return usageError("decode needs exactly one FILE");
    FlowTextWriter::Format format;
    if (o.format == "csv")
        format = FlowTextWriter::Format::Csv;
    else if (o.format == "jsonl" || o.format == "json")
        format = FlowTextWriter::Format::JsonLines;
    else
        return usageError("--format must be csv or jsonl, not " + o.format);
    std::string error;
    std::unique_ptr<FlowSource> source = openFlowSource(o.inputs.front(), error);
    if (!source) {
        std::cerr << "flowsift-cli: " << error << "\n";
        return 1;
    }
    FlowTextWriter writer(stdout, format);
    std::vector<FlowRecord> batch;
    bool more = true;
    while (more && !g_cancel) {
        batch.clear();
        more = source->readBatch(batch, 8192);
        for (const FlowRecord& r : batch)
            writer.write(r);
    }
    std::fflush(stdout);
    std::cerr << o.inputs.front() << ": " << source->formatName() << ", " << writer.written() << " flows, "
              << source->rejectedCount() << " rejected\n";
    if (const auto* capture = dynamic_cast<const ExportCaptureSource*>(source.get()))
        printExporterStats(*capture);
    for (const ImportIssue& issue : source->issues())
        std::cerr << "  warning: " << issue.toString() << "\n";
    if (g_cancel)
        return 130;
    return 0;
}

int configCommand(const Options& o)
{
    if (o.inputs.size() > 1)
        return usageError("config takes at most one CONFIG.json");
    DetectionSettings settings;
    std::string error;
    if (!o.inputs.empty() && !DetectionConfig::applyFile(o.inputs.front(), settings, error)) {
        std::cerr << "flowsift-cli: " << error << "\n";
        return 2;
    }
    std::cout << DetectionConfig::toJson(settings).dump(2) << "\n";
    return 0;
}

// A number option; false with error naming it when it is not one in [min, max].
bool numberOption(const char* name, const std::string& text, double min, double max, double& out,
                  std::string& error)
{
    const char* b = text.data();
    const char* e = b + text.size();
    const auto [end, ec] = std::from_chars(b, e, out);
    if (text.empty() || ec != std::errc() || end != e || !std::isfinite(out) || out < min || out > max) {
        char range[64];
        std::snprintf(range, sizeof range, " must be a number from %g to %g", min, max);
        error = std::string(name) + range + ", not '" + text + "'";
        return false;
    }
    return true;
}

std::string megabytes(double bytes)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MB", bytes / (1024.0 * 1024.0));
    return buf;
}

void printCollectorStatus(std::ostream& out, const FlowCollector::Stats& s, double flowsPerSecond)
{
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.0f", flowsPerSecond);
    out << "collect: " << int64_t(s.seconds) << " s, datagrams " << s.datagrams << ", flows " << s.flows
        << " (stored " << s.flowsStored << ", " << rate << "/s), held sets " << s.heldSets << ", dropped sets "
        << s.droppedSets << ", malformed " << s.malformed << ", rejected " << s.rejected << ", queue drops "
        << s.queueDrops << ", kernel drops " << s.kernelDrops << ", queue " << megabytes(double(s.queueBytes));
    if (s.exportersExpired)
        out << ", idle exporters expired " << s.exportersExpired << " (returned " << s.exportersReturned << ")";
    out << "\n";
}

int collectCommand(const Options& o)
{
    if (!o.inputs.empty())
        return usageError("collect takes no FILE (did you mean import?)");
    std::string error;
    double port = 0, duration = 0, status = 0, bufferMb = 0, queueMb = 0, idleTimeout = 0;
    if (!numberOption("--port", o.port, 0, 65535, port, error)
        || (!o.duration.empty() && !numberOption("--duration", o.duration, 0, 1e9, duration, error))
        || !numberOption("--status", o.status, 0, 86400, status, error)
        || !numberOption("--buffer-mb", o.bufferMb, 0, 2047, bufferMb, error)
        || !numberOption("--queue-mb", o.queueMb, 1, 1 << 20, queueMb, error)
        || !numberOption("--exporter-idle-timeout", o.idleTimeout, 0, 1e9, idleTimeout, error))
        return usageError(error);
    FlowCollector::Settings settings;
    settings.casePath = o.db.empty() ? FlowStore::defaultCasePath() : o.db;
    settings.bindAddress = o.bind;
    settings.port = uint16_t(port);
    settings.receiveBufferBytes = int(bufferMb * 1024 * 1024);
    settings.queueBytes = size_t(queueMb * 1024 * 1024);
    settings.capturePath = o.pcap;
    settings.exporterIdleTimeoutMs = int64_t(idleTimeout * 1000);
    if (idleTimeout > 0 && settings.exporterIdleTimeoutMs == 0)
        settings.exporterIdleTimeoutMs = 1; // a fraction of a millisecond is not "never"
    if (!o.exporters.empty() && !ExporterFilter::parse(o.exporters, settings.exporters, error))
        return usageError("--exporters: " + error);
    if (!o.pcap.empty()) {
        if (sameFile(o.pcap, settings.casePath)) {
            std::cerr << "flowsift-cli: --pcap " << o.pcap << " is the case file: refusing to overwrite it\n";
            return 1;
        }
        if (QFileInfo::exists(QString::fromStdString(o.pcap)) && !o.force) {
            std::cerr << "flowsift-cli: --pcap " << o.pcap << " exists (use --force to replace it)\n";
            return 1;
        }
    }

    FlowCollector collector;
    g_collecting = true;
    if (!collector.start(settings, error)) {
        std::cerr << "flowsift-cli: " << error << "\n";
        return 1;
    }
    {
        std::string where;
        for (const UdpReceiver::Endpoint& e : collector.endpoints())
            where += (where.empty() ? "" : " and ") + e.toString();
        std::cerr << "flowsift-cli: collecting NetFlow/IPFIX on UDP " << where
                  << (collector.allInterfaces() ? " (all interfaces)" : "") << " into " << settings.casePath
                  << "\n";
        const int granted = collector.receiveBufferGranted();
        std::cerr << "  receive buffer: " << megabytes(settings.receiveBufferBytes) << " requested, kernel granted "
                  << megabytes(granted) << " (Linux reports twice the payload room)";
        if (granted / 2 < settings.receiveBufferBytes && collector.receiveBufferMax() >= 0)
            std::cerr << "; capped by net.core.rmem_max = " << collector.receiveBufferMax()
                      << ", raise it (sysctl -w net.core.rmem_max=" << settings.receiveBufferBytes
                      << ") or run as root";
        std::cerr << "\n";
        if (!settings.exporters.empty())
            std::cerr << "  accepting exporters " << settings.exporters.toString() << " only\n";
        if (const uint64_t n = collector.stats().templatesRestored)
            std::cerr << "  " << n << " templates restored from the case\n";
        if (!o.pcap.empty())
            std::cerr << "  writing what arrives to " << o.pcap << "\n";
    }

    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    auto nextStatus = started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(status));
    uint64_t lastFlows = 0;
    auto lastTime = started;
    bool timedOut = false;
    while (!g_cancel && !collector.hasFailed()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        const auto now = Clock::now();
        if (duration > 0 && now - started >= std::chrono::duration<double>(duration)) {
            timedOut = true;
            break;
        }
        if (!o.quiet && status > 0 && now >= nextStatus) {
            const FlowCollector::Stats s = collector.stats();
            const double dt = std::chrono::duration<double>(now - lastTime).count();
            printCollectorStatus(std::cerr, s, dt > 0 ? double(s.flows - lastFlows) / dt : 0);
            lastFlows = s.flows;
            lastTime = now;
            nextStatus = now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(status));
        }
    }
    if (!o.quiet && !collector.hasFailed())
        std::cerr << "flowsift-cli: " << (timedOut ? "duration reached" : "stopping")
                  << ", storing what was received, then indexing the case (about 5 s per million flows;"
                     " Ctrl+C again skips the indexing once the flows are stored)...\n";
    g_collectorFlushed = &collector.flushedFlag();
    const bool stopped = collector.stop(error);
    g_collectorFlushed = nullptr;
    const FlowCollector::Stats s = collector.stats();
    if (!o.quiet) {
        for (const ExporterStats& e : collector.exporterStats())
            std::cerr << "exporter " << (e.key.address.isV4() ? e.key.address.toString()
                                                              : "[" + e.key.address.toString() + "]")
                      << ":" << e.key.port << " version " << e.key.version << " domain " << e.key.domain
                      << ": datagrams " << e.datagrams << ", flows " << e.flows << ", templates " << e.templates
                      << ", sequence gaps " << e.sequenceGaps << " (lost " << e.sequenceLost << "), malformed "
                      << e.malformed << ", held sets " << e.bufferedSets << ", dropped sets " << e.droppedSets
                      << "\n";
        for (const ImportIssue& issue : collector.issues())
            std::cerr << "  warning: " << issue.toString() << "\n";
        char secs[32];
        std::snprintf(secs, sizeof secs, "%.1f", s.seconds);
        std::cout << settings.casePath << ": collected " << s.flowsStored << " flows from " << s.datagrams
                  << " datagrams in " << secs << " s (import " << collector.importId() << "); malformed "
                  << s.malformed << ", rejected " << s.rejected << ", held sets " << s.bufferedSets
                  << ", dropped sets " << s.droppedSets << ", queue drops " << s.queueDrops << ", kernel drops "
                  << s.kernelDrops << ", idle exporters expired " << s.exportersExpired << " (returned "
                  << s.exportersReturned << ")";
        if (!o.pcap.empty())
            std::cout << "; " << s.captured << " datagrams written to " << o.pcap;
        std::cout << "\n";
    }
    if (!stopped || collector.hasFailed()) {
        std::cerr << "flowsift-cli: " << (error.empty() ? collector.failure() : error) << "\n";
        return 1;
    }
    return g_cancel ? kExitInterrupted : 0;
}

int replayCommand(const Options& o)
{
    if (o.inputs.size() != 1)
        return usageError("replay needs exactly one FILE");
    if (o.to.empty())
        return usageError("replay needs --to HOST:PORT");
    if (!o.rate.empty() && !o.pps.empty())
        return usageError("give --rate (flows/s) or --pps (datagrams/s), not both");
    std::string error;
    ExportReplayer::Settings settings;
    settings.target = o.to;
    settings.loop = o.loop;
    settings.allowRemote = o.allowRemote;
    settings.sourceAddress = o.from;
    double count = 0, skip = 0;
    if ((!o.rate.empty() && !numberOption("--rate", o.rate, 1, 1e9, settings.flowsPerSecond, error))
        || (!o.skip.empty() && !numberOption("--skip", o.skip, 0, 1e15, skip, error))
        || (!o.pps.empty() && !numberOption("--pps", o.pps, 1, 1e8, settings.datagramsPerSecond, error))
        || (!o.count.empty() && !numberOption("--count", o.count, 1, 1e15, count, error))
        || (!o.duration.empty() && !numberOption("--duration", o.duration, 0, 1e9, settings.durationSeconds, error)))
        return usageError(error);
    settings.count = uint64_t(count);
    settings.skip = uint64_t(skip);
    if (settings.loop && !settings.count && settings.durationSeconds <= 0)
        return usageError("--loop needs --count or --duration (it would never end)");
    ExportReplayer replayer;
    if (!replayer.load(o.inputs.front(), error) || !replayer.open(settings, error)) {
        std::cerr << "flowsift-cli: " << error << "\n";
        return 1;
    }
    if (!o.quiet)
        std::cerr << "flowsift-cli: replaying " << replayer.datagrams().size() << " datagrams ("
                  << replayer.flowsInCapture() << " flows, " << replayer.exporters().size()
                  << (replayer.exporters().size() == 1 ? " exporter) of " : " exporters) of ")
                  << o.inputs.front() << " to " << o.to << " from " << replayer.sourceDescription() << "\n";
    const ExportReplayer::Result r = replayer.run(g_cancel);
    char line[200];
    std::snprintf(line, sizeof line, "%.2f s: %.0f flows/s, %.0f datagrams/s", r.seconds,
                  r.seconds > 0 ? double(r.flows) / r.seconds : 0.0,
                  r.seconds > 0 ? double(r.datagrams) / r.seconds : 0.0);
    std::cout << "replayed " << r.datagrams << " datagrams (" << r.flows << " flows, " << r.bytes << " bytes) in "
              << line << (r.sendErrors ? ", send errors " + std::to_string(r.sendErrors) + " (" + r.lastSendError + ")"
                                       : std::string())
              << "\n";
    if (g_cancel)
        return kExitInterrupted;
    if (r.sendErrors) {
        // Datagrams that never left are flows the collector cannot have: a load test must not pass on them.
        std::cerr << "flowsift-cli: " << r.sendErrors << " of " << r.sendErrors + r.datagrams
                  << " sends failed (last: " << r.lastSendError << ")"
                  << (r.lastSendError == std::strerror(ECONNREFUSED) ? "; is a collector listening on " + o.to + "?"
                                                                      : std::string())
                  << "\n";
        return 1;
    }
    return r.datagrams > 0 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--version" || a == "-V") {
            std::cout << "flowsift-cli " << FLOWSIFT_VERSION << "\n";
            return 0;
        }
        if (a == "--help" || a == "-h") {
            // "flowsift-cli collect --help": that command's part.
            const std::string section = argc > 1 && argv[1][0] != '-' ? commandUsage(argv[1]) : std::string();
            std::cout << (section.empty() ? std::string(kUsage) : section);
            return 0;
        }
    }
    Options o;
    std::string error;
    if (!parseArgs(argc, argv, o, error))
        return usageError(error);
    // The PDF needs QtGui (fonts, painting): report makes a QApplication of
    // its own; every other command runs on QtCore alone.
    if (o.command == "report")
        return reportCommand(argc, argv, ReportRequest{o.db, o.pdf, o.json, o.analyst, o.quiet});

    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("Flowsift"));
    QCoreApplication::setOrganizationName(QStringLiteral("Flowsift"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FLOWSIFT_VERSION));
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);

    if (o.command == "analyze")
        return analyze(o);
    if (o.command == "import")
        return importCommand(o);
    if (o.command == "decode")
        return decodeCommand(o);
    if (o.command == "config")
        return configCommand(o);
    if (o.command == "collect")
        return collectCommand(o);
    if (o.command == "replay")
        return replayCommand(o);
    if (o.command.empty())
        return usageError("no command given");
    return usageError("unknown command " + o.command);
}
