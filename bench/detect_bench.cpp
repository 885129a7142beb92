// detect_bench: where the time of one analysis of a case goes. Runs the steps of
// `flowsift-cli analyze --db CASE` (DetectorEngine::buildContext, then every
// detector) through the public core API, timing each one.
//
//   detect_bench CASE.flowsift [--internal CIDR]
//
// The case is opened read-only in spirit: nothing is written to it. Prints
// key=value pairs: flows, conversations, seconds to load the flows and build
// the conversations (context_s), each detector alone (one thread, <name>_s and
// <name>_findings), the engine's parallel run (engine_s), total_s and VmHWM.
#include "analysis/DetectionSettings.h"
#include "detect/BeaconDetector.h"
#include "detect/DetectorEngine.h"
#include "detect/ExfiltrationDetector.h"
#include "detect/PortScanDetector.h"
#include "detect/VolumetricDetector.h"
#include "store/FlowStore.h"

#include "BenchMeasure.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace {

using bench::cpuSeconds;
using bench::vmHwmKb;
using bench::since;
using bench::Clock;

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: detect_bench CASE.flowsift [--internal CIDR]\n");
        return 2;
    }
    DetectionSettings settings;
    for (int i = 2; i + 1 < argc; i += 2)
        if (std::strcmp(argv[i], "--internal") == 0) {
            IpPrefix p;
            if (!IpPrefix::parse(argv[i + 1], p)) {
                std::fprintf(stderr, "detect_bench: not a network: %s\n", argv[i + 1]);
                return 2;
            }
            settings.internalNetworks.push_back(p);
        }
    std::string error;
    auto store = FlowStore::open(argv[1], error);
    if (!store) {
        std::fprintf(stderr, "detect_bench: %s\n", error.c_str());
        return 1;
    }
    const std::atomic_bool cancel{false};
    const auto t0 = Clock::now();
    const double c0 = cpuSeconds();
    const DetectionContext ctx = DetectorEngine::buildContext(*store, settings, cancel);
    const double contextS = since(t0);
    const double contextCpu = cpuSeconds() - c0;
    std::printf("flows=%zu conversations=%zu addresses=%zu duplicates=%llu context_s=%.3f context_cpu_s=%.3f"
                " vmhwm_after_context_mb=%.1f",
                size_t(ctx.flows), ctx.conversations.size(), ctx.addresses.size(),
                static_cast<unsigned long long>(ctx.duplicateRecords), contextS, contextCpu,
                double(vmHwmKb()) / 1024);
    std::vector<std::unique_ptr<Detector>> detectors;
    detectors.push_back(std::make_unique<BeaconDetector>());
    detectors.push_back(std::make_unique<PortScanDetector>());
    detectors.push_back(std::make_unique<ExfiltrationDetector>());
    detectors.push_back(std::make_unique<VolumetricDetector>());
    for (const auto& d : detectors) {
        const auto t = Clock::now();
        const double c = cpuSeconds();
        const size_t n = d->run(ctx, cancel).size();
        std::printf(" %s_s=%.3f %s_cpu_s=%.3f %s_findings=%zu vmhwm_after_%s_mb=%.1f", d->name().c_str(), since(t),
                    d->name().c_str(), cpuSeconds() - c, d->name().c_str(), n, d->name().c_str(),
                    double(vmHwmKb()) / 1024);
        std::fflush(stdout);
    }
    const auto te = Clock::now();
    const double ce = cpuSeconds();
    const size_t all = DetectorEngine().run(ctx, cancel).size();
    const double engineS = since(te);
    const double engineCpu = cpuSeconds() - ce;
    std::printf(" engine_s=%.3f engine_cpu_s=%.3f findings=%zu context_plus_engine_s=%.3f"
                " context_plus_engine_cpu_s=%.3f vmhwm_mb=%.1f\n",
                engineS, engineCpu, all, contextS + engineS, contextCpu + engineCpu, double(vmHwmKb()) / 1024);
    return 0;
}
