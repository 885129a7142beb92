#include "analysis/AnalysisJob.h"

#include "detect/DetectorEngine.h"
#include "import/FlowImporter.h"
#include "report/JsonReport.h"
#include "store/FlowStore.h"

#include <QElapsedTimer>
#include <QThread>
#include <QFileInfo>
#include <QtConcurrent/QtConcurrentRun>

Q_DECLARE_METATYPE(std::vector<Finding>)

AnalysisJob::AnalysisJob(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<std::vector<Finding>>("std::vector<Finding>");
}

AnalysisJob::~AnalysisJob()
{
    // The worker uses this object's signals; wait for it to notice the cancel.
    m_cancel = true;
    while (m_workerAlive)
        QThread::msleep(5);
}

bool AnalysisJob::start(const QString& casePath, const QStringList& inputs, const DetectionSettings& settings)
{
    if (m_running.exchange(true))
        return false;
    m_cancel = false;
    m_workerAlive = true;
    (void)QtConcurrent::run([this, casePath, inputs, settings] { run(casePath, inputs, settings); });
    return true;
}

bool AnalysisJob::startAnalysis(const QString& casePath, const DetectionSettings& settings)
{
    return start(casePath, {}, settings);
}

void AnalysisJob::cancel() { m_cancel = true; }

void AnalysisJob::finishRun(bool cancelled)
{
    // isRunning() is false by the time the UI handles finished(), so it may start the next job.
    m_running = false;
    emit finished(cancelled);
    m_workerAlive = false;
}

void AnalysisJob::run(QString casePath, QStringList inputs, DetectionSettings settings)
{
    std::string error;
    auto store = FlowStore::open(casePath.toStdString(), error);
    if (!store) {
        emit failed(QString::fromStdString(error));
        finishRun(false);
        return;
    }
    for (const QString& input : inputs) {
        emit stageChanged(tr("Importing %1").arg(QFileInfo(input).fileName()));
        QElapsedTimer throttle;
        throttle.start();
        // Progress a few times a second is enough for a progress bar.
        auto progress = [&](int64_t done, int64_t total) {
            if (throttle.elapsed() >= 100 || done == total) {
                throttle.restart();
                emit this->progress(done, total);
            }
        };
        const ImportResult result = FlowImporter::importFile(*store, input.toStdString(), false, progress, m_cancel);
        if (result.cancelled) {
            finishRun(true);
            return;
        }
        if (!result.ok) {
            emit failed(QString::fromStdString(result.error));
            continue; // other inputs may still import
        }
        if (!result.issues.empty()) {
            QStringList lines;
            for (const auto& issue : result.issues)
                lines << QString::fromStdString(issue.toString());
            emit importIssues(input, lines);
        }
    }
    emit stageChanged(tr("Building conversations"));
    emit progress(0, 0);
    const DetectionContext context = DetectorEngine::buildContext(*store, settings, m_cancel);
    if (m_cancel) {
        finishRun(true);
        return;
    }
    emit stageChanged(tr("Running detectors"));
    DetectorEngine engine(context.settings.thresholds);
    std::vector<Finding> findings = engine.run(context, m_cancel, [this](const std::string& stage) {
        emit stageChanged(QString::fromStdString(stage));
    });
    if (m_cancel) {
        finishRun(true);
        return;
    }
    if (!store->replaceFindings(findings, JsonReport::describeAnalysis(context)))
        emit failed(QString::fromStdString(casePath.toStdString() + ": cannot save findings: " + store->lastError()));
    emit findingsReady(findings);
    store.reset();
    finishRun(false);
}
