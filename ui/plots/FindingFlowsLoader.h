#pragma once

#include "model/Finding.h"
#include "plots/FindingFlows.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <cstdint>
#include <memory>

template <typename T>
class QFutureWatcher;

// Reads a finding's flows from a case. load() is synchronous and needs no
// event loop or display (the PDF report and the CLI call it on any thread,
// each call opening its own read-only connection); request() runs it on the
// thread pool and emits loaded() on the owner's thread, dropping the results
// of requests that a newer one (or cancel()) made stale.
//
// What is read per finding type (the finding's own filter names one direction;
// the chart needs the replies too):
//   beacon, exfiltration   host SRC and host DST, the whole case
//   port_scan horizontal   host SRC and port P and proto X, the whole case (the detector's group)
//   port_scan vertical     host SRC and host DST and proto X, the whole case
//   port_scan distributed  port P and proto X, in the finding's window
//   volumetric             dst host DST, the finding's window with context either side
//   long_connection, indicator: the finding's filter, the whole case
class FindingFlowsLoader final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FindingFlowsLoader)
public:
    // Flows read at most for one chart: charts show shapes, not every row.
    static constexpr uint64_t kMaxFlows = 500'000;

    explicit FindingFlowsLoader(QObject* parent = nullptr);
    ~FindingFlowsLoader() override;

    static FindingFlows load(const QString& casePath, const Finding& finding, const std::atomic_bool* cancel = nullptr);
    // The selection load() reads for a finding: expression and time range (both 0: all).
    static std::string selectionFor(const Finding& finding, int64_t& startMs, int64_t& endMs);

    // Starts an asynchronous load; a running one is abandoned. Returns the request's number.
    quint64 request(const QString& casePath, const Finding& finding);
    // Abandons the running request (its result is dropped).
    void cancel();
    bool isLoading() const;

signals:
    // The flows of the latest request (never of a stale one).
    void loaded(quint64 request, const FindingFlows& flows);

private:
    QFutureWatcher<FindingFlows>* m_watcher = nullptr;
    std::shared_ptr<std::atomic_bool> m_cancel;
    quint64 m_request = 0;
    quint64 m_running = 0; // the request m_watcher runs
    QString m_pendingCase; // a request that waits for the running (cancelled) one to end
    std::unique_ptr<Finding> m_pending;
    void startPending();
};
