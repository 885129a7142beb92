#pragma once

#include "model/Finding.h"
#include "plots/FindingFlows.h"

#include <QWidget>

#include <memory>

class FindingFlowsLoader;
class QLabel;
class QPainter;
class QStackedWidget;
class QTabWidget;
class BeaconHistogramPlot;
class FanOutGraph;
class PortHostMatrix;
class TrafficChartPlot;

// The chart that fits a finding, under its details: the interval histogram of
// a beacon, the fan-out graph (and for vertical scans the ports × hosts
// matrix) of a scan, the traffic of an exfiltration, flood, long connection or
// indicator. Reads the finding's flows from the case off the UI thread
// (FindingFlowsLoader); a newer selection discards an older load. Hidden when
// the finding has no chart.
//
// Reports draw the same charts without a widget on screen, as vector
// graphics, into any QPainter (QPdfWriter, QSvgGenerator, QImage):
//
//     const FindingFlows flows = FindingFlowsLoader::load(casePath, finding); // any thread
//     if (FindingChartView::hasChart(finding))
//         FindingChartView::renderFindingChart(&painter, QRectF(x, y, w, h), finding, flows);
//
// renderFindingChart must run on the GUI thread (it builds widgets offscreen);
// under the offscreen platform it needs no display (the CLI's report).
class FindingChartView final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FindingChartView)
public:
    enum class Chart { None, BeaconHistogram, FanOut, Traffic };

    explicit FindingChartView(QWidget* parent = nullptr);
    ~FindingChartView() override;

    void setCasePath(const QString& casePath);
    // nullptr clears the chart.
    void setFinding(const Finding* finding);

    static Chart chartFor(const Finding& finding);
    static bool hasChart(const Finding& finding) { return chartFor(finding) != Chart::None; }
    // Draws the finding's chart into target (vector graphics: the chart's own
    // items, no bitmap). Draws a short note instead when flows has an error or
    // holds nothing of the finding. For vertical scans it draws the fan-out
    // graph and the ports × hosts matrix side by side.
    static void renderFindingChart(QPainter* painter, const QRectF& target, const Finding& finding,
                                   const FindingFlows& flows);

    // For tests and the report: what is shown now.
    Chart currentChart() const { return m_chart; }
    bool isLoading() const;
    const FindingFlows& flows() const { return m_flows; }
    BeaconHistogramPlot* beaconHistogram() const { return m_beacon; }
    FanOutGraph* fanOutGraph() const { return m_fanOut; }
    PortHostMatrix* portHostMatrix() const { return m_matrix; }
    TrafficChartPlot* trafficChart() const { return m_traffic; }

signals:
    // A host in the chart was double-clicked (fan-out nodes): open its drill-down.
    void hostActivated(const QString& address);
    // The chart of the current finding is drawn (its flows arrived).
    void chartReady();

private:
    void startLoad();
    void showFlows(const FindingFlows& flows);
    void showMessage(const QString& text);

    QString m_casePath;
    std::unique_ptr<Finding> m_finding;
    Chart m_chart = Chart::None;
    FindingFlows m_flows;
    FindingFlowsLoader* m_loader = nullptr;
    quint64 m_request = 0;
    QStackedWidget* m_stack = nullptr;
    QLabel* m_message = nullptr;
    QLabel* m_title = nullptr;
    BeaconHistogramPlot* m_beacon = nullptr;
    QTabWidget* m_scanTabs = nullptr;
    FanOutGraph* m_fanOut = nullptr;
    PortHostMatrix* m_matrix = nullptr;
    TrafficChartPlot* m_traffic = nullptr;
};
