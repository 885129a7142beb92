// The flows table, the hosts list and the host drill-down, offscreen, on the
// corpus scenario of the bundled sample (labels: /work/shared/corpus/README).
#include "analysis/AnalysisJob.h"
#include "analysis/DetectionSettings.h"
#include "detect/HostRanking.h"
#include "models/CaseSettings.h"
#include "models/FindingsModel.h"
#include "models/FlowsTableModel.h"
#include "models/HostListModel.h"
#include "query/FlowFilter.h"
#include "store/FlowStore.h"
#include "util/DisplayFormat.h"
#include "widgets/FlowsView.h"
#include "widgets/HostListPanel.h"
#include "widgets/HostView.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#ifndef FLOWSIFT_CORPUS_DIR
#define FLOWSIFT_CORPUS_DIR "../shared/corpus"
#endif

namespace {

const char* const kBeaconHost = "10.0.5.23";
const char* const kBeaconC2 = "203.0.113.77";

// FLOWSIFT_SCREENSHOTS=DIR saves what the tests drive, to look at.
void shoot(QWidget& w, const char* name)
{
    const QString dir = qEnvironmentVariable("FLOWSIFT_SCREENSHOTS");
    if (!dir.isEmpty())
        w.grab().save(dir + QLatin1Char('/') + QString::fromLatin1(name) + QStringLiteral(".png"));
}

std::optional<FlowFilter> parse(const std::string& text)
{
    FlowFilter::Error error;
    return FlowFilter::parse(text, error);
}

} // namespace

class TestFlowsView final : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void rowCountEqualsStore();
    void sortByBytesIsDescending();
    void validFilterShowsExactlyItsFlows();
    void invalidFilterIsMarkedAndLeavesTheTable();
    void deepScrollReadsTheRightRows();
    void contextFiltersSelectTheCellValue();
    void hostDrillDownOfTheBeaconHost();
    void hostListIsRankedAndSearches();
    void csvExportStreamsTheWholeSelectionInOrder();

private:
    // Waits for the model's current selection to be read.
    static bool waitLoaded(FlowsTableModel* model, QSignalSpy& spy);
    // Reads the page of row into the model's cache.
    static const FlowRecord* readRow(FlowsTableModel* model, int row);

    QTemporaryDir m_dir;
    QString m_case;
    std::unique_ptr<FlowStore> m_store;
    std::vector<Finding> m_findings;
};

