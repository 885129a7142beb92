// The finding charts and the findings table's filters, on the bundled corpus
// sample (enterprise4h, softflowd v9) and its labels.
#include "analysis/AnalysisJob.h"
#include "models/FindingsFilterProxy.h"
#include "models/FindingsModel.h"
#include "plots/BeaconHistogramPlot.h"
#include "plots/BeaconIntervals.h"
#include "plots/FanOutGraph.h"
#include "plots/FindingChartView.h"
#include "plots/FindingFlowsLoader.h"
#include "plots/FindingTraffic.h"
#include "plots/PortHostMatrix.h"
#include "plots/ScanTargets.h"
#include "plots/TrafficChartPlot.h"
#include "query/FlowFilter.h"
#include "store/FlowStore.h"
#include "widgets/FindingDetailsView.h"
#include "widgets/FindingsFilterBar.h"
#include "widgets/MainWindow.h"

#include <nlohmann/json.hpp>

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QGraphicsItem>
#include <QImage>
#include <QLineEdit>
#include <QPainter>
#include <QPdfWriter>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTableView>
#include <QTest>

#include <fstream>
#include <set>

#ifndef FLOWSIFT_CORPUS_DIR
#define FLOWSIFT_CORPUS_DIR "../shared/corpus"
#endif
#ifndef FLOWSIFT_BINARY_DIR
#define FLOWSIFT_BINARY_DIR "."
#endif

namespace {

const char* kSample = "/resources/sample/enterprise4h__softflowd-v9.pcap";

// Distinct destinations of the flows an expression selects (what the store says a scan touched).
size_t distinctDestinations(const QString& casePath, const std::string& expression)
{
    std::string error;
    auto store = FlowStore::open(QFile::encodeName(casePath).toStdString(), error, true);
    FlowFilter::Error parseError;
    auto filter = FlowFilter::parse(expression, parseError);
    if (!store || !filter)
        return 0;
    std::set<std::pair<IpAddress, uint16_t>> seen;
    store->forEachFlowMatching({&*filter, 0, 0}, [&](const FlowRecord& r, int64_t) {
        seen.insert({r.dst, 0});
        return true;
    });
    return seen.size();
}

size_t inkPixels(const QImage& image)
{
    size_t n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if (qGray(image.pixel(x, y)) < 200)
                ++n;
    return n;
}

} // namespace

class TestFindingCharts final : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void beaconHistogramPeaksAtTheLabelledPeriod();
    void slowBeaconShowsItsMissedBeat();
    void horizontalScanFanOut();
    void verticalScanFanOutAndMatrix();
    void trafficCharts();
    void chartViewLoadsOffThreadAndDropsStaleLoads();
    void loaderReportsBadCase();
    void findingsFiltersCombine();
    void chartsRenderIntoImagesAndPdf();
    void findingsPaneInTheWindow();

private:
    const Finding* find(const std::string& type, const std::string& subtype, const char* src, const char* dst = nullptr) const;
    QTemporaryDir m_dir;
    QString m_case;
    std::vector<Finding> m_findings;
    nlohmann::json m_labels;
};

