// The overview page, the timeline's time-range selection and the window's
// desktop conventions (recent files, preferences, layout), driven offscreen
// on the labelled enterprise4h capture.
#include "analysis/DetectionConfig.h"
#include "detect/ConversationBuilder.h"
#include "dialogs/SettingsDialog.h"
#include "models/FindingsFilterProxy.h"
#include "models/FindingsModel.h"
#include "plots/TimelinePlot.h"
#include "store/FlowStore.h"
#include "util/DisplayFormat.h"
#include "util/ServiceNames.h"
#include "widgets/FindingDetailsView.h"
#include "widgets/HostView.h"
#include "widgets/MainWindow.h"
#include "widgets/OverviewPage.h"

#include <nlohmann/json.hpp>

#include <QApplication>
#include <QDockWidget>
#include <QRegularExpression>
#include <QToolBar>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <qcustomplot.h>

#include <ctime>
#include <fstream>
#include <map>
#include <memory>

#ifndef FLOWSIFT_CORPUS_DIR
#define FLOWSIFT_CORPUS_DIR "../shared/corpus"
#endif

namespace {

QString sampleCapture()
{
    return QStringLiteral(FLOWSIFT_CORPUS_DIR) + QStringLiteral("/exports/enterprise4h__softflowd-v9.pcap");
}

struct Totals {
    uint64_t bytes = 0;
    uint64_t packets = 0;
    uint64_t flows = 0;
};

// The same aggregates as the overview's SQL, computed here flow by flow.
void aggregate(const FlowStore& store, int64_t startMs, int64_t endMs, std::map<std::string, Totals>& hosts,
               std::map<std::pair<int, int>, Totals>& ports)
{
    store.forEachFlow([&](const FlowRecord& f) {
        if ((startMs || endMs) && !(f.startMs < endMs && f.endMs >= startMs))
            return true;
        const uint64_t b = f.bytes + f.revBytes;
        const uint64_t p = f.packets + f.revPackets;
        for (const IpAddress& a : {f.src, f.dst}) {
            Totals& t = hosts[a.toString()];
            t.bytes += b;
            t.packets += p;
            ++t.flows;
        }
        int port = 0;
        if (f.protocol == 6 || f.protocol == 17 || f.protocol == 132)
            port = ConversationBuilder::serviceRank(f.srcPort) > ConversationBuilder::serviceRank(f.dstPort) ? f.srcPort
                                                                                                            : f.dstPort;
        Totals& t = ports[{f.protocol, port}];
        t.bytes += b;
        t.packets += p;
        ++t.flows;
        return true;
    });
}

const Finding* findingOf(const MainWindow& w, const std::string& type, const std::string& src)
{
    for (const Finding& f : w.findingsModel()->findings())
        if (f.type == type && f.src && f.src->toString() == src)
            return &f;
    return nullptr;
}

} // namespace

class TestOverview final : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void topTalkersAndPortsEqualStoreAggregates();
    void talkerDoubleClickOpensHost();
    void timeRangeNarrowsFindingsRankingsAndStatus();
    void shiftDragSelectsRange();
    void infoFindingsHiddenUntilAsked();
    void recentFilesList();
    void layoutRoundTrip();
    void darkPaletteColoursPlotAndDetails();
    void localTimeSwitch();
    void settingsDialogThresholdReruns();

private:
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<FlowStore> m_store;
};

