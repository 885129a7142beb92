#include "plots/FindingChartView.h"

#include "plots/BeaconHistogramPlot.h"
#include "plots/BeaconIntervals.h"
#include "plots/FanOutGraph.h"
#include "plots/FindingFlowsLoader.h"
#include "plots/FindingTraffic.h"
#include "plots/PlotStyle.h"
#include "plots/PortHostMatrix.h"
#include "plots/ScanTargets.h"
#include "plots/TrafficChartPlot.h"
#include "util/DisplayFormat.h"

#include <QLabel>
#include <QPainter>
#include <QStackedWidget>
#include <QTabBar>
#include <QTabWidget>
#include <QVBoxLayout>

namespace {

enum Page { MessagePage, BeaconPage, ScanPage, TrafficPage };

QString truncationNote(const FindingFlows& flows)
{
    return flows.truncated ? QObject::tr("Only the first %1 flows are drawn.")
                                 .arg(DisplayFormat::count(FindingFlowsLoader::kMaxFlows))
                           : QString();
}

} // namespace

FindingChartView::FindingChartView(QWidget* parent)
    : QWidget(parent)
    , m_loader(new FindingFlowsLoader(this))
    , m_stack(new QStackedWidget(this))
    , m_message(new QLabel(this))
    , m_title(new QLabel(this))
    , m_beacon(new BeaconHistogramPlot(this))
    , m_scanTabs(new QTabWidget(this))
    , m_fanOut(new FanOutGraph(this))
    , m_matrix(new PortHostMatrix(this))
    , m_traffic(new TrafficChartPlot(this))
{
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::PlainText);
    m_message->setForegroundRole(QPalette::PlaceholderText);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setForegroundRole(QPalette::PlaceholderText);
    m_title->setVisible(false);
    m_scanTabs->setDocumentMode(true);
    m_scanTabs->addTab(m_fanOut, tr("Fan-out"));
    m_scanTabs->addTab(m_matrix, tr("Ports × hosts"));
    m_fanOut->setToolTip(QString());
    m_stack->insertWidget(MessagePage, m_message);
    m_stack->insertWidget(BeaconPage, m_beacon);
    m_stack->insertWidget(ScanPage, m_scanTabs);
    m_stack->insertWidget(TrafficPage, m_traffic);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_stack, 1);
    layout->addWidget(m_title);
    setMinimumHeight(240);
    setVisible(false);

    connect(m_fanOut, &FanOutGraph::hostActivated, this, &FindingChartView::hostActivated);
    connect(m_loader, &FindingFlowsLoader::loaded, this, [this](quint64 request, const FindingFlows& flows) {
        if (request == m_request)
            showFlows(flows);
    });
}

FindingChartView::~FindingChartView() = default;

FindingChartView::Chart FindingChartView::chartFor(const Finding& f)
{
    if (f.type == "beacon")
        return Chart::BeaconHistogram;
    if (f.type == "port_scan")
        return Chart::FanOut;
    if (f.type == "exfiltration" || f.type == "volumetric" || f.type == "long_connection" || f.type == "indicator")
        return Chart::Traffic;
    return Chart::None;
}

void FindingChartView::setCasePath(const QString& casePath)
{
    if (casePath == m_casePath)
        return;
    m_casePath = casePath;
    if (m_finding)
        startLoad();
}

void FindingChartView::setFinding(const Finding* finding)
{
    if (finding && m_finding && finding->id == m_finding->id && m_chart != Chart::None
        && finding->startMs == m_finding->startMs && finding->evidence == m_finding->evidence)
        return; // the same finding again (a refreshed table): keep the chart
    m_finding = finding ? std::make_unique<Finding>(*finding) : nullptr;
    m_chart = finding ? chartFor(*finding) : Chart::None;
    m_flows = FindingFlows();
    if (m_chart == Chart::None) {
        m_loader->cancel();
        ++m_request;
        setVisible(false);
        return;
    }
    setVisible(true);
    startLoad();
}

bool FindingChartView::isLoading() const
{
    return m_loader->isLoading();
}

void FindingChartView::startLoad()
{
    if (!m_finding || m_chart == Chart::None)
        return;
    if (m_casePath.isEmpty()) {
        ++m_request;
        m_loader->cancel();
        showMessage(tr("The chart appears once the case is stored."));
        return;
    }
    showMessage(tr("Reading the finding's flows…"));
    m_request = m_loader->request(m_casePath, *m_finding);
}

void FindingChartView::showMessage(const QString& text)
{
    m_message->setText(text);
    m_stack->setCurrentIndex(MessagePage);
    m_title->setVisible(false);
}

void FindingChartView::showFlows(const FindingFlows& flows)
{
    m_flows = flows;
    if (!m_finding)
        return;
    if (!flows.ok()) {
        showMessage(flows.error);
        emit chartReady();
        return;
    }
    const Finding& f = *m_finding;
    switch (m_chart) {
    case Chart::BeaconHistogram:
        m_beacon->setIntervals(BeaconIntervals::compute(f, flows));
        m_stack->setCurrentIndex(BeaconPage);
        break;
    case Chart::FanOut: {
        const ScanTargets targets = ScanTargets::compute(f, flows);
        m_fanOut->setTargets(targets);
        m_matrix->setTargets(targets);
        const bool matrix = f.subtype == "vertical";
        m_scanTabs->setTabVisible(1, matrix);
        m_scanTabs->tabBar()->setVisible(matrix);
        m_scanTabs->setCurrentIndex(0);
        m_stack->setCurrentIndex(ScanPage);
        break;
    }
    case Chart::Traffic:
        m_traffic->setTraffic(FindingTraffic::compute(f, flows));
        m_stack->setCurrentIndex(TrafficPage);
        break;
    case Chart::None:
        break;
    }
    QString note = truncationNote(flows);
    if (m_chart == Chart::FanOut)
        note = (note.isEmpty() ? QString() : note + QStringLiteral("  ·  "))
            + tr("Wheel or +/− zooms, 0 fits, drag pans; double-click a host to open it.");
    m_title->setText(note);
    m_title->setVisible(!note.isEmpty());
    emit chartReady();
}

void FindingChartView::renderFindingChart(QPainter* painter, const QRectF& target, const Finding& f,
                                          const FindingFlows& flows)
{
    if (!flows.ok()) {
        PlotStyle::renderNote(painter, target, flows.error);
        return;
    }
    switch (chartFor(f)) {
    case Chart::BeaconHistogram:
        BeaconHistogramPlot::render(painter, target, BeaconIntervals::compute(f, flows));
        break;
    case Chart::FanOut: {
        const ScanTargets targets = ScanTargets::compute(f, flows);
        if (f.subtype == "vertical") {
            const double half = target.width() / 2;
            FanOutGraph::render(painter, QRectF(target.left(), target.top(), half - 4, target.height()), targets);
            PortHostMatrix::render(painter, QRectF(target.left() + half + 4, target.top(), half - 4, target.height()), targets);
        } else {
            FanOutGraph::render(painter, target, targets);
        }
        break;
    }
    case Chart::Traffic:
        TrafficChartPlot::render(painter, target, FindingTraffic::compute(f, flows));
        break;
    case Chart::None:
        PlotStyle::renderNote(painter, target, tr("No chart for this kind of finding."));
        break;
    }
}