void TestFindingCharts::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    const QString sample = QStringLiteral(FLOWSIFT_SOURCE_DIR) + QLatin1String(kSample);
    const QString labels = QStringLiteral(FLOWSIFT_CORPUS_DIR) + QStringLiteral("/labels/enterprise4h.labels.json");
    if (!QFileInfo::exists(sample) || !QFileInfo::exists(labels))
        QSKIP("sample or corpus labels not available");
    std::ifstream in(QFile::encodeName(labels).toStdString());
    m_labels = nlohmann::json::parse(in);

    QVERIFY(m_dir.isValid());
    m_case = m_dir.filePath(QStringLiteral("sample.flowsift"));
    AnalysisJob job;
    QSignalSpy finished(&job, &AnalysisJob::finished);
    QSignalSpy failed(&job, &AnalysisJob::failed);
    QVERIFY(job.start(m_case, {sample}, DetectionSettings{}));
    QVERIFY(finished.wait(180'000));
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    std::string error;
    auto store = FlowStore::open(QFile::encodeName(m_case).toStdString(), error, true);
    QVERIFY2(store, error.c_str());
    m_findings = store->findings();
    QVERIFY(m_findings.size() >= 6);
}

const Finding* TestFindingCharts::find(const std::string& type, const std::string& subtype, const char* src,
                                       const char* dst) const
{
    for (const Finding& f : m_findings) {
        if (f.type != type || (!subtype.empty() && f.subtype != subtype))
            continue;
        if (src && (!f.src || f.src->toString() != src))
            continue;
        if (dst && (f.dst.empty() || f.dst.front().toString() != dst))
            continue;
        return &f;
    }
    return nullptr;
}

void TestFindingCharts::beaconHistogramPeaksAtTheLabelledPeriod()
{
    const Finding* f = find("beacon", "", "10.0.5.23", "203.0.113.77");
    QVERIFY(f);
    const FindingFlows flows = FindingFlowsLoader::load(m_case, *f);
    QVERIFY2(flows.ok(), qPrintable(flows.error));
    const BeaconIntervals b = BeaconIntervals::compute(*f, flows);
    // Connections, not records: 206 labelled connections, each one beat, as the detector counted them.
    QCOMPARE(b.beats.size(), size_t(206));
    QCOMPARE(b.beats.size(), f->evidence.at("beats").get<size_t>());
    QCOMPARE(b.intervalsS.size(), b.beats.size() - 1);
    int binned = b.longer;
    for (int n : b.bins)
        binned += n;
    QCOMPARE(binned, int(b.intervalsS.size()));
    // The dominant bin is the labelled period (60 s ±10 % uniform jitter); bins are a tenth of it.
    const double period = 60.0;
    const int dominant = b.dominantBin();
    QVERIFY(dominant >= 0);
    QVERIFY2(std::abs(b.binCentre(size_t(dominant)) - period) <= b.binWidthS / 2 + 0.5,
             qPrintable(QString::number(b.binCentre(size_t(dominant)))));
    QCOMPARE(b.binOf(period), dominant);
    QVERIFY(std::abs(b.periodS - period) < 1.5);
    // ±10 % jitter: every interval within 54–66 s (v9 whole seconds: ±1 s more).
    int near = 0;
    for (double v : b.intervalsS)
        near += std::abs(v - period) <= 7 ? 1 : 0;
    QCOMPARE(near, int(b.intervalsS.size()));
    QCOMPARE(b.longer, 0);
    // Every beat got an answer and carried a few hundred bytes each way.
    for (const auto& beat : b.beats) {
        QVERIFY(beat.answered);
        QVERIFY(beat.bytesOut >= 200 && beat.bytesOut < 5000);
    }

    BeaconHistogramPlot plot;
    plot.setIntervals(b);
    QCOMPARE(plot.intervals().bins, b.bins);
}

void TestFindingCharts::slowBeaconShowsItsMissedBeat()
{
    const Finding* f = find("beacon", "", "10.0.6.41", "203.0.113.201");
    QVERIFY(f);
    const BeaconIntervals b = BeaconIntervals::compute(*f, FindingFlowsLoader::load(m_case, *f));
    // 45 connections, one beat dropped: one interval of about two periods.
    QCOMPARE(b.beats.size(), size_t(45));
    QVERIFY(std::abs(b.binCentre(size_t(b.dominantBin())) - 300) <= 0.3 * 300);
    int twoPeriods = 0;
    for (double v : b.intervalsS)
        twoPeriods += v > 1.6 * 300 ? 1 : 0;
    QCOMPARE(twoPeriods, 1);
}

void TestFindingCharts::horizontalScanFanOut()
{
    const Finding* f = find("port_scan", "horizontal", "10.0.8.14");
    QVERIFY(f);
    QCOMPARE(f->dstPorts, std::vector<uint16_t>{445});
    const FindingFlows flows = FindingFlowsLoader::load(m_case, *f);
    QVERIFY2(flows.ok(), qPrintable(flows.error));
    const ScanTargets s = ScanTargets::compute(*f, flows);
    // Every host the scanner tried on 445 (from the store, by the finding's own filter), 254 by the label.
    const size_t stored = distinctDestinations(m_case, f->filter);
    QCOMPARE(stored, size_t(254));
    QCOMPARE(s.targets.size(), stored);
    QCOMPARE(s.targets.size(), f->evidence.at("targets").get<size_t>());
    QCOMPARE(s.failedTargets(), f->evidence.at("failed_targets").get<size_t>());
    QCOMPARE(s.answeredTargets(), f->evidence.at("answering_hosts").get<size_t>());
    // 10.0.0.10 and .20 answer SYN-ACK (open); other live hosts refuse; the rest stay silent.
    QCOMPARE(s.count(ScanTargets::Outcome::Open), size_t(2));
    QCOMPARE(s.count(ScanTargets::Outcome::Refused) + s.count(ScanTargets::Outcome::Open), s.answeredTargets());
    QCOMPARE(s.count(ScanTargets::Outcome::Silent), stored - s.answeredTargets());
    QVERIFY(s.count(ScanTargets::Outcome::Silent) > 150);
    QCOMPARE(s.groups.size(), size_t(1));
    QCOMPARE(s.groups.front().label, QStringLiteral("10.0.0.0/24"));

    FanOutGraph graph;
    graph.resize(700, 500);
    graph.setTargets(s);
    QCOMPARE(graph.nodeCount(), stored); // 254 fit under the cap: one node each
    QCOMPARE(graph.targetCount(), stored);
    size_t nodes = 0, open = 0;
    for (QGraphicsItem* item : graph.scene()->items())
        if (item->data(FanOutGraph::KindKey).toInt() == FanOutGraph::TargetNode) {
            ++nodes;
            if (item->data(FanOutGraph::AddressKey).toString() == QStringLiteral("10.0.0.10"))
                open = 1;
        }
    QCOMPARE(nodes, stored);
    QCOMPARE(open, size_t(1));

    // Double-clicking a target opens its host.
    graph.show();
    QVERIFY(QTest::qWaitForWindowExposed(&graph));
    QSignalSpy activated(&graph, &FanOutGraph::hostActivated);
    for (QGraphicsItem* item : graph.scene()->items())
        if (item->data(FanOutGraph::AddressKey).toString() == QStringLiteral("10.0.0.20")
            && item->data(FanOutGraph::KindKey).toInt() == FanOutGraph::TargetNode) {
            const QPoint at = graph.mapFromScene(item->sceneBoundingRect().center());
            QTest::mouseDClick(graph.viewport(), Qt::LeftButton, {}, at);
        }
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.first().first().toString(), QStringLiteral("10.0.0.20"));
}

