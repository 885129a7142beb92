// decode_bench: single-threaded decode throughput of an export capture through
// the project's own reader and decoder, without writing anything.
//
//   decode_bench FILE [--mode source|direct] [--repeat N]
//
// source: openFlowSource() + readBatch(8192), what `flowsift-cli import` runs
//         before the store (content sniffing, FlowRecord moves, issue capping).
// direct: CaptureReader::next() + ExportDecoder::decode() into one reused
//         vector, the decoder's own ceiling.
// Prints one line of key=value pairs (parsed by bench/run.sh): flows, bytes and
// packets summed (checked against the generator's manifest), wall seconds and
// flows/s of the fastest run, CPU seconds and flows per CPU-second of the run
// that used the least CPU (on a shared machine other processes stretch wall
// time, not this process's CPU time), and VmHWM (peak RSS) at the end.
#include "decode/ExportDecoder.h"
#include "import/FlowSource.h"
#include "io/CaptureReader.h"

#include "BenchMeasure.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

namespace {

using bench::vmHwmKb;
using bench::cpuSeconds;

struct Totals {
    uint64_t flows = 0;
    uint64_t bytes = 0;
    uint64_t packets = 0;
    uint64_t rejected = 0;
};

void add(Totals& t, const std::vector<FlowRecord>& flows)
{
    for (const FlowRecord& r : flows) {
        t.bytes += r.bytes;
        t.packets += r.packets;
    }
    t.flows += flows.size();
}

bool runSource(const std::string& path, Totals& t, std::string& error)
{
    std::unique_ptr<FlowSource> source = openFlowSource(path, error);
    if (!source)
        return false;
    std::vector<FlowRecord> batch;
    batch.reserve(8192);
    bool more = true;
    while (more) {
        batch.clear();
        more = source->readBatch(batch, 8192);
        add(t, batch);
    }
    t.rejected = source->rejectedCount();
    return true;
}

bool runDirect(const std::string& path, Totals& t, std::string& error)
{
    CaptureReader reader;
    if (!reader.open(path, error))
        return false;
    ExportDecoder decoder;
    std::vector<FlowRecord> out;
    std::vector<DecodeIssue> issues;
    out.reserve(4096);
    UdpDatagram d;
    for (;;) {
        const CaptureReader::Result r = reader.next(d);
        if (r == CaptureReader::Result::Error) {
            error = reader.lastError();
            return false;
        }
        if (r == CaptureReader::Result::End)
            break;
        decoder.decode(d.srcAddr, d.srcPort, d.timestampUs, d.payload, d.length, out, issues);
        // Summing per datagram keeps the vector small (cache-resident), as a
        // streaming consumer would.
        add(t, out);
        out.clear();
        t.rejected += issues.size();
        issues.clear();
    }
    decoder.finish(out, issues);
    add(t, out);
    t.rejected += issues.size();
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    std::string path;
    std::string mode = "source";
    int repeat = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--mode" && i + 1 < argc)
            mode = argv[++i];
        else if (a == "--repeat" && i + 1 < argc)
            repeat = std::max(1, std::atoi(argv[++i]));
        else if (!a.empty() && a[0] != '-' && path.empty())
            path = a;
        else {
            std::fprintf(stderr, "usage: decode_bench FILE [--mode source|direct] [--repeat N]\n");
            return 2;
        }
    }
    if (path.empty() || (mode != "source" && mode != "direct")) {
        std::fprintf(stderr, "usage: decode_bench FILE [--mode source|direct] [--repeat N]\n");
        return 2;
    }

    double best = 0, bestCpu = 0;
    Totals totals;
    for (int run = 0; run < repeat; ++run) {
        Totals t;
        std::string error;
        const double c0 = cpuSeconds();
        const auto t0 = std::chrono::steady_clock::now();
        const bool ok = mode == "source" ? runSource(path, t, error) : runDirect(path, t, error);
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double cpu = cpuSeconds() - c0;
        if (!ok) {
            std::fprintf(stderr, "decode_bench: %s\n", error.c_str());
            return 1;
        }
        if (run == 0 || secs < best)
            best = secs;
        if (run == 0 || cpu < bestCpu)
            bestCpu = cpu;
        totals = t;
    }
    std::printf("mode=%s flows=%llu bytes=%llu packets=%llu rejected=%llu seconds=%.3f flows_per_s=%.0f "
                "cpu_seconds=%.3f flows_per_cpu_s=%.0f vmhwm_mb=%.1f\n",
                mode.c_str(), (unsigned long long)totals.flows, (unsigned long long)totals.bytes,
                (unsigned long long)totals.packets, (unsigned long long)totals.rejected, best,
                best > 0 ? double(totals.flows) / best : 0.0, bestCpu,
                bestCpu > 0 ? double(totals.flows) / bestCpu : 0.0, double(vmHwmKb()) / 1024.0);
    return 0;
}
