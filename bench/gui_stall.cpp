// Event-loop stalls of the flows table, the timeline and the host drill-downs
// on a large case: a 10 ms timer measures how late it fires while the bench
// scrolls, sorts, zooms and switches hosts, and the worst lateness of each
// action is printed (target: under 100 ms, issue 6). Run by bench/gui_stall.sh.
//
//   gui_stall CASE.flowsift [--hosts N]
#include "BenchMeasure.h"

#include "analysis/TrafficTimeline.h"
#include "models/FlowsTableModel.h"
#include "plots/TimelinePlot.h"
#include "store/FlowStore.h"
#include "widgets/FlowsView.h"
#include "widgets/HostView.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QScrollBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QtConcurrent>

#include <cstdio>
#include <set>
#include <string>

namespace {

// Fires every 10 ms; the lateness of each tick is the time the event loop
// could not run. One probe, reset per action.
class StallProbe final : public QObject {
public:
    StallProbe()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(kIntervalMs);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const double late = double(m_clock.nsecsElapsed()) / 1e6 - kIntervalMs;
            m_clock.restart();
            m_worst = std::max(m_worst, late);
            if (late > 100)
                ++m_over100;
            ++m_ticks;
        });
    }
    void start()
    {
        m_worst = 0;
        m_over100 = 0;
        m_ticks = 0;
        m_clock.restart();
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    double worst() const { return m_worst; }
    int over100() const { return m_over100; }
    int ticks() const { return m_ticks; }

private:
    static constexpr int kIntervalMs = 10;
    QTimer m_timer;
    QElapsedTimer m_clock;
    double m_worst = 0;
    int m_over100 = 0;
    int m_ticks = 0;
};

// Runs the event loop for ms (the probe keeps ticking meanwhile).
void runFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

// Runs the event loop until done() or timeoutMs; false on timeout.
template <typename Done>
bool runUntil(Done done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        runFor(5);
    }
    return true;
}

struct Report {
    StallProbe probe;
    double worstOverall = 0;
    void begin() { probe.start(); }
    void end(const char* action, double seconds, const std::string& note = {})
    {
        probe.stop();
        worstOverall = std::max(worstOverall, probe.worst());
        std::printf("%-34s worst stall %7.1f ms  stalls>100ms %3d  ticks %6d  %7.2f s  %s\n", action, probe.worst(),
                    probe.over100(), probe.ticks(), seconds, note.c_str());
        std::fflush(stdout);
    }
};