void TestFindingCharts::verticalScanFanOutAndMatrix()
{
    const Finding* f = find("port_scan", "vertical", "10.0.8.14", "10.0.0.10");
    QVERIFY(f);
    const ScanTargets s = ScanTargets::compute(*f, FindingFlowsLoader::load(m_case, *f));
    QVERIFY(s.vertical);
    QCOMPARE(s.targets.size(), size_t(1024)); // ports 1–1024
    QCOMPARE(s.targets.size(), f->evidence.at("targets").get<size_t>());
    std::vector<uint16_t> open;
    for (const auto& t : s.targets)
        if (t.outcome == ScanTargets::Outcome::Open)
            open.push_back(t.port);
    QCOMPARE(open, (std::vector<uint16_t>{53, 88, 135, 139, 389, 445, 464, 593, 636}));
    QCOMPARE(open.size(), f->evidence.at("ports_answered_open").size());
    QVERIFY(s.groups.size() >= 8 && s.groups.size() <= 16);

    FanOutGraph graph;
    graph.setTargets(s);
    // A 1024-port sweep is capped: every open port drawn, the rest counted in "+N more" nodes.
    QVERIFY(graph.nodeCount() <= FanOutGraph::kMaxNodes);
    QVERIFY(graph.nodeCount() >= FanOutGraph::kMaxNodes / 2);
    QCOMPARE(graph.targetCount(), size_t(1024));
    size_t drawnOpen = 0, more = 0;
    for (QGraphicsItem* item : graph.scene()->items()) {
        const int kind = item->data(FanOutGraph::KindKey).toInt();
        if (kind == FanOutGraph::TargetNode
            && std::count(open.begin(), open.end(), uint16_t(item->data(FanOutGraph::PortKey).toInt())))
            ++drawnOpen;
        more += kind == FanOutGraph::MoreNode ? 1 : 0;
    }
    QCOMPARE(drawnOpen, open.size());
    QCOMPARE(more, s.groups.size());

    // Matrix: one host, 1024 ports wrapped in rows of 64.
    QCOMPARE(s.hosts.size(), size_t(1));
    QCOMPARE(s.ports.size(), size_t(1024));
    size_t openCells = 0;
    for (size_t p = 0; p < s.ports.size(); ++p)
        openCells += s.cell(0, p) == ScanTargets::Outcome::Open ? 1 : 0;
    QCOMPARE(openCells, open.size());
    const QRectF rect(0, 0, 800, 420);
    bool found445 = false;
    for (int y = 0; y < 420 && !found445; y += 2)
        for (int x = 0; x < 800 && !found445; x += 2) {
            const auto cell = PortHostMatrix::cellAt(s, rect, QPointF(x, y));
            if (cell.valid && cell.port == 445) {
                QCOMPARE(cell.outcome, ScanTargets::Outcome::Open);
                QCOMPARE(cell.host, QStringLiteral("10.0.0.10"));
                found445 = true;
            }
        }
    QVERIFY(found445);
}

