#pragma once

#include "analysis/TrafficTimeline.h"
#include "collect/FlowCollector.h"
#include "store/FlowStore.h"

#include <QFuture>
#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>

class LiveCaseReader;

// The collector for a window: starts and stops a FlowCollector off the
// caller's thread (binding, restoring templates, and the final flush and
// indexing take time), polls its counters, and follows the case so the
// caller can show flows as they arrive. Signals arrive on the thread that
// owns the job (the UI thread); nothing here blocks it.
class LiveCaptureJob final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LiveCaptureJob)
public:
    enum class State { Idle, Starting, Running, Stopping };

    explicit LiveCaptureJob(QObject* parent = nullptr);
    ~LiveCaptureJob() override; // stops and flushes (waiting) if still collecting

    // False when not idle.
    bool start(const FlowCollector::Settings& settings);
    void stop();

    State state() const { return m_state; }
    bool isActive() const { return m_state != State::Idle; }
    const FlowCollector::Settings& settings() const { return m_settings; }
    const FlowCollector::Stats& lastStats() const { return m_stats; }
    QString endpointsText() const { return m_endpoints; } // "127.0.0.1:9995"
    bool allInterfaces() const { return m_allInterfaces; }
    quint16 port() const { return m_port; }
    // How often counters are polled and the view refreshed (ms).
    void setPollInterval(int ms) { m_timer.setInterval(ms); }

signals:
    void started(const QString& endpoints);
    void startFailed(const QString& message);
    void statsUpdated(const FlowCollector::Stats& stats);
    // The case as committed so far (read off-thread, only what is new each time).
    void viewUpdated(const FlowStore::Summary& summary, const TrafficTimeline& timeline);
    // Collecting ended; everything received is stored unless ok is false.
    void stopped(bool ok, const QString& message);

private:
    struct View {
        QString error;
        FlowStore::Summary summary;
        std::optional<TrafficTimeline> timeline;
    };
    void poll();
    void refreshView();

    std::unique_ptr<FlowCollector> m_collector;
    std::shared_ptr<LiveCaseReader> m_reader;
    FlowCollector::Settings m_settings;
    FlowCollector::Stats m_stats;
    QTimer m_timer;
    QFuture<void> m_work; // the start or stop running on the pool
    QFuture<View> m_viewWork;
    State m_state = State::Idle;
    QString m_endpoints;
    bool m_allInterfaces = false;
    quint16 m_port = 0;
    uint64_t m_viewFlows = 0; // flows the last view read
    bool m_viewBusy = false;
};