void TestOverview::initTestCase()
{
    // A zone with a half-hour offset and no daylight saving, so local times are unmistakable.
    qputenv("TZ", "Asia/Kolkata");
    tzset();
    QStandardPaths::setTestModeEnabled(true); // cases, settings and the config file stay out of the user's home
    QCoreApplication::setOrganizationName(QStringLiteral("FlowsiftTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_overview"));
    QSettings().clear();
    QFile::remove(SettingsDialog::configFilePath());
    if (!QFileInfo::exists(sampleCapture()))
        QSKIP("corpus not available");
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1400, 900);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->activateWindow(); // window and widget shortcuts (Ctrl+W, Esc) need the active window
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    QSignalSpy finished(m_window.get(), &MainWindow::analysisFinished);
    QSignalSpy errors(m_window.get(), &MainWindow::errorShown);
    m_window->openCapture(sampleCapture());
    QVERIFY(finished.wait(180'000));
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->overviewPage()->isLoading()
                                 && m_window->overviewPage()->talkersModel()->rowCount() > 0, 30'000);
    std::string error;
    m_store = FlowStore::open(QFile::encodeName(m_window->casePath()).toStdString(), error, true);
    QVERIFY2(m_store, error.c_str());
}

void TestOverview::cleanupTestCase()
{
    m_store.reset();
    m_window.reset();
    QFile::remove(SettingsDialog::configFilePath());
}

void TestOverview::topTalkersAndPortsEqualStoreAggregates()
{
    OverviewPage* page = m_window->overviewPage();
    std::map<std::string, Totals> hosts;
    std::map<std::pair<int, int>, Totals> ports;
    aggregate(*m_store, 0, 0, hosts, ports);

    // Talkers: the page's rows, by bytes, are the biggest hosts with their exact totals.
    QStandardItemModel* talkers = page->talkersModel();
    QCOMPARE(talkers->rowCount(), int(std::min<size_t>(OverviewPage::kTopRows, hosts.size())));
    std::vector<std::pair<uint64_t, std::string>> byBytes;
    for (const auto& [address, t] : hosts)
        byBytes.push_back({t.bytes, address});
    std::sort(byBytes.rbegin(), byBytes.rend());
    auto raw = [](QStandardItemModel* m, int row, int col) {
        return m->index(row, col).data(OverviewPage::RawValueRole).toULongLong();
    };
    for (int row = 0; row < talkers->rowCount(); ++row) {
        const std::string address = talkers->index(row, OverviewPage::TalkerHost).data().toString().toStdString();
        QVERIFY2(hosts.count(address), address.c_str());
        const Totals& t = hosts[address];
        QCOMPARE(raw(talkers, row, OverviewPage::TalkerBytes), t.bytes);
        QCOMPARE(raw(talkers, row, OverviewPage::TalkerFlows), t.flows);
        QCOMPARE(raw(talkers, row, OverviewPage::TalkerPackets), t.packets);
        QCOMPARE(t.bytes, byBytes[size_t(row)].first); // the same ranking
    }
    // The 2 GB exfiltration makes its two ends the top talkers.
    const QString first = talkers->index(0, OverviewPage::TalkerHost).data().toString();
    const QString second = talkers->index(1, OverviewPage::TalkerHost).data().toString();
    QVERIFY2((QStringList{first, second} == QStringList{QStringLiteral("10.0.3.7"), QStringLiteral("198.51.100.200")})
                 || (QStringList{second, first} == QStringList{QStringLiteral("10.0.3.7"), QStringLiteral("198.51.100.200")}),
             qPrintable(first + QStringLiteral(", ") + second));
    QVERIFY(talkers->index(0, OverviewPage::TalkerBytes).data().toString().endsWith(QStringLiteral("GB")));

    // Ports, by bytes: 443/tcp carries the exfiltration and the browsing.
    QStandardItemModel* portsModel = page->portsModel();
    QVERIFY(portsModel->rowCount() > 3);
    for (int row = 0; row < portsModel->rowCount(); ++row) {
        const qulonglong key = raw(portsModel, row, OverviewPage::PortPort);
        const std::pair<int, int> k{int(key >> 16), int(key & 0xffff)};
        QVERIFY(ports.count(k));
        QCOMPARE(raw(portsModel, row, OverviewPage::PortBytes), ports[k].bytes);
        QCOMPARE(raw(portsModel, row, OverviewPage::PortFlows), ports[k].flows);
        QCOMPARE(raw(portsModel, row, OverviewPage::PortPackets), ports[k].packets);
    }
    QCOMPARE(portsModel->index(0, OverviewPage::PortPort).data().toString(), QStringLiteral("443/tcp"));
    if (QFileInfo::exists(QStringLiteral("/etc/services")))
        QCOMPARE(portsModel->index(0, OverviewPage::PortService).data().toString(), QStringLiteral("https"));
    QCOMPARE(ServiceNames::name(53, 17), QStringLiteral("domain"));

    // By flows: the order follows the flow counts, highest first.
    QSignalSpy ready(page, &OverviewPage::rankingsReady);
    page->portOrderCombo()->setCurrentIndex(1);
    QTRY_VERIFY_WITH_TIMEOUT(ready.count() > 0, 30'000);
    uint64_t mostFlows = 0;
    for (const auto& [k, t] : ports)
        mostFlows = std::max(mostFlows, t.flows);
    QCOMPARE(raw(portsModel, 0, OverviewPage::PortFlows), mostFlows);
    for (int row = 1; row < portsModel->rowCount(); ++row)
        QVERIFY(raw(portsModel, row, OverviewPage::PortFlows) <= raw(portsModel, row - 1, OverviewPage::PortFlows));
    ready.clear();
    page->portOrderCombo()->setCurrentIndex(0);
    QTRY_VERIFY_WITH_TIMEOUT(ready.count() > 0, 30'000);

    // The summary is a form of labelled figures, not a text page.
    bool flowsShown = false;
    for (QLabel* label : page->findChildren<QLabel*>())
        flowsShown = flowsShown || label->text() == QStringLiteral("33,401");
    QVERIFY(flowsShown);
}

void TestOverview::talkerDoubleClickOpensHost()
{
    QTableView* view = m_window->overviewPage()->talkersView();
    const QModelIndex cell = view->model()->index(0, OverviewPage::TalkerBytes);
    const QString address = view->model()->index(0, OverviewPage::TalkerHost).data().toString();
    m_window->tabs()->setCurrentIndex(MainWindow::OverviewTab);
    view->scrollTo(cell);
    QTRY_VERIFY(view->isVisible() && view->visualRect(cell).isValid());
    QSignalSpy activated(view, &QTableView::activated);
    // A press first, as a user's double-click starts with one (the view activates the pressed row).
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(cell).center());
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(cell).center());
    QCOMPARE(activated.count(), 1);
    QTRY_VERIFY(m_window->hostView(address) != nullptr);
    QCOMPARE(m_window->tabs()->currentWidget(), static_cast<QWidget*>(m_window->hostView(address)));
    // Ctrl+W closes it again.
    QTest::keyClick(m_window.get(), Qt::Key_W, Qt::ControlModifier);
    QTRY_VERIFY(m_window->hostView(address) == nullptr);
}

void TestOverview::timeRangeNarrowsFindingsRankingsAndStatus()
{
    const Finding* scan = findingOf(*m_window, "port_scan", "10.0.8.14");
    QVERIFY(scan);
    const int64_t start = scan->startMs - 60'000;
    const int64_t end = scan->endMs + 60'000;
    const int total = m_window->findingsProxy()->rowCount();

    QSignalSpy changed(m_window.get(), &MainWindow::timeRangeChanged);
    QSignalSpy ready(m_window->overviewPage(), &OverviewPage::rankingsReady);
    m_window->setTimeRange(start, end);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(m_window->timelinePlot()->selectionStartMs(), start);
    QCOMPARE(m_window->timelinePlot()->selectionEndMs(), end);

    // Findings: exactly those whose window overlaps the range.
    int expected = 0;
    for (const Finding& f : m_window->findingsModel()->findings())
        expected += (f.startMs < end && f.endMs >= start) ? 1 : 0;
    QCOMPARE(m_window->findingsProxy()->rowCount(), expected);
    QVERIFY(expected > 0 && expected < total);

    // Status bar: the range, its flows counted in the store, and its findings.
    const uint64_t flows = m_store->countFlowsMatching({nullptr, start, end});
    QVERIFY(flows > 0 && flows < 33401);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->selectionLabel()->text().contains(
                                 QStringLiteral("%1 flows").arg(DisplayFormat::count(flows))), 10'000);
    QVERIFY(m_window->selectionLabel()->isVisible());
    QVERIFY(m_window->selectionLabel()->text().contains(QStringLiteral("%1 findings").arg(expected))
            || (expected == 1 && m_window->selectionLabel()->text().contains(QStringLiteral("1 finding"))));

    // Rankings of the range (they may have arrived while the status bar was awaited).
    QTRY_VERIFY_WITH_TIMEOUT(ready.count() > 0 && !m_window->overviewPage()->isLoading(), 30'000);
    std::map<std::string, Totals> hosts;
    std::map<std::pair<int, int>, Totals> ports;
    aggregate(*m_store, start, end, hosts, ports);
    QStandardItemModel* talkers = m_window->overviewPage()->talkersModel();
    const std::string top = talkers->index(0, OverviewPage::TalkerHost).data().toString().toStdString();
    QCOMPARE(talkers->index(0, OverviewPage::TalkerBytes).data(OverviewPage::RawValueRole).toULongLong(),
             hosts[top].bytes);
    uint64_t rangeFlows = 0;
    for (int row = 0; row < talkers->rowCount(); ++row) {
        const std::string a = talkers->index(row, OverviewPage::TalkerHost).data().toString().toStdString();
        QCOMPARE(talkers->index(row, OverviewPage::TalkerFlows).data(OverviewPage::RawValueRole).toULongLong(),
                 hosts[a].flows);
        rangeFlows = std::max(rangeFlows, hosts[a].flows);
    }
    QVERIFY(hosts["10.0.8.14"].flows > 1000); // two scans of ~250 and 1024 attempts

    // Cleared: everything again.
    m_window->setTimeRange(0, 0);
    QCOMPARE(m_window->findingsProxy()->rowCount(), total);
    QVERIFY(!m_window->timelinePlot()->hasSelection());
    QVERIFY(!m_window->selectionLabel()->isVisible());
    ready.clear();
    QTRY_VERIFY_WITH_TIMEOUT(ready.count() > 0 && !m_window->overviewPage()->isLoading(), 30'000);
}

void TestOverview::shiftDragSelectsRange()
{
    m_window->tabs()->setCurrentIndex(MainWindow::OverviewTab);
    TimelinePlot* plot = m_window->timelinePlot();
    plot->resetZoom();
    QCustomPlot* cp = plot->plot();
    QTRY_VERIFY(cp->axisRect()->width() > 200);
    const QRect r = cp->axisRect()->rect();
    const QPoint a(r.left() + r.width() / 4, r.center().y());
    const QPoint b(r.left() + r.width() / 2, r.center().y());
    const double expectStart = std::floor(cp->xAxis->pixelToCoord(a.x())) * 1000;
    const double expectEnd = std::ceil(cp->xAxis->pixelToCoord(b.x())) * 1000;
    const QCPRange before = cp->xAxis->range();

    QSignalSpy selected(plot, &TimelinePlot::selectionChanged);
    QSignalSpy windowRange(m_window.get(), &MainWindow::timeRangeChanged);
    QTest::mousePress(cp, Qt::LeftButton, Qt::ShiftModifier, a);
    QMouseEvent move(QEvent::MouseMove, QPointF(b), cp->mapToGlobal(QPointF(b)), Qt::NoButton, Qt::LeftButton,
                     Qt::ShiftModifier);
    QApplication::sendEvent(cp, &move);
    QTest::mouseRelease(cp, Qt::LeftButton, Qt::ShiftModifier, b);
    QCOMPARE(selected.count(), 1);
    QCOMPARE(double(selected.first().at(0).toLongLong()), expectStart);
    QCOMPARE(double(selected.first().at(1).toLongLong()), expectEnd);
    QCOMPARE(windowRange.count(), 1);
    QCOMPARE(m_window->timeRangeStartMs(), int64_t(expectStart));
    // The drag selected; it did not pan.
    QCOMPARE(cp->xAxis->range().lower, before.lower);
    QCOMPARE(cp->xAxis->range().upper, before.upper);

    // Esc on the plot clears it, and every view with it.
    cp->setFocus();
    QTest::keyClick(cp, Qt::Key_Escape);
    QCOMPARE(selected.count(), 2);
    QCOMPARE(selected.last().at(0).toLongLong(), 0);
    QCOMPARE(m_window->timeRangeStartMs(), int64_t(0));

    // A plain drag still pans.
    QTest::mousePress(cp, Qt::LeftButton, {}, b);
    QMouseEvent pan(QEvent::MouseMove, QPointF(a), cp->mapToGlobal(QPointF(a)), Qt::NoButton, Qt::LeftButton,
                    Qt::NoModifier);
    QApplication::sendEvent(cp, &pan);
    QTest::mouseRelease(cp, Qt::LeftButton, {}, a);
    QCOMPARE(selected.count(), 2);
    plot->resetZoom();
}

void TestOverview::infoFindingsHiddenUntilAsked()
{
    TimelinePlot* plot = m_window->timelinePlot();
    const auto& findings = m_window->findingsModel()->findings();
    auto visibleSpans = [plot] {
        int n = 0;
        for (int i = 0; i < plot->plot()->itemCount(); ++i)
            if (auto* rect = qobject_cast<QCPItemRect*>(plot->plot()->item(i)); rect && rect->visible()
                && rect->layer()->name() == QStringLiteral("spans"))
                ++n;
        return n;
    };
    int lowAndAbove = 0;
    for (const Finding& f : findings)
        lowAndAbove += f.severity >= Severity::Low ? 1 : 0;
    QVERIFY(lowAndAbove < int(findings.size())); // the sample has info findings (NTP, updates)
    plot->highlightFinding(-1);
    plot->setShowAllSeverities(false);
    QCOMPARE(visibleSpans(), lowAndAbove);
    plot->setShowAllSeverities(true);
    QCOMPARE(visibleSpans(), int(findings.size()));
    plot->setShowAllSeverities(false);
}

void TestOverview::recentFilesList()
{
    MainWindow& w = *m_window;
    // The capture opened in initTestCase is the most recent.
    QCOMPARE(w.recentFiles().value(0), QFileInfo(sampleCapture()).absoluteFilePath());
    QTemporaryDir dir;
    // Captures a reader takes (a file none takes is refused and not remembered).
    const QString a = dir.filePath(QStringLiteral("a.pcap"));
    const QString b = dir.filePath(QStringLiteral("b & c.pcap"));
    for (const QString& p : {a, b})
        QVERIFY(QFile::copy(sampleCapture(), p));
    MainWindow other;
    QSignalSpy finished(&other, &MainWindow::analysisFinished);
    other.openCapture(a);
    QVERIFY(finished.wait(60'000));
    other.openCapture(b);
    QVERIFY(finished.wait(60'000));
    QStringList recent = other.recentFiles();
    QCOMPARE(recent.value(0), b);
    QCOMPARE(recent.value(1), a);
    QCOMPARE(recent.value(2), QFileInfo(sampleCapture()).absoluteFilePath());
    // The menu lists them in that order, '&' shown as text.
    emit other.recentFilesMenu()->aboutToShow();
    const QList<QAction*> actions = other.recentFilesMenu()->actions();
    QCOMPARE(actions.value(0)->data().toString(), b);
    QCOMPARE(actions.value(0)->text(), QStringLiteral("&1  b && c.pcap"));
    QCOMPARE(actions.value(1)->data().toString(), a);
    // Opening one again moves it to the top; the list holds at most ten.
    other.openCapture(a);
    QVERIFY(finished.wait(60'000));
    QCOMPARE(other.recentFiles().value(0), a);
    QCOMPARE(other.recentFiles().count(a), 1);
    QSettings().setValue(QStringLiteral("recentFiles"), QStringList(20, QStringLiteral("/x")));
    other.openCapture(b);
    QVERIFY(finished.wait(60'000));
    QCOMPARE(other.recentFiles().size(), MainWindow::kMaxRecentFiles);
    other.clearRecentFiles();
    QVERIFY(other.recentFiles().isEmpty());
    QVERIFY(!other.recentFilesMenu()->actions().value(0)->isEnabled()); // "No recent files"
}

void TestOverview::layoutRoundTrip()
{
    QList<int> overviewSizes;
    QList<int> bottomSizes;
    {
        MainWindow w;
        w.resize(1300, 860);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.findChild<QDockWidget*>(QStringLiteral("hostsDock"))->hide();
        QTest::qWait(50); // the central area takes the dock's room
        auto* split = w.findChild<QSplitter*>(QStringLiteral("overviewSplitter"));
        auto* bottom = w.findChild<QSplitter*>(QStringLiteral("overviewBottomSplitter"));
        QVERIFY(split && bottom);
        const int total = split->sizes().value(0) + split->sizes().value(1);
        split->setSizes({total / 3, total - total / 3});
        const int width = bottom->sizes().value(0) + bottom->sizes().value(1) + bottom->sizes().value(2);
        bottom->setSizes({width / 2, width / 4, width - width / 2 - width / 4});
        overviewSizes = split->sizes();
        bottomSizes = bottom->sizes();
        QVERIFY(w.close()); // closing saves the layout
    }
    MainWindow restored;
    restored.show();
    QVERIFY(QTest::qWaitForWindowExposed(&restored));
    QCOMPARE(restored.size(), QSize(1300, 860));
    QCOMPARE(restored.findChild<QSplitter*>(QStringLiteral("overviewSplitter"))->sizes(), overviewSizes);
    QCOMPARE(restored.findChild<QSplitter*>(QStringLiteral("overviewBottomSplitter"))->sizes(), bottomSizes);
    QVERIFY(!restored.findChild<QDockWidget*>(QStringLiteral("hostsDock"))->isVisible());
    // Every dock, toolbar and splitter of the window has a name to be saved under.
    for (QDockWidget* d : restored.findChildren<QDockWidget*>())
        QVERIFY(!d->objectName().isEmpty());
    for (QToolBar* t : restored.findChildren<QToolBar*>())
        QVERIFY(!t->objectName().isEmpty());
    restored.findChild<QDockWidget*>(QStringLiteral("hostsDock"))->show();
    restored.close();
}

void TestOverview::darkPaletteColoursPlotAndDetails()
{
    const QPalette light = QApplication::palette();
    QPalette dark = light;
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x30));
    dark.setColor(QPalette::Base, QColor(0x1f, 0x21, 0x24));
    dark.setColor(QPalette::Text, QColor(0xe4, 0xe6, 0xeb));
    dark.setColor(QPalette::WindowText, QColor(0xe4, 0xe6, 0xeb));
    QApplication::setPalette(dark);
    QCoreApplication::processEvents();
    QCustomPlot* cp = m_window->timelinePlot()->plot();
    QCOMPARE(cp->axisRect()->backgroundBrush().color(), QColor(0x1f, 0x21, 0x24));
    QCOMPARE(cp->xAxis->tickLabelColor(), QColor(0xe4, 0xe6, 0xeb));
    // The detail pane's secondary text is light on dark, not the light theme's #555.
    const QString css = FindingDetailsView::styleSheet();
    QVERIFY(!css.contains(QStringLiteral("#555")));
    const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("td.k \\{ color: (#[0-9a-f]{6})")).match(css);
    QVERIFY(m.hasMatch());
    QVERIFY2(QColor(m.captured(1)).lightness() > 128, qPrintable(m.captured(1)));
    QApplication::setPalette(light);
    QCoreApplication::processEvents();
    QCOMPARE(cp->axisRect()->backgroundBrush().color(), light.color(QPalette::Base));
    const QRegularExpressionMatch l =
        QRegularExpression(QStringLiteral("td.k \\{ color: (#[0-9a-f]{6})")).match(FindingDetailsView::styleSheet());
    QVERIFY(l.hasMatch() && QColor(l.captured(1)).lightness() < 128);
}

void TestOverview::localTimeSwitch()
{
    MainWindow& w = *m_window;
    const int64_t ms = 1772438400000; // 2026-03-02 08:00:00 UTC
    QCOMPARE(DisplayFormat::utcTime(ms), QStringLiteral("2026-03-02 08:00:00"));
    QCOMPARE(w.findingsModel()->headerData(FindingsModel::StartColumn, Qt::Horizontal).toString(),
             QStringLiteral("Start (UTC)"));
    QSignalSpy finished(&w, &MainWindow::analysisFinished);
    w.setLocalTime(true);
    QCOMPARE(DisplayFormat::utcTime(ms), QStringLiteral("2026-03-02 13:30:00"));
    QVERIFY(DisplayFormat::utcRange(ms, ms + 60'000).endsWith(QStringLiteral(" IST")));
    QCOMPARE(w.findingsModel()->headerData(FindingsModel::StartColumn, Qt::Horizontal).toString(),
             QStringLiteral("Start (IST)"));
    QCOMPARE(w.timelinePlot()->plot()->xAxis->label(), QStringLiteral("Time (IST)"));
    QVERIFY(QSettings().value(QStringLiteral("view/localTime")).toBool());
    QVERIFY(finished.wait(60'000)); // the summary is drawn again in the new zone
    w.setLocalTime(false);
    QCOMPARE(DisplayFormat::utcTime(ms), QStringLiteral("2026-03-02 08:00:00"));
    QCOMPARE(w.timelinePlot()->plot()->xAxis->label(), QStringLiteral("Time (UTC)"));
    QVERIFY(finished.wait(60'000));
}

// Last: it re-runs the detectors. A threshold raised in the dialog makes the
// exfiltration finding disappear on the re-run; the saved file holds it.
void TestOverview::settingsDialogThresholdReruns()
{
    MainWindow& w = *m_window;
    QVERIFY(findingOf(w, "exfiltration", "10.0.3.7"));
    QVERIFY(findingOf(w, "beacon", "10.0.5.23"));

    QSignalSpy opened(&w, &MainWindow::preferencesOpened);
    w.preferencesAction()->trigger();
    QCOMPARE(opened.count(), 1);
    auto* dialog = qobject_cast<SettingsDialog*>(opened.first().first().value<QDialog*>());
    QVERIFY(dialog);
    auto* minBytes = qobject_cast<QDoubleSpinBox*>(dialog->thresholdEditor(QStringLiteral("exfiltration.min_bytes")));
    QVERIFY(minBytes);
    QCOMPARE(minBytes->value(), 10e6); // the default, from DetectionConfig
    QVERIFY(dialog->thresholdEditor(QStringLiteral("port_scan.min_failed_targets")));
    minBytes->setValue(1e13);

    // A bad network is refused with the reason, and the dialog stays open.
    dialog->internalNetworksEdit()->setPlainText(QStringLiteral("10.0.0.0/33"));
    dialog->accept();
    QVERIFY(dialog->isVisible());
    bool reason = false;
    for (QLabel* label : dialog->findChildren<QLabel*>())
        reason = reason || (label->isVisible() && label->text().contains(QStringLiteral("10.0.0.0/33")));
    QVERIFY(reason);
    dialog->internalNetworksEdit()->clear();

    QSignalSpy finished(&w, &MainWindow::analysisFinished);
    dialog->accept();
    QCOMPARE(w.detectionSettings().thresholds.exfiltration.minBytes, 1e13);
    QVERIFY(finished.wait(180'000));
    QVERIFY(!findingOf(w, "exfiltration", "10.0.3.7"));
    QVERIFY(findingOf(w, "beacon", "10.0.5.23")); // the rest is found as before

    // Saved as a --config file with only what changed.
    DetectionSettings saved;
    QString error;
    QVERIFY2(SettingsDialog::loadSaved(saved, error), qPrintable(error));
    QCOMPARE(saved.thresholds.exfiltration.minBytes, 1e13);
    const nlohmann::json diff = SettingsDialog::differencesFromDefaults(saved);
    QCOMPARE(QString::fromStdString(diff.dump()), QStringLiteral(R"({"exfiltration":{"min_bytes":10000000000000.0}})"));

    // Back to the defaults: the finding returns.
    finished.clear();
    w.setDetectionSettings(DetectionSettings{}, true);
    QVERIFY(finished.wait(180'000));
    QVERIFY(findingOf(w, "exfiltration", "10.0.3.7"));
}

QTEST_MAIN(TestOverview)
#include "tst_overview.moc"
