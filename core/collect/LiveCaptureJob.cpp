#include "collect/LiveCaptureJob.h"

#include "analysis/LiveCaseReader.h"

#include <QtConcurrent/QtConcurrentRun>

Q_DECLARE_METATYPE(FlowCollector::Stats)

LiveCaptureJob::LiveCaptureJob(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<FlowCollector::Stats>("FlowCollector::Stats");
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &LiveCaptureJob::poll);
}

LiveCaptureJob::~LiveCaptureJob()
{
    m_timer.stop();
    m_work.waitForFinished();
    m_viewWork.waitForFinished();
    if (m_collector && m_collector->isRunning()) {
        std::string ignored;
        m_collector->stop(ignored); // closing the window must not lose what arrived
    }
}

bool LiveCaptureJob::start(const FlowCollector::Settings& settings)
{
    if (m_state != State::Idle)
        return false;
    m_work.waitForFinished();
    m_state = State::Starting;
    m_settings = settings;
    m_stats = {};
    m_viewFlows = 0;
    m_collector = std::make_unique<FlowCollector>();
    m_reader = std::make_shared<LiveCaseReader>(settings.casePath);
    FlowCollector* collector = m_collector.get();
    QFuture<QString> f = QtConcurrent::run([collector, settings] {
        std::string error;
        return collector->start(settings, error) ? QString() : QString::fromStdString(error);
    });
    m_work = f.then(this, [this](const QString& error) {
        if (!error.isEmpty()) {
            m_state = State::Idle;
            m_collector.reset();
            emit startFailed(error);
            return;
        }
        QStringList where;
        for (const UdpReceiver::Endpoint& e : m_collector->endpoints())
            where << QString::fromStdString(e.toString());
        m_endpoints = where.join(QStringLiteral(", "));
        m_allInterfaces = m_collector->allInterfaces();
        m_port = m_collector->endpoints().empty() ? 0 : m_collector->endpoints().front().port;
        m_state = State::Running;
        m_timer.start();
        emit started(m_endpoints);
    });
    return true;
}

void LiveCaptureJob::stop()
{
    if (m_state != State::Running)
        return;
    m_state = State::Stopping;
    m_timer.stop();
    FlowCollector* collector = m_collector.get();
    QFuture<QString> f = QtConcurrent::run([collector] {
        std::string error;
        return collector->stop(error) ? QString() : QString::fromStdString(error);
    });
    m_work = f.then(this, [this](const QString& error) {
        m_stats = m_collector->stats();
        m_viewWork.waitForFinished();
        m_state = State::Idle;
        emit statsUpdated(m_stats);
        emit stopped(error.isEmpty(), error);
    });
}

void LiveCaptureJob::poll()
{
    if (m_state != State::Running)
        return;
    m_stats = m_collector->stats();
    emit statsUpdated(m_stats);
    if (m_collector->hasFailed()) {
        stop(); // reports the failure through stopped()
        return;
    }
    if (m_stats.flowsStored != m_viewFlows && !m_viewBusy)
        refreshView();
}

void LiveCaptureJob::refreshView()
{
    m_viewBusy = true;
    m_viewFlows = m_stats.flowsStored;
    std::shared_ptr<LiveCaseReader> reader = m_reader;
    m_viewWork = QtConcurrent::run([reader] {
        View v;
        std::string error;
        if (!reader->refresh(error)) {
            v.error = QString::fromStdString(error);
            return v;
        }
        v.summary = reader->summary();
        if (v.summary.flows)
            v.timeline = reader->timeline(600);
        return v;
    });
    m_viewWork.then(this, [this](const View& v) {
        m_viewBusy = false;
        if (v.error.isEmpty() && v.timeline)
            emit viewUpdated(v.summary, *v.timeline);
    });
}
