#include "detect/DetectorEngine.h"

#include "detect/BeaconDetector.h"
#include "detect/ConversationBuilder.h"
#include "detect/ExfiltrationDetector.h"
#include "detect/FlowDeduplicator.h"
#include "detect/IndicatorDetector.h"
#include "detect/InternalNetworkInference.h"
#include "detect/LongConnectionDetector.h"
#include "detect/PortScanDetector.h"
#include "detect/VolumetricDetector.h"
#include "store/FlowStore.h"

#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

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
    DetectionContext ctx;
    ctx.settings = settings;
    const FlowStore::Summary summary = store.summary();
    ctx.startMs = summary.startMs;
    ctx.endMs = summary.endMs;
    ctx.flows.reserve(summary.flows);
    // Read in storage order (a sequential scan; walking the time index costs several times more
    // on millions of rows), then order by start time in memory. The sort is stable, so ties keep
    // storage order, as the index walk did.
    store.forEachFlowInStorageOrder([&](const FlowRecord& raw) {
        ctx.flows.push_back(raw);
        return !cancel.load(std::memory_order_relaxed);
    });
    if (cancel.load())
        return ctx;
    const auto byStart = [](const FlowRecord& a, const FlowRecord& b) { return a.startMs < b.startMs; };
    if (!std::is_sorted(ctx.flows.begin(), ctx.flows.end(), byStart)) {
        // Sort a permutation (4 bytes a flow), then apply it in place, cycle by cycle.
        std::vector<uint32_t> order(ctx.flows.size());
        for (uint32_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::stable_sort(order.begin(), order.end(),
                         [&](uint32_t a, uint32_t b) { return ctx.flows[a].startMs < ctx.flows[b].startMs; });
        for (size_t i = 0; i < order.size(); ++i) {
            if (order[i] == i)
                continue;
            FlowRecord held = std::move(ctx.flows[i]);
            size_t j = i;
            while (order[j] != i) {
                ctx.flows[j] = std::move(ctx.flows[order[j]]);
                const size_t next = order[j];
                order[j] = uint32_t(j);
                j = next;
            }
            ctx.flows[j] = std::move(held);
            order[j] = uint32_t(j);
        }
    }
    ConversationBuilder builder;
    FlowDeduplicator dedup;
    size_t kept = 0;
    for (size_t i = 0; i < ctx.flows.size(); ++i) {
        if (dedup.isDuplicate(ctx.flows[i]))
            continue;
        FlowRecord& f = ctx.flows[kept++];
        f = ctx.flows[i].scaledBySampling();
        builder.add(f);
    }
    ctx.flows.resize(kept);
    ctx.duplicateRecords = dedup.duplicates();
    ctx.conversations = builder.take();
    if (ctx.settings.inferInternalIpv6 && ctx.settings.internalNetworks.empty())
        ctx.settings.inferredNetworks = InternalNetworkInference::infer(ctx.conversations, ctx.settings);
    std::sort(ctx.conversations.begin(), ctx.conversations.end(),
              [](const Conversation& a, const Conversation& b) { return a.startMs < b.startMs; });
    return ctx;
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
