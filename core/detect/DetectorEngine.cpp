#include "detect/DetectorEngine.h"

#include "detect/BeaconDetector.h"
#include "detect/ContextBuilder.h"
#include "detect/ExfiltrationDetector.h"
#include "detect/IndicatorDetector.h"
#include "detect/LongConnectionDetector.h"
#include "detect/PortScanDetector.h"
#include "detect/VolumetricDetector.h"
#include "store/FlowStore.h"

#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <map>

DetectorEngine::DetectorEngine(const DetectorThresholds& t)
{
    m_detectors.push_back(std::make_unique<BeaconDetector>(t.beacon));
    m_detectors.push_back(std::make_unique<PortScanDetector>(t.portScan));
    m_detectors.push_back(std::make_unique<ExfiltrationDetector>(t.exfiltration));
    m_detectors.push_back(std::make_unique<VolumetricDetector>(t.volumetric));
    m_detectors.push_back(std::make_unique<LongConnectionDetector>(t.longConnection));
    m_detectors.push_back(std::make_unique<IndicatorDetector>());
}

DetectorEngine::DetectorEngine(std::vector<std::unique_ptr<Detector>> detectors)
    : m_detectors(std::move(detectors))
{
}

DetectionContext DetectorEngine::buildContext(const FlowStore& store, const DetectionSettings& settings,
                                              const std::atomic_bool& cancel)
{
    const FlowStore::StorageOrder order = store.storageOrder();
    ContextBuilder builder(settings, order.startMs, order.endMs, order.flows);
    // The records stream from a sequential scan in storage order (walking the time index costs
    // several times more on millions of rows) and go to the builder in start order. Storage order
    // is export order: a record's start lags the latest start before it by about its duration
    // (and another import may go back further). One pass over the time columns finds the largest
    // lag (and the span); a buffer then only holds the records within that lag of the latest
    // start, sorted (stably: ties keep storage order, as the index walk did) before they are
    // passed on.
    const int64_t lag = order.startLagMs;
    // Held records by start second, each second's in storage order; a second is sorted (stably)
    // and passed on once every record still to come starts after it. Memory: the records
    // held, with no sorting buffer.
    constexpr int64_t kSliceMs = 1000;
    std::map<int64_t, std::vector<CompactFlow>> held;
    auto lastSlice = held.end();
    int64_t latest = INT64_MIN;
    int64_t passedUpTo = INT64_MIN; // slices below this one have been passed on
    const auto sliceOf = [](int64_t ms) { return ms >= 0 ? ms / kSliceMs : (ms - kSliceMs + 1) / kSliceMs; };
    const auto passOnBelow = [&](int64_t slice) {
        while (!held.empty() && held.begin()->first < slice) {
            std::vector<CompactFlow>& v = held.begin()->second;
            std::stable_sort(v.begin(), v.end(),
                             [](const CompactFlow& a, const CompactFlow& b) { return a.startMs < b.startMs; });
            for (const CompactFlow& f : v)
                builder.add(f);
            if (lastSlice == held.begin())
                lastSlice = held.end();
            held.erase(held.begin());
        }
        passedUpTo = std::max(passedUpTo, slice);
    };
    store.forEachFlowInStorageOrder([&](const FlowRecord& raw) {
        const int64_t slice = sliceOf(raw.startMs);
        // Records of one second mostly come together: the last slice is tried first.
        if (lastSlice == held.end() || lastSlice->first != slice)
            lastSlice = held.try_emplace(slice).first;
        lastSlice->second.push_back(builder.compact(raw));
        if (raw.startMs > latest) {
            latest = raw.startMs;
            // Every record still to come starts at or after latest - lag: the seconds before
            // that one are complete.
            const int64_t complete = sliceOf(latest - lag);
            if (complete > passedUpTo)
                passOnBelow(complete);
        }
        return !cancel.load(std::memory_order_relaxed);
    });
    if (cancel.load())
        return {};
    passOnBelow(INT64_MAX);
    return builder.finish();
}

std::vector<Finding> DetectorEngine::run(const DetectionContext& context, const std::atomic_bool& cancel,
                                         const Progress& progress) const
{
    std::vector<QFuture<std::vector<Finding>>> running;
    for (const auto& detector : m_detectors) {
        const Detector* d = detector.get();
        running.push_back(QtConcurrent::run([d, &context, &cancel] { return d->run(context, cancel); }));
    }
    std::vector<Finding> all;
    for (size_t i = 0; i < running.size(); ++i) {
        std::vector<Finding> found = running[i].result();
        if (progress)
            progress(m_detectors[i]->name() + ": " + std::to_string(found.size()) + " findings");
        std::move(found.begin(), found.end(), std::back_inserter(all));
    }
    if (cancel.load())
        return {};
    applySuppressions(context.settings.suppressions, all);
    std::sort(all.begin(), all.end(), findingPriorityLess);
    return all;
}

bool DetectorEngine::suppresses(const SuppressionRule& rule, const Finding& f)
{
    if (!rule.enabled || (!rule.findingType.empty() && rule.findingType != f.type))
        return false;
    if (rule.protocol && rule.protocol != f.protocol)
        return false;
    if (!rule.ports.empty()) {
        if (f.dstPorts.empty())
            return false;
        for (uint16_t p : f.dstPorts)
            if (std::find(rule.ports.begin(), rule.ports.end(), p) == rule.ports.end())
                return false;
    }
    if (!rule.destinations.empty()) {
        if (f.dst.empty())
            return false;
        for (const IpAddress& d : f.dst)
            if (std::none_of(rule.destinations.begin(), rule.destinations.end(),
                             [&](const IpPrefix& p) { return p.contains(d); }))
                return false;
    }
    if (!rule.sources.empty()) {
        if (!f.src || std::none_of(rule.sources.begin(), rule.sources.end(),
                                   [&](const IpPrefix& p) { return p.contains(*f.src); }))
            return false;
    }
    return true;
}

void DetectorEngine::applySuppressions(const std::vector<SuppressionRule>& rules, std::vector<Finding>& findings)
{
    constexpr double kSuppressedMaxScore = 10;
    for (Finding& f : findings)
        for (const SuppressionRule& rule : rules) {
            if (!suppresses(rule, f))
                continue;
            f.evidence["suppressed_by"] = rule.name;
            if (f.evidence.contains("score_parts"))
                f.evidence["score_before_suppression"] = f.score;
            f.score = std::min(f.score, kSuppressedMaxScore);
            f.severity = Severity::Info;
            f.summary += " [allowlisted: " + rule.name + "]";
            break;
        }
}