void TestFlowsView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    const QString capture = QStringLiteral(FLOWSIFT_CORPUS_DIR) + QStringLiteral("/exports/enterprise4h__softflowd-v9.pcap");
    if (!QFileInfo::exists(capture))
        QSKIP("corpus not available");
    QVERIFY(m_dir.isValid());
    m_case = m_dir.filePath(QStringLiteral("enterprise4h.flowsift"));
    AnalysisJob job;
    QSignalSpy finished(&job, &AnalysisJob::finished);
    QSignalSpy failed(&job, &AnalysisJob::failed);
    QVERIFY(job.start(m_case, {capture}, DetectionSettings{}));
    QVERIFY(finished.wait(180'000));
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    std::string error;
    m_store = FlowStore::open(m_case.toStdString(), error, true);
    QVERIFY2(m_store, error.c_str());
    m_findings = m_store->findings();
    QVERIFY(!m_findings.empty());
}

bool TestFlowsView::waitLoaded(FlowsTableModel* model, QSignalSpy& spy)
{
    for (int i = 0; i < 600 && (model->isLoading() || spy.isEmpty()); ++i)
        spy.wait(100);
    return !model->isLoading() && !spy.isEmpty();
}

const FlowRecord* TestFlowsView::readRow(FlowsTableModel* model, int row)
{
    if (const FlowRecord* f = model->flowAt(row))
        return f;
    QSignalSpy pages(model, &FlowsTableModel::pageLoaded);
    for (int i = 0; i < 100; ++i) {
        pages.wait(100);
        if (const FlowRecord* f = model->flowAt(row))
            return f;
    }
    return nullptr;
}

void TestFlowsView::rowCountEqualsStore()
{
    FlowsView view;
    QSignalSpy loaded(view.model(), &FlowsTableModel::selectionLoaded);
    QSignalSpy counted(&view, &FlowsView::flowCountChanged);
    view.setCasePath(m_case);
    QVERIFY(waitLoaded(view.model(), loaded));
    const uint64_t stored = m_store->countFlowsMatching({});
    QCOMPARE(stored, uint64_t(33'401)); // softflowd's export of the scenario (corpus README)
    QCOMPARE(quint64(view.model()->rowCount()), stored);
    QCOMPARE(counted.last().first().toULongLong(), stored);
    QVERIFY2(view.countLabel()->text().startsWith(DisplayFormat::count(stored) + QStringLiteral(" flows")),
             qPrintable(view.countLabel()->text()));

    // First row: the earliest flow, shown as nfdump would.
    int64_t firstId = 0;
    FlowRecord first;
    m_store->forEachFlowMatching({}, [&](const FlowRecord& r, int64_t id) { first = r; firstId = id; return false; });
    const FlowRecord* row0 = readRow(view.model(), 0);
    QVERIFY(row0);
    QCOMPARE(row0->startMs, first.startMs);
    QCOMPARE(view.model()->index(0, 0).data(FlowsTableModel::FlowIdRole).toLongLong(), firstId);
    QCOMPARE(view.model()->index(0, FlowsTableModel::StartColumn).data().toString(), DisplayFormat::utcTimeMs(first.startMs));
    QVERIFY(view.model()->index(0, FlowsTableModel::StartColumn).data().toString().contains(QLatin1Char('.')));
    QCOMPARE(view.model()->index(0, FlowsTableModel::SourceColumn).data().toString(),
             QString::fromStdString(first.src.toString()));
    QCOMPARE(view.model()->index(0, FlowsTableModel::BytesColumn).data(Qt::TextAlignmentRole).value<Qt::Alignment>()
                 & Qt::AlignRight,
             Qt::AlignRight);
}

void TestFlowsView::sortByBytesIsDescending()
{
    FlowsView view;
    QSignalSpy loaded(view.model(), &FlowsTableModel::selectionLoaded);
    view.setCasePath(m_case);
    QVERIFY(waitLoaded(view.model(), loaded));
    loaded.clear();
    view.table()->sortByColumn(FlowsTableModel::BytesColumn, Qt::DescendingOrder);
    QVERIFY(view.model()->isLoading());
    QVERIFY(waitLoaded(view.model(), loaded));
    QCOMPARE(view.model()->sortColumn(), int(FlowsTableModel::BytesColumn));

    uint64_t maxBytes = 0, minBytes = UINT64_MAX;
    m_store->forEachFlow([&](const FlowRecord& r) {
        maxBytes = std::max(maxBytes, r.bytes);
        minBytes = std::min(minBytes, r.bytes);
        return true;
    });
    const int rows = view.model()->rowCount();
    uint64_t previous = UINT64_MAX;
    for (int row = 0; row < FlowsTableModel::kPageRows * 2; ++row) {
        const FlowRecord* f = readRow(view.model(), row);
        QVERIFY(f);
        QVERIFY2(f->bytes <= previous, qPrintable(QStringLiteral("row %1: %2 after %3").arg(row).arg(f->bytes).arg(previous)));
        previous = f->bytes;
    }
    QCOMPARE(readRow(view.model(), 0)->bytes, maxBytes);
    QCOMPARE(readRow(view.model(), rows - 1)->bytes, minBytes);
    QCOMPARE(view.model()->index(0, FlowsTableModel::BytesColumn).data(FlowsTableModel::RawValueRole).toULongLong(),
             maxBytes);
    // And ascending: the smallest first.
    loaded.clear();
    view.table()->sortByColumn(FlowsTableModel::BytesColumn, Qt::AscendingOrder);
    QVERIFY(waitLoaded(view.model(), loaded));
    QCOMPARE(readRow(view.model(), 0)->bytes, minBytes);
}

void TestFlowsView::validFilterShowsExactlyItsFlows()
{
    FlowsView view;
    QSignalSpy loaded(view.model(), &FlowsTableModel::selectionLoaded);
    view.setCasePath(m_case);
    QVERIFY(waitLoaded(view.model(), loaded));
    loaded.clear();
    const QString expression = QStringLiteral("src host 10.0.5.23 and dst port 443");
    view.filterEdit()->setText(expression);
    QTest::keyClick(view.filterEdit(), Qt::Key_Return);
    QVERIFY(waitLoaded(view.model(), loaded));
    QCOMPARE(view.errorPosition(), -1);
    QVERIFY(view.errorLabel()->isHidden());
    QCOMPARE(view.appliedFilter(), expression);

    const auto filter = parse(expression.toStdString());
    const uint64_t expected = m_store->countFlowsMatching({&*filter, 0, 0});
    QVERIFY(expected >= 200); // the beacon's 206 connections (and its browsing)
    QCOMPARE(quint64(view.model()->rowCount()), expected);
    const IpAddress host = *IpAddress::parse(kBeaconHost);
    for (int row = 0; row < view.model()->rowCount(); ++row) {
        const FlowRecord* f = readRow(view.model(), row);
        QVERIFY(f);
        QCOMPARE(f->src, host);
        QCOMPARE(f->dstPort, uint16_t(443));
    }

    // With a base filter (a drill-down) and a time range, both narrow further.
    loaded.clear();
    view.setBaseFilter(QStringLiteral("dst host ") + QString::fromLatin1(kBeaconC2));
    QVERIFY(waitLoaded(view.model(), loaded));
    const auto both = parse(std::string("(dst host ") + kBeaconC2 + ") and (" + expression.toStdString() + ")");
    QCOMPARE(quint64(view.model()->rowCount()), m_store->countFlowsMatching({&*both, 0, 0}));
    const FlowRecord* first = readRow(view.model(), 0);
    QVERIFY(first);
    const int64_t from = first->startMs, to = first->startMs + 3'600'000;
    loaded.clear();
    view.setTimeRange(from, to);
    QVERIFY(waitLoaded(view.model(), loaded));
    const uint64_t inHour = m_store->countFlowsMatching({&*both, from, to});
    QVERIFY(inHour > 30 && inHour < 90); // one beat a minute
    QCOMPARE(quint64(view.model()->rowCount()), inHour);
}

void TestFlowsView::invalidFilterIsMarkedAndLeavesTheTable()
{
    FlowsView view;
    QSignalSpy loaded(view.model(), &FlowsTableModel::selectionLoaded);
    view.setCasePath(m_case);
    QVERIFY(waitLoaded(view.model(), loaded));
    view.setFilterText(QStringLiteral("proto udp"));
    loaded.clear();
    QVERIFY(waitLoaded(view.model(), loaded));
    const int udpRows = view.model()->rowCount();
    QVERIFY(udpRows > 0);

    loaded.clear();
    const QString bad = QStringLiteral("src host 10.0.5.23 and dst prot 443");
    view.filterEdit()->setText(bad);
    QTest::keyClick(view.filterEdit(), Qt::Key_Return);
    QCOMPARE(view.errorPosition(), int(bad.indexOf(QStringLiteral("prot"))));
    QVERIFY(!view.errorLabel()->isHidden());
    const QString message = view.errorLabel()->text();
    QVERIFY2(message.contains(QStringLiteral("column %1").arg(bad.indexOf(QStringLiteral("prot")) + 1)), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral(">prot</span>")), qPrintable(message)); // the token is marked
    QCOMPARE(view.filterEdit()->selectedText(), QStringLiteral("prot"));
    // The table still shows the last valid filter.
    QTest::qWait(300);
    QVERIFY(loaded.isEmpty());
    QCOMPARE(view.model()->rowCount(), udpRows);
    QCOMPARE(view.appliedFilter(), QStringLiteral("proto udp"));
    QCOMPARE(view.model()->expression(), QStringLiteral("proto udp"));

    // An expression cut short: the mark is at its end.
    const QString cut = QStringLiteral("bytes >");
    view.setFilterText(cut);
    QCOMPARE(view.errorPosition(), int(cut.size()));
    QCOMPARE(view.model()->rowCount(), udpRows);

    // Fixing it clears the error.
    view.setFilterText(QStringLiteral("bytes > 1000"));
    QVERIFY(view.errorLabel()->isHidden());
    QCOMPARE(view.errorPosition(), -1);
    QVERIFY(waitLoaded(view.model(), loaded));
    const auto filter = parse("bytes > 1000");
    QCOMPARE(quint64(view.model()->rowCount()), m_store->countFlowsMatching({&*filter, 0, 0}));
}

void TestFlowsView::deepScrollReadsTheRightRows()
{
    FlowsView view;
    view.resize(1200, 700);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy loaded(view.model(), &FlowsTableModel::selectionLoaded);
    view.setCasePath(m_case);
    QVERIFY(waitLoaded(view.model(), loaded));

    std::vector<int64_t> ids; // the store's own order: start time, then row id
    m_store->forEachFlowMatching({}, [&](const FlowRecord&, int64_t id) { ids.push_back(id); return true; });
    QCOMPARE(int(ids.size()), view.model()->rowCount());

    // Scrolling the view reads the pages it paints, deep ones included.
    QSignalSpy pages(view.model(), &FlowsTableModel::pageLoaded);
    view.table()->scrollToBottom();
    const int last = view.model()->rowCount() - 1;
    QTRY_VERIFY_WITH_TIMEOUT(view.model()->flowAt(last) != nullptr, 10'000);
    QVERIFY(!pages.isEmpty());
    QCOMPARE(view.model()->index(last, 0).data(FlowsTableModel::FlowIdRole).toLongLong(), ids.back());
    for (int row : {last / 2, last / 3 + 17, 123'457 % (last + 1), 499, 500, 1}) {
        QVERIFY(readRow(view.model(), row));
        QCOMPARE(view.model()->index(row, 0).data(FlowsTableModel::FlowIdRole).toLongLong(), ids[size_t(row)]);
    }
    // Pages are read where the view is: a scroll through the middle leaves the cache bounded.
    QScrollBar* bar = view.table()->verticalScrollBar();
    for (int step = 0; step <= 40; ++step) {
        bar->setValue(bar->maximum() * step / 40);
        QTest::qWait(5);
    }
    QTRY_VERIFY_WITH_TIMEOUT(view.model()->flowAt(view.table()->rowAt(view.table()->viewport()->height() / 2)), 10'000);
    QVERIFY(view.model()->cachedPages() <= FlowsTableModel::kCachedPages);
    const int middle = view.table()->rowAt(5);
    QCOMPARE(view.model()->index(middle, 0).data(FlowsTableModel::FlowIdRole).toLongLong(), ids[size_t(middle)]);
    QTRY_VERIFY_WITH_TIMEOUT(view.model()->flowAt(view.table()->rowAt(view.table()->viewport()->height() - 3)), 10'000);
    shoot(view, "flows-view");
    view.setFilterText(QStringLiteral("src host 10.0.5.23 and dst prt 443"));
    shoot(view, "flows-view-error");
}

void TestFlowsView::contextFiltersSelectTheCellValue()
{
    FlowRecord f;
    f.src = *IpAddress::parse("10.0.5.23");
    f.dst = *IpAddress::parse("203.0.113.77");
    f.srcPort = 50123;
    f.dstPort = 443;
    f.protocol = 6;
    f.tcpFlags = 0x1b; // ACK PSH SYN FIN
    f.bytes = 1234;
    f.packets = 7;
    f.startMs = 1772439600123;
    f.endMs = f.startMs + 1500;
    QCOMPARE(FlowsTableModel::displayText(f, FlowsTableModel::FlagsColumn), QStringLiteral(".AP.SF"));
    QCOMPARE(FlowsTableModel::displayText(f, FlowsTableModel::DurationColumn), QStringLiteral("1.500 s"));
    QCOMPARE(FlowsTableModel::displayText(f, FlowsTableModel::StartColumn), QStringLiteral("2026-03-02 08:20:00.123"));
    QCOMPARE(FlowsTableModel::displayText(f, FlowsTableModel::ProtocolColumn), QStringLiteral("TCP"));
    QCOMPARE(FlowsTableModel::displayText(f, FlowsTableModel::BytesColumn), QStringLiteral("1.2 KB"));
    QCOMPARE(FlowsTableModel::filterFor(f, FlowsTableModel::SourceColumn), QStringLiteral("src host 10.0.5.23"));
    QCOMPARE(FlowsTableModel::filterFor(f, FlowsTableModel::DestinationPortColumn), QStringLiteral("dst port 443"));
    QCOMPARE(FlowsTableModel::filterFor(f, FlowsTableModel::ProtocolColumn), QStringLiteral("proto tcp"));
    QCOMPARE(FlowsTableModel::filterFor(f, FlowsTableModel::FlagsColumn), QStringLiteral("flags APSF"));
    // Every cell's filter is a valid expression that matches its own flow.
    for (int c = 0; c < FlowsTableModel::ColumnCount; ++c) {
        const QString text = FlowsTableModel::filterFor(f, c);
        if (text.isEmpty())
            continue;
        const auto filter = parse(text.toStdString());
        QVERIFY2(filter, qPrintable(text));
        QVERIFY2(filter->matches(f), qPrintable(text));
    }
}

void TestFlowsView::hostDrillDownOfTheBeaconHost()
{
    const QString address = QString::fromLatin1(kBeaconHost);
    HostView view(m_case, address);
    view.resize(1400, 900);
    view.show();
    QSignalSpy loaded(&view, &HostView::loaded);
    QVERIFY(loaded.wait(120'000));
    view.setFindings(m_findings);
    const HostView::Content& c = view.content();
    QVERIFY(c.error.empty());
    QVERIFY(c.internal);

    // Totals equal the store's own aggregates, computed here flow by flow.
    const IpAddress host = *IpAddress::parse(kBeaconHost);
    const auto filter = parse("host 10.0.5.23");
    uint64_t flows = 0, out = 0, in = 0, bytesOut = 0, bytesIn = 0;
    int64_t firstMs = INT64_MAX, lastMs = 0;
    m_store->forEachFlowMatching({&*filter, 0, 0}, [&](const FlowRecord& r, int64_t) {
        ++flows;
        if (r.src == host) {
            ++out;
            bytesOut += r.bytes;
            bytesIn += r.revBytes;
        } else {
            ++in;
            bytesOut += r.revBytes;
            bytesIn += r.bytes;
        }
        firstMs = std::min(firstMs, r.startMs);
        lastMs = std::max(lastMs, r.endMs);
        return true;
    });
    QVERIFY(flows > 400);
    QCOMPARE(c.totals.flows, flows);
    QCOMPARE(c.totals.flowsOut, out);
    QCOMPARE(c.totals.flowsIn, in);
    QCOMPARE(c.totals.bytesOut, bytesOut);
    QCOMPARE(c.totals.bytesIn, bytesIn);
    QCOMPARE(c.totals.firstMs, firstMs);
    QCOMPARE(c.totals.lastMs, lastMs);
    QVERIFY(view.header()->text().contains(DisplayFormat::count(flows) + QStringLiteral(" flows")));
    QVERIFY(view.header()->text().contains(QStringLiteral("internal")));

    // The labelled C2 is among its peers, external, with the beacon's connections.
    const IpAddress c2 = *IpAddress::parse(kBeaconC2);
    const auto c2Filter = parse(std::string("host 10.0.5.23 and host ") + kBeaconC2);
    const uint64_t c2Flows = m_store->countFlowsMatching({&*c2Filter, 0, 0});
    QVERIFY(c2Flows >= 206);
    auto findPeer = [&](const std::vector<FlowStore::PeerTraffic>& list) {
        return std::find_if(list.begin(), list.end(), [&](const auto& p) { return p.peer == c2; });
    };
    const auto byFlows = findPeer(c.peersByFlows);
    QVERIFY(byFlows != c.peersByFlows.end());
    QCOMPARE(byFlows->flows(), c2Flows);
    QVERIFY(findPeer(c.peersByBytes) != c.peersByBytes.end());
    QVERIFY(std::find(c.internalPeers.begin(), c.internalPeers.end(), c2) == c.internalPeers.end());
    for (size_t i = 1; i < c.peersByBytes.size(); ++i)
        QVERIFY(c.peersByBytes[i - 1].bytes() >= c.peersByBytes[i].bytes());
    for (size_t i = 1; i < c.peersByFlows.size(); ++i)
        QVERIFY(c.peersByFlows[i - 1].flows() >= c.peersByFlows[i].flows());
    view.peerOrder()->setCurrentIndex(1);
    bool shown = false;
    for (int row = 0; row < view.peersTable()->rowCount(); ++row)
        if (view.peersTable()->item(row, 0)->text() == QString::fromLatin1(kBeaconC2)) {
            shown = true;
            QCOMPARE(view.peersTable()->item(row, 1)->text(), QStringLiteral("external"));
            QCOMPARE(view.peersTable()->item(row, 2)->text(), DisplayFormat::count(c2Flows));
        }
    QVERIFY(shown);

    // It connected to 443/tcp as a client.
    const auto https = std::find_if(c.ports.begin(), c.ports.end(), [](const FlowStore::PortUse& p) {
        return !p.asServer && p.protocol == 6 && p.port == 443;
    });
    QVERIFY(https != c.ports.end());
    QVERIFY(https->flows >= c2Flows);

    // Both timelines carry its traffic: every byte lands in some bucket.
    double sent = 0, received = 0;
    for (const auto& b : c.sent)
        sent += b.bytes;
    for (const auto& b : c.received)
        received += b.bytes;
    QVERIFY(std::abs(sent - double(bytesOut)) < 1 + double(bytesOut) * 1e-9);
    QVERIFY(std::abs(received - double(bytesIn)) < 1 + double(bytesIn) * 1e-9);
    QCOMPARE(view.timeline()->graphCount(), 2);
    QVERIFY(view.timeline()->graph(0)->dataCount() > 100);

    // Its findings: the beacon among them; a click asks the window to select it.
    QVERIFY(view.findingsModel()->rowCount() > 0);
    int beaconRow = -1;
    for (int row = 0; row < view.findingsModel()->rowCount(); ++row)
        if (view.findingsModel()->findingAt(row)->type == "beacon"
            && std::find(view.findingsModel()->findingAt(row)->dst.begin(), view.findingsModel()->findingAt(row)->dst.end(), c2)
                != view.findingsModel()->findingAt(row)->dst.end())
            beaconRow = row;
    QVERIFY(beaconRow >= 0);
    const int hostFindings = view.findingsModel()->rowCount();
    QVERIFY2(view.header()->text().contains(hostFindings == 1 ? QStringLiteral("1 finding, ")
                                                              : QStringLiteral("%1 findings, top ").arg(hostFindings)),
             qPrintable(view.header()->text()));
    QSignalSpy activated(&view, &HostView::findingActivated);
    const QRect cell = view.findingsTable()->visualRect(view.findingsModel()->index(beaconRow, FindingsModel::TypeColumn));
    QTest::mouseClick(view.findingsTable()->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.first().first().toString(), QString::fromStdString(view.findingsModel()->findingAt(beaconRow)->id));

    // Its flows: the drill-down's table shows exactly the host's flows.
    FlowsTableModel* model = view.flowsView()->model();
    QSignalSpy flowsLoaded(model, &FlowsTableModel::selectionLoaded);
    QVERIFY(waitLoaded(model, flowsLoaded) || quint64(model->rowCount()) == flows);
    QTRY_COMPARE_WITH_TIMEOUT(quint64(model->rowCount()), flows, 20'000);
    QTRY_VERIFY_WITH_TIMEOUT(model->flowAt(0), 10'000);
    QTest::qWait(100);
    shoot(view, "host-view");
}

void TestFlowsView::hostListIsRankedAndSearches()
{
    HostListPanel panel;
    panel.resize(420, 700);
    panel.show();
    panel.setCasePath(m_case);
    panel.setFindings(m_findings);
    const DetectionSettings settings = CaseSettings::read(*m_store);
    const std::vector<HostScore> expected = HostRanking::rank(m_findings, settings);
    QVERIFY(expected.size() >= 3);
    QAbstractItemModel* shown = panel.table()->model();
    QTRY_COMPARE_WITH_TIMEOUT(shown->rowCount(), int(expected.size()), 5000);
    for (int row = 0; row < shown->rowCount(); ++row) {
        QCOMPARE(shown->index(row, HostListModel::HostColumn).data().toString(),
                 QString::fromStdString(expected[size_t(row)].host.toString()));
        QCOMPARE(shown->index(row, HostListModel::ScoreColumn).data(HostListModel::RawValueRole).toDouble(),
                 expected[size_t(row)].score);
        QCOMPARE(shown->index(row, HostListModel::FindingsColumn).data().toInt(), int(expected[size_t(row)].findingIds.size()));
        QCOMPARE(shown->index(row, HostListModel::NetworkColumn).data().toString(), QStringLiteral("internal"));
        if (row > 0)
            QVERIFY(shown->index(row - 1, HostListModel::ScoreColumn).data(HostListModel::RawValueRole).toDouble()
                    >= shown->index(row, HostListModel::ScoreColumn).data(HostListModel::RawValueRole).toDouble());
    }
    // The labelled actors lead: beacon host, scanner, exfiltration source.
    QStringList top;
    for (int row = 0; row < std::min(6, shown->rowCount()); ++row)
        top << shown->index(row, HostListModel::HostColumn).data().toString();
    for (const char* actor : {"10.0.5.23", "10.0.8.14", "10.0.3.7"})
        QVERIFY2(top.contains(QString::fromLatin1(actor)), qPrintable(top.join(QLatin1Char(' '))));

    QSignalSpy opened(&panel, &HostListPanel::hostActivated);
    QSignalSpy notFound(&panel, &HostListPanel::searchNotFound);
    // Typing narrows the list; Enter opens a listed host.
    QTest::keyClicks(panel.searchEdit(), QStringLiteral("10.0.5.2"));
    QVERIFY(shown->rowCount() >= 1 && shown->rowCount() < int(expected.size()));
    panel.searchEdit()->setText(QString::fromLatin1(kBeaconHost));
    QTest::keyClick(panel.searchEdit(), Qt::Key_Return);
    QVERIFY(opened.wait(10'000));
    QCOMPARE(opened.last().first().toString(), QString::fromLatin1(kBeaconHost));
    // Any address of the case opens, with findings or not (the C2 server has none of its own).
    panel.searchEdit()->setText(QString::fromLatin1(kBeaconC2));
    QTest::keyClick(panel.searchEdit(), Qt::Key_Return);
    QVERIFY(opened.wait(10'000));
    QCOMPARE(opened.last().first().toString(), QString::fromLatin1(kBeaconC2));
    // An address not in the case says so.
    panel.searchEdit()->setText(QStringLiteral("192.0.2.99"));
    QTest::keyClick(panel.searchEdit(), Qt::Key_Return);
    QVERIFY(notFound.wait(10'000));
    QCOMPARE(opened.size(), 2);
    QVERIFY(panel.messageLabel()->isVisible());
    QVERIFY(panel.messageLabel()->text().contains(QStringLiteral("192.0.2.99")));
    panel.searchEdit()->clear();
    shoot(panel, "hosts-panel");
}

void TestFlowsView::csvExportStreamsTheWholeSelectionInOrder()
{
    FlowsView view;
    QSignalSpy loaded(view.model(), &FlowsTableModel::selectionLoaded);
    view.setCasePath(m_case);
    QVERIFY(waitLoaded(view.model(), loaded));
    loaded.clear();
    view.setFilterText(QStringLiteral("src host 10.0.5.23"));
    QVERIFY(waitLoaded(view.model(), loaded));
    loaded.clear();
    view.table()->sortByColumn(FlowsTableModel::BytesColumn, Qt::DescendingOrder);
    QVERIFY(waitLoaded(view.model(), loaded));

    // What the store holds for that host: the count and the bytes, largest first.
    FlowFilter::Error error;
    const auto filter = FlowFilter::parse("src host 10.0.5.23", error);
    QVERIFY(filter);
    std::vector<uint64_t> expected;
    m_store->forEachFlowMatching({&*filter, 0, 0}, [&](const FlowRecord& r, int64_t) {
        expected.push_back(r.bytes);
        return true;
    });
    std::sort(expected.rbegin(), expected.rend());
    QVERIFY(expected.size() > FlowsTableModel::kPageRows); // more than the view ever held at once

    const QString path = m_dir.filePath(QStringLiteral("flows.csv"));
    QString failure;
    QVERIFY2(FlowsTableModel::writeCsv(view.model()->currentExport(), path, failure), qPrintable(failure));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(file.readAll()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), int(expected.size()) + 1);
    QVERIFY(lines.first().startsWith(FlowsTableModel::columnName(0)));
    for (size_t i = 0; i < expected.size(); ++i) {
        const QStringList fields = lines[int(i) + 1].split(QLatin1Char(','));
        QCOMPARE(fields.size(), int(FlowsTableModel::ColumnCount));
        QCOMPARE(fields[FlowsTableModel::SourceColumn], QStringLiteral("10.0.5.23"));
        QCOMPARE(fields[FlowsTableModel::BytesColumn].toULongLong(), expected[i]);
    }
}

QTEST_MAIN(TestFlowsView)
#include "tst_flowsview.moc"