bool visibleRowsLoaded(QTableView* table, FlowsTableModel* model)
{
    const int top = table->rowAt(0);
    const int bottom = table->rowAt(table->viewport()->height() - 2);
    return top < 0 || (model->flowAt(top) && (bottom < 0 || model->flowAt(bottom)));
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: gui_stall CASE.flowsift [--hosts N]\n");
        return 2;
    }
    const QString casePath = QString::fromLocal8Bit(argv[1]);
    int hostCount = 6;
    for (int i = 2; i + 1 < argc; ++i)
        if (std::string(argv[i]) == "--hosts")
            hostCount = std::max(1, std::atoi(argv[i + 1]));
    std::string error;
    if (!FlowStore::open(casePath.toStdString(), error, true)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }

    QTabWidget window;
    window.resize(1500, 950);
    auto* flows = new FlowsView;
    auto* timeline = new TimelinePlot;
    window.addTab(flows, QStringLiteral("Flows"));
    window.addTab(timeline, QStringLiteral("Timeline"));
    window.show();
    FlowsTableModel* model = flows->model();
    QTableView* table = flows->table();
    Report report;
    std::printf("case %s, window 1500x950, platform %s\n", qPrintable(casePath), qPrintable(QApplication::platformName()));

    // Open: the row count and order are read on the model's worker.
    auto t0 = bench::Clock::now();
    report.begin();
    flows->setCasePath(casePath);
    runUntil([&] { return !model->isLoading() && model->rowCount() > 0 && visibleRowsLoaded(table, model); }, 300'000);
    report.end("open flows table", bench::since(t0), std::to_string(model->rowCount()) + " rows");

    // Scroll top to bottom in 200 steps, each shown before the next (a user
    // dragging the scroll bar), then 200 fast steps without waiting.
    QScrollBar* bar = table->verticalScrollBar();
    auto scroll = [&](const char* name, int steps, bool waitEach) {
        auto t = bench::Clock::now();
        report.begin();
        for (int i = 0; i <= steps; ++i) {
            bar->setValue(int(qint64(bar->maximum()) * i / steps));
            if (waitEach)
                runUntil([&] { return visibleRowsLoaded(table, model); }, 10'000);
            else
                runFor(10);
        }
        runUntil([&] { return visibleRowsLoaded(table, model); }, 10'000);
        report.end(name, bench::since(t), std::to_string(steps) + " steps");
    };
    scroll("scroll top to bottom (rows shown)", 200, true);
    scroll("scroll bottom to top, fast", 200, false);

    // Sort by bytes, largest first, then by source: the order is built in SQL.
    for (auto [column, name] : {std::pair{int(FlowsTableModel::BytesColumn), "sort by bytes (desc)"},
                                std::pair{int(FlowsTableModel::SourceColumn), "sort by source"}}) {
        auto t = bench::Clock::now();
        report.begin();
        table->sortByColumn(column, column == FlowsTableModel::BytesColumn ? Qt::DescendingOrder : Qt::AscendingOrder);
        runUntil([&] { return !model->isLoading() && visibleRowsLoaded(table, model); }, 300'000);
        report.end(name, bench::since(t));
    }
    scroll("scroll sorted table", 100, true);

    // The timeline: computed off the UI thread, then zoomed in and out by wheel-sized steps.
    window.setCurrentWidget(timeline);
    {
        auto t = bench::Clock::now();
        report.begin();
        QFutureWatcher<TrafficTimeline> watcher;
        const std::string path = casePath.toStdString();
        watcher.setFuture(QtConcurrent::run([path] {
            std::string e;
            auto store = FlowStore::open(path, e, true);
            return store ? TrafficTimeline::fromStore(*store) : TrafficTimeline(0, 0, 1000);
        }));
        runUntil([&] { return watcher.isFinished(); }, 300'000);
        timeline->setTimeline(watcher.result());
        runFor(50);
        report.end("timeline: read and draw", bench::since(t));
        t = bench::Clock::now();
        report.begin();
        QCustomPlot* plot = timeline->plot();
        for (int i = 0; i < 30; ++i) {
            plot->xAxis->scaleRange(0.85, plot->xAxis->range().center());
            plot->replot(QCustomPlot::rpQueuedReplot);
            runFor(15);
        }
        for (int i = 0; i < 30; ++i) {
            plot->xAxis->moveRange(plot->xAxis->range().size() * 0.05);
            plot->replot(QCustomPlot::rpQueuedReplot);
            runFor(15);
        }
        timeline->resetZoom();
        runFor(30);
        report.end("timeline: zoom 30x, pan 30x", bench::since(t));
    }

    // Host drill-downs of sources spread over the case, opened in turn (the first builds the lookup indexes).
    std::vector<QString> hosts;
    {
        std::string e;
        auto store = FlowStore::open(casePath.toStdString(), e, true);
        std::set<std::string> seen;
        // One source every 9973 row ids: hosts of every part of the capture.
        store->forEachFlowMatching({}, [&](const FlowRecord& r, int64_t id) {
            if (id % 9973 == 0 && seen.insert(r.src.toString()).second)
                hosts.push_back(QString::fromStdString(r.src.toString()));
            return int(hosts.size()) < hostCount;
        });
    }
    std::vector<HostView*> views;
    for (const QString& host : hosts) {
        auto t = bench::Clock::now();
        report.begin();
        QElapsedTimer built;
        built.start();
        auto* view = new HostView(casePath, host);
        views.push_back(view);
        window.setCurrentIndex(window.addTab(view, host));
        const double buildMs = double(built.nsecsElapsed()) / 1e6;
        runUntil([&] { return view->isLoaded() && !view->flowsView()->model()->isLoading()
                              && view->flowsView()->model()->rowCount() > 0; },
                 300'000);
        report.end(qPrintable(QStringLiteral("open host %1").arg(host)), bench::since(t),
                   std::to_string(view->content().totals.flows) + " flows, widget built in "
                       + std::to_string(int(buildMs)) + " ms");
    }
    {
        auto t = bench::Clock::now();
        report.begin();
        for (int round = 0; round < 5; ++round)
            for (int i = 0; i < window.count(); ++i) {
                window.setCurrentIndex(i);
                runFor(40);
            }
        report.end("switch tabs and hosts 5 rounds", bench::since(t), std::to_string(window.count()) + " tabs");
    }
    std::printf("worst stall overall %.1f ms (target < 100 ms); peak RSS %.1f MB\n", report.worstOverall,
                double(bench::vmHwmKb()) / 1024);
    return report.worstOverall < 100 ? 0 : 3;
}
