#include "plots/FindingFlowsLoader.h"

#include "detect/ContextBuilder.h"
#include "detect/FlowDeduplicator.h"
#include "model/TextFormat.h"
#include "query/FlowFilter.h"
#include "store/FlowStore.h"

#include <QCoreApplication>
#include <QFile>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace {


std::string proto(uint8_t p) { return TextFormat::protocolName(p); }

} // namespace

FindingFlowsLoader::FindingFlowsLoader(QObject* parent)
    : QObject(parent)
    , m_watcher(new QFutureWatcher<FindingFlows>(this))
{
    connect(m_watcher, &QFutureWatcher<FindingFlows>::finished, this, [this] {
        const quint64 done = m_running;
        m_running = 0;
        if (m_pending) {
            startPending(); // the finished one was superseded
            return;
        }
        if (done == m_request && done != 0)
            emit loaded(done, m_watcher->result());
    });
}

FindingFlowsLoader::~FindingFlowsLoader()
{
    if (m_cancel)
        m_cancel->store(true);
    m_watcher->waitForFinished();
}

std::string FindingFlowsLoader::selectionFor(const Finding& f, int64_t& startMs, int64_t& endMs)
{
    startMs = endMs = 0;
    const std::string src = f.src ? f.src->toString() : std::string();
    const std::string dst = f.dst.empty() ? std::string() : f.dst.front().toString();
    if (f.type == "beacon" || f.type == "exfiltration") {
        if (!src.empty() && !dst.empty())
            return "host " + src + " and host " + dst;
    } else if (f.type == "port_scan") {
        const std::string p = f.protocol ? " and proto " + proto(f.protocol) : std::string();
        const std::string port = f.dstPorts.empty() ? std::string() : std::to_string(f.dstPorts.front());
        if (f.subtype == "vertical" && !src.empty() && !dst.empty())
            return "host " + src + " and host " + dst + p;
        if (f.subtype == "distributed" && !port.empty()) {
            startMs = f.startMs - 1000; // v9 times are whole seconds
            endMs = f.endMs + 60'000;   // replies and retries after the last probe
            return "port " + port + p;
        }
        if (!src.empty() && !port.empty())
            return "host " + src + " and port " + port + p;
    } else if (f.type == "volumetric") {
        if (!dst.empty()) {
            // The flood and enough before and after it to see the destination's usual level.
            const int64_t context = std::max<int64_t>(30 * 60'000, 2 * (f.endMs - f.startMs));
            startMs = f.startMs - context;
            endMs = f.endMs + context;
            return "host " + dst; // a biflow towards dst may be stored in the other direction
        }
    }
    return f.filter.empty() ? std::string("any") : f.filter;
}

FindingFlows FindingFlowsLoader::load(const QString& casePath, const Finding& f, const std::atomic_bool* cancel)
{
    FindingFlows out;
    out.expression = selectionFor(f, out.startMs, out.endMs);
    if (casePath.isEmpty()) {
        out.error = tr("No case is open.");
        return out;
    }
    FlowFilter::Error parseError;
    const std::optional<FlowFilter> filter = FlowFilter::parse(out.expression, parseError);
    if (!filter) {
        out.error = tr("The finding's flow filter \"%1\" is not valid: %2")
                        .arg(QString::fromStdString(out.expression), QString::fromStdString(parseError.toString()));
        return out;
    }
    std::string error;
    const std::unique_ptr<FlowStore> store = FlowStore::open(QFile::encodeName(casePath).toStdString(), error, true);
    if (!store) {
        out.error = tr("Cannot read the case %1: %2").arg(casePath, QString::fromStdString(error));
        return out;
    }
    FlowStore::FlowSelection selection;
    selection.filter = &*filter;
    selection.startMs = out.startMs;
    selection.endMs = out.endMs;
    // The detectors' own context builder joins the records into connections,
    // so the chart counts what the detector counted.
    int64_t spanStart = out.startMs, spanEnd = out.endMs;
    if (spanStart == 0 && spanEnd == 0) {
        const FlowStore::Summary summary = store->summary();
        spanStart = summary.startMs;
        spanEnd = summary.endMs;
    }
    FlowDeduplicator dedup;
    ContextBuilder builder(DetectionSettings{}, spanStart, spanEnd);
    uint64_t read = 0;
    store->forEachFlowMatching(selection, [&](const FlowRecord& raw, int64_t) {
        if (cancel && cancel->load(std::memory_order_relaxed))
            return false;
        if (++read > kMaxFlows) {
            out.truncated = true;
            return false;
        }
        const CompactFlow compact = builder.compact(raw);
        if (dedup.isDuplicate(compact))
            return true;
        out.flows.push_back(raw.scaledBySampling());
        builder.add(compact);
        return true;
    });
    if (cancel && cancel->load()) {
        out.error = tr("Cancelled.");
        out.flows.clear();
        return out;
    }
    out.duplicates = dedup.duplicates();
    DetectionContext ctx = builder.finish();
    out.conversations = std::move(ctx.conversations);
    out.addresses = std::move(ctx.addresses);
    std::stable_sort(out.conversations.begin(), out.conversations.end(),
                     [](const Conversation& a, const Conversation& b) { return a.startMs < b.startMs; });
    return out;
}

quint64 FindingFlowsLoader::request(const QString& casePath, const Finding& finding)
{
    ++m_request;
    if (m_cancel)
        m_cancel->store(true);
    m_pendingCase = casePath;
    m_pending = std::make_unique<Finding>(finding);
    if (!m_watcher->isRunning())
        startPending();
    return m_request;
}

void FindingFlowsLoader::startPending()
{
    // One read at a time: a cancelled one stops at its next row, then the latest request runs.
    const QString casePath = m_pendingCase;
    const Finding finding = *m_pending;
    m_pending.reset();
    m_cancel = std::make_shared<std::atomic_bool>(false);
    m_running = m_request;
    auto cancelFlag = m_cancel;
    m_watcher->setFuture(QtConcurrent::run([casePath, finding, cancelFlag] {
        return load(casePath, finding, cancelFlag.get());
    }));
}

void FindingFlowsLoader::cancel()
{
    ++m_request;
    m_pending.reset();
    if (m_cancel)
        m_cancel->store(true);
}

bool FindingFlowsLoader::isLoading() const
{
    return m_watcher->isRunning() || m_pending != nullptr;
}
