#pragma once

#include "analysis/DetectionSettings.h"
#include "model/Finding.h"
#include "model/ImportIssue.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <vector>

// Imports files into a case and runs the detectors, on a worker thread.
// Signals arrive on the thread that owns the job (the UI thread).
class AnalysisJob final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AnalysisJob)
public:
    explicit AnalysisJob(QObject* parent = nullptr);
    ~AnalysisJob() override;

    // Imports each file (skipping ones already in the case) then analyses the
    // whole case. Returns false if a job is already running.
    bool start(const QString& casePath, const QStringList& inputs, const DetectionSettings& settings);
    // Only re-runs the detectors over the case.
    bool startAnalysis(const QString& casePath, const DetectionSettings& settings);
    void cancel();
    bool isRunning() const { return m_running; }

signals:
    void stageChanged(const QString& stage);
    void progress(qint64 done, qint64 total);
    void importIssues(const QString& file, const QStringList& issues);
    void findingsReady(const std::vector<Finding>& findings);
    void finished(bool cancelled);
    void failed(const QString& message);

private:
    void run(QString casePath, QStringList inputs, DetectionSettings settings);
    void finishRun(bool cancelled);

    std::atomic_bool m_cancel{false};
    std::atomic_bool m_running{false};
    std::atomic_bool m_workerAlive{false}; // the worker still uses this object
};