void TestFindingCharts::trafficCharts()
{
    const Finding* exfil = find("exfiltration", "", "10.0.3.7", "198.51.100.200");
    QVERIFY(exfil);
    const FindingTraffic t = FindingTraffic::compute(*exfil, FindingFlowsLoader::load(m_case, *exfil));
    QCOMPARE(t.series.size(), size_t(2));
    // About 2 GB sent (the labelled 4 × 500 MB plus headers) and the bytes add up to the evidence.
    const double sent = exfil->evidence.at("bytes_sent").get<double>();
    QVERIFY(sent > 2e9);
    QVERIFY(std::abs(t.series[0].total() - sent) < 1e-6 * sent);
    QVERIFY(t.series[1].total() < 0.05 * sent);

    const Finding* flood = find("volumetric", "", nullptr, "10.0.0.80");
    QVERIFY(flood);
    const FindingTraffic v = FindingTraffic::compute(*flood, FindingFlowsLoader::load(m_case, *flood));
    QVERIFY(v.packets);
    QCOMPARE(v.bucketMs, int64_t(60'000));
    QVERIFY(v.baseline.has_value());
    double inWindow = 0, peak = 0;
    for (size_t i = 0; i < v.buckets; ++i) {
        const int64_t at = v.startMs + int64_t(i) * v.bucketMs;
        if (at >= flood->startMs && at < flood->endMs)
            inWindow += v.series[0].values[i];
        peak = std::max(peak, v.series[0].values[i]);
    }
    // The flood's ~30k packets (the finding counts all packets to the host in its window).
    QVERIFY2(std::abs(inWindow - flood->evidence.at("packets").get<double>()) < 0.02 * inWindow,
             qPrintable(QString::number(inWindow)));
    QVERIFY(peak > 20 * std::max(1.0, *v.baseline));
}

void TestFindingCharts::chartViewLoadsOffThreadAndDropsStaleLoads()
{
    const Finding* beacon = find("beacon", "", "10.0.5.23", "203.0.113.77");
    const Finding* scan = find("port_scan", "horizontal", "10.0.8.14");
    QVERIFY(beacon && scan);
    FindingChartView view;
    view.resize(700, 420);
    view.setCasePath(m_case);
    QSignalSpy ready(&view, &FindingChartView::chartReady);
    // The scan's load is overtaken by the beacon's: only the beacon is drawn.
    view.setFinding(scan);
    view.setFinding(beacon);
    QVERIFY(ready.wait(30'000));
    QTest::qWait(200);
    QCOMPARE(ready.size(), 1);
    QCOMPARE(view.currentChart(), FindingChartView::Chart::BeaconHistogram);
    QCOMPARE(view.beaconHistogram()->intervals().beats.size(), size_t(206));
    QVERIFY(view.isVisible() || !view.isHidden());

    view.setFinding(scan);
    QVERIFY(ready.wait(30'000));
    QCOMPARE(view.currentChart(), FindingChartView::Chart::FanOut);
    QCOMPARE(view.fanOutGraph()->nodeCount(), size_t(254));

    // No chart for nothing: the view hides.
    view.setFinding(nullptr);
    QVERIFY(view.isHidden());
}

void TestFindingCharts::loaderReportsBadCase()
{
    const Finding* beacon = find("beacon", "", "10.0.5.23", "203.0.113.77");
    QVERIFY(beacon);
    const QString missing = m_dir.filePath(QStringLiteral("no-such-case.flowsift"));
    const FindingFlows flows = FindingFlowsLoader::load(missing, *beacon);
    QVERIFY(!flows.ok());
    QVERIFY2(flows.error.contains(QStringLiteral("no-such-case.flowsift")), qPrintable(flows.error));
    QVERIFY(!QFileInfo::exists(missing)); // read-only: never creates a case

    Finding bad = *beacon;
    bad.type = "indicator";
    bad.filter = "host 10.0.0.300";
    const FindingFlows parsed = FindingFlowsLoader::load(m_case, bad);
    QVERIFY(!parsed.ok());
    QVERIFY2(parsed.error.contains(QStringLiteral("10.0.0.300")), qPrintable(parsed.error));
    // And the chart says so rather than drawing nothing.
    QImage image(600, 300, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    FindingChartView::renderFindingChart(&painter, image.rect(), bad, parsed);
    painter.end();
    QVERIFY(inkPixels(image) > 100);
}

void TestFindingCharts::findingsFiltersCombine()
{
    FindingsModel model;
    model.setFindings(m_findings);
    FindingsFilterProxy proxy;
    proxy.setSourceModel(&model);
    FindingsFilterBar bar(&proxy);
    bar.setFindings(m_findings);

    size_t scans = 0, highScans = 0, high = 0, ofScanner = 0, scansOfScanner = 0;
    for (const Finding& f : m_findings) {
        scans += f.type == "port_scan";
        highScans += f.type == "port_scan" && f.severity >= Severity::High;
        high += f.severity >= Severity::High;
        bool involved = f.src && f.src->toString() == "10.0.8.14";
        for (const IpAddress& d : f.dst)
            involved = involved || d.toString() == "10.0.8.14";
        ofScanner += involved;
        scansOfScanner += involved && f.type == "port_scan";
    }
    QVERIFY(scans >= 2);
    QVERIFY(highScans >= 1 && high > highScans);

    // The type list shows each type's count.
    QComboBox* type = bar.typeCombo();
    const int scanIndex = type->findData(QStringLiteral("port_scan"));
    QVERIFY(scanIndex > 0);
    QCOMPARE(type->itemText(scanIndex), QStringLiteral("Port scan (%1)").arg(scans));
    QCOMPARE(type->itemText(0), QStringLiteral("All types (%1)").arg(m_findings.size()));
    type->setCurrentIndex(scanIndex);
    QCOMPARE(size_t(proxy.rowCount()), scans);
    for (int r = 0; r < proxy.rowCount(); ++r)
        QCOMPARE(proxy.index(r, FindingsModel::TypeColumn).data(FindingsModel::RawValueRole).toString(),
                 QStringLiteral("port_scan"));

    // Severity combines with the type.
    QComboBox* severity = bar.severityCombo();
    const int highIndex = severity->findData(int(Severity::High));
    QVERIFY(highIndex >= 0);
    QCOMPARE(severity->itemText(highIndex), QStringLiteral("High and above (%1)").arg(high));
    severity->setCurrentIndex(highIndex);
    QCOMPARE(size_t(proxy.rowCount()), highScans);

    // Type back to all: severity alone.
    type->setCurrentIndex(0);
    QCOMPARE(size_t(proxy.rowCount()), high);

    // Host: applied when entered.
    severity->setCurrentIndex(severity->findData(int(Severity::Info)));
    QLineEdit* host = bar.hostEdit();
    host->setText(QStringLiteral(" 10.0.8.14"));
    QMetaObject::invokeMethod(host, "editingFinished");
    QCOMPARE(size_t(proxy.rowCount()), ofScanner);
    type->setCurrentIndex(scanIndex);
    QCOMPARE(size_t(proxy.rowCount()), scansOfScanner);
    QVERIFY(scansOfScanner >= 2 && ofScanner > scansOfScanner);

    bar.clearFilters();
    QCOMPARE(size_t(proxy.rowCount()), m_findings.size());
    QVERIFY(proxy.types().isEmpty());
    QVERIFY(proxy.host().isEmpty());
    QCOMPARE(proxy.minimumSeverity(), Severity::Info);
}

void TestFindingCharts::chartsRenderIntoImagesAndPdf()
{
    // Each chart drawn without a widget on screen; the images are kept for a look.
    const QString out = QStringLiteral(FLOWSIFT_BINARY_DIR) + QStringLiteral("/finding-charts");
    QDir().mkpath(out);
    const QString pdfPath = out + QStringLiteral("/charts.pdf");
    QPdfWriter pdf(pdfPath);
    pdf.setPageSize(QPageSize(QPageSize::A4));
    pdf.setPageOrientation(QPageLayout::Landscape);
    pdf.setResolution(300);
    QPainter pdfPainter(&pdf);
    const QRectF page(0, 0, pdf.width(), pdf.height());
    int drawn = 0;
    for (const Finding& f : m_findings) {
        if (!FindingChartView::hasChart(f))
            continue;
        const FindingFlows flows = FindingFlowsLoader::load(m_case, f);
        QVERIFY2(flows.ok(), qPrintable(flows.error));
        QImage image(1000, 560, QImage::Format_ARGB32);
        image.fill(Qt::white);
        {
            QPainter painter(&image);
            FindingChartView::renderFindingChart(&painter, QRectF(0, 0, 1000, 560), f, flows);
        }
        QVERIFY2(inkPixels(image) > 3000, f.id.c_str());
        QString name = QString::fromStdString(f.id);
        name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9.]+")), QStringLiteral("_"));
        QVERIFY(image.save(out + QLatin1Char('/') + name + QStringLiteral(".png")));
        if (drawn++)
            pdf.newPage();
        FindingChartView::renderFindingChart(&pdfPainter, page.adjusted(100, 100, -100, -100), f, flows);
    }
    pdfPainter.end();
    QVERIFY(drawn >= 6);
    // Vector output: the charts' words are text in the PDF.
    QProcess text;
    text.start(QStringLiteral("pdftotext"), {pdfPath, QStringLiteral("-")});
    if (!text.waitForFinished(30'000) || text.exitCode() != 0)
        QSKIP("pdftotext not available");
    const QString words = QString::fromUtf8(text.readAllStandardOutput());
    QVERIFY2(words.contains(QStringLiteral("Intervals between beats")), qPrintable(words.left(400)));
    QVERIFY(words.contains(QStringLiteral("hosts probed")));
    QVERIFY(words.contains(QStringLiteral("10.0.8.14")));
}

void TestFindingCharts::findingsPaneInTheWindow()
{
    // The window on the sample, each kind of chart selected in turn; the screenshots are kept for a look.
    const QString out = QStringLiteral(FLOWSIFT_BINARY_DIR) + QStringLiteral("/finding-charts");
    QDir().mkpath(out);
    MainWindow window;
    window.resize(1500, 940);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy finished(&window, &MainWindow::analysisFinished);
    window.openCapture(QStringLiteral(FLOWSIFT_SOURCE_DIR) + QLatin1String(kSample));
    QVERIFY(finished.wait(180'000));
    window.tabs()->setCurrentIndex(MainWindow::FindingsTab);
    FindingChartView* chart = window.findingDetails()->chartView();
    QAbstractItemModel* rows = window.findingsView()->model();
    struct Pick {
        const char* type;
        const char* subtype;
        const char* source;
        FindingChartView::Chart chart;
    };
    const Pick picks[] = {{"beacon", "", "10.0.5.23", FindingChartView::Chart::BeaconHistogram},
                          {"port_scan", "horizontal", "10.0.8.14", FindingChartView::Chart::FanOut},
                          {"port_scan", "vertical", "10.0.8.14", FindingChartView::Chart::FanOut},
                          {"exfiltration", "", "10.0.3.7", FindingChartView::Chart::Traffic},
                          {"volumetric", "", "", FindingChartView::Chart::Traffic}};
    for (const Pick& pick : picks) {
        int row = -1;
        for (int r = 0; r < rows->rowCount() && row < 0; ++r) {
            const QString type = rows->index(r, FindingsModel::TypeColumn).data(FindingsModel::RawValueRole).toString();
            const QString text = rows->index(r, FindingsModel::TypeColumn).data().toString();
            const QString source = rows->index(r, FindingsModel::SourceColumn).data().toString();
            if (type == QLatin1String(pick.type) && text.contains(QLatin1String(pick.subtype))
                && source == QLatin1String(pick.source))
                row = r;
        }
        QVERIFY2(row >= 0, pick.type);
        QSignalSpy ready(chart, &FindingChartView::chartReady);
        window.findingsView()->selectRow(row);
        QVERIFY(ready.wait(30'000));
        QCOMPARE(chart->currentChart(), pick.chart);
        QVERIFY(chart->isVisible());
        QTest::qWait(100);
        QVERIFY(window.grab().save(out + QStringLiteral("/window-%1%2.png").arg(QLatin1String(pick.type), QLatin1String(pick.subtype))));
    }
}

QTEST_MAIN(TestFindingCharts)
#include "tst_findingcharts.moc"
