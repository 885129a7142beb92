#include "../collect/CollectTestSupport.h"
#include "../decode/DatagramBuilder.h"
#include "collect/ExportReplayer.h"
#include "collect/LiveCaptureJob.h"
#include "models/FindingsModel.h"
#include "plots/TimelinePlot.h"
#include "widgets/MainWindow.h"
#include "store/FlowStore.h"

#include <QAction>
#include <QLabel>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QApplication>
#include <QLineEdit>
#include <QKeyEvent>
#include <QTemporaryFile>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QRegularExpression>
#include <QLabel>
#include <QStatusBar>
#include <QTest>
#include <QTextBrowser>
#include <QTextDocumentFragment>
#include <QMessageBox>

#include <nlohmann/json.hpp>

#include <fstream>

#ifndef FLOWSIFT_CORPUS_DIR
#define FLOWSIFT_CORPUS_DIR "../shared/corpus"
#endif
#ifndef FLOWSIFT_BINARY_DIR
#define FLOWSIFT_BINARY_DIR "."
#endif

namespace {

Finding makeFinding(const char* type, double score, const char* src, std::vector<const char*> dsts, int64_t startMs)
{
    Finding f;
    f.type = type;
    f.id = std::string(type) + ":" + src;
    f.score = score;
    f.severity = severityForScore(score);
    f.src = IpAddress::parse(src);
    for (const char* d : dsts)
        f.dst.push_back(*IpAddress::parse(d));
    f.dstPorts = {443};
    f.protocol = 6;
    f.startMs = startMs;
    f.endMs = startMs + 60'000;
    f.summary = std::string("summary of ") + type;
    return f;
}

} // namespace

class TestMainWindow final : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void findingsModelBasics();
    void findingsModelSorting();
    void analysesEnterpriseCapture();
    void textFromTheDataShowsAsText();
    void everyFindingTypeHasAName();
    void liveCaptureShowsFlowsAsTheyArrive();
};

void TestMainWindow::initTestCase()
{
    // Keeps case files out of the user's real data directory.
    QStandardPaths::setTestModeEnabled(true);
}

void TestMainWindow::findingsModelBasics()
{
    FindingsModel model;
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), int(FindingsModel::ColumnCount));

    std::vector<Finding> findings;
    findings.push_back(makeFinding("beacon", 72, "10.0.5.23", {"203.0.113.77"}, 1772439600000));
    findings.push_back(makeFinding("port_scan", 91, "10.0.8.14",
                                   {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"}, 1772443800000));
    findings.back().dstPorts = {1, 2, 3, 4, 80};
    findings.push_back(makeFinding("exfiltration", 12, "10.0.3.7", {"198.51.100.200"}, 1772446269697));
    model.setFindings(findings);
    QCOMPARE(model.rowCount(), 3);

    auto text = [&](int row, int col) { return model.index(row, col).data().toString(); };
    QCOMPARE(text(0, FindingsModel::SeverityColumn), QStringLiteral("High"));
    QCOMPARE(text(1, FindingsModel::SeverityColumn), QStringLiteral("Critical"));
    QCOMPARE(text(2, FindingsModel::SeverityColumn), QStringLiteral("Info"));
    QCOMPARE(text(0, FindingsModel::ScoreColumn), QStringLiteral("72.0"));
    QCOMPARE(text(0, FindingsModel::SourceColumn), QStringLiteral("10.0.5.23"));
    QCOMPARE(text(0, FindingsModel::DestinationsColumn), QStringLiteral("203.0.113.77"));
    QCOMPARE(text(1, FindingsModel::DestinationsColumn), QStringLiteral("10.0.0.1, 10.0.0.2, 10.0.0.3 +2 more"));
    QCOMPARE(text(1, FindingsModel::PortsColumn), QStringLiteral("TCP 1–4, 80"));
    QCOMPARE(text(0, FindingsModel::StartColumn), QStringLiteral("2026-03-02 08:20:00"));
    QCOMPARE(text(0, FindingsModel::SummaryColumn), QStringLiteral("summary of beacon"));
    QCOMPARE(model.index(1, FindingsModel::TypeColumn).data(FindingsModel::RawValueRole).toString(),
             QStringLiteral("port_scan"));
    QCOMPARE(model.index(2, 0).data(FindingsModel::FindingIndexRole).toInt(), 2);
    QCOMPARE(model.index(0, FindingsModel::StartColumn).data(FindingsModel::RawValueRole).toLongLong(),
             1772439600000LL);

    // Colours: critical is dark with white text; every severity stays readable.
    const QColor critical = model.index(1, 0).data(Qt::BackgroundRole).value<QColor>();
    QCOMPARE(model.index(1, 0).data(Qt::ForegroundRole).value<QColor>(), QColor(Qt::white));
    QVERIFY(critical.lightness() < 80);
    for (int s = 0; s <= 4; ++s) {
        const QColor bg = FindingsModel::severityBackground(Severity(s));
        const QColor fg = FindingsModel::severityForeground(Severity(s));
        QVERIFY2(std::abs(bg.lightness() - fg.lightness()) > 90, qPrintable(FindingsModel::severityText(Severity(s))));
    }
    QVERIFY(!model.index(0, FindingsModel::ScoreColumn).data(Qt::BackgroundRole).isValid());
}

void TestMainWindow::findingsModelSorting()
{
    FindingsModel model;
    std::vector<Finding> findings;
    findings.push_back(makeFinding("beacon", 72, "10.0.5.23", {"203.0.113.77"}, 3000));
    findings.push_back(makeFinding("port_scan", 9.5, "10.0.8.14", {"10.0.0.1"}, 1000));
    findings.push_back(makeFinding("volumetric", 100, "10.0.0.9", {"10.0.0.80"}, 2000));
    model.setFindings(findings);

    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(FindingsModel::RawValueRole);
    proxy.sort(FindingsModel::ScoreColumn, Qt::DescendingOrder);
    // "100" < "72" < "9.5" as text; numeric sorting must not do that.
    QCOMPARE(proxy.index(0, FindingsModel::TypeColumn).data(FindingsModel::RawValueRole).toString(),
             QStringLiteral("volumetric"));
    QCOMPARE(proxy.index(1, FindingsModel::TypeColumn).data(FindingsModel::RawValueRole).toString(),
             QStringLiteral("beacon"));
    QCOMPARE(proxy.index(2, FindingsModel::TypeColumn).data(FindingsModel::RawValueRole).toString(),
             QStringLiteral("port_scan"));
    QCOMPARE(proxy.index(0, 0).data(FindingsModel::FindingIndexRole).toInt(), 2);

    proxy.sort(FindingsModel::StartColumn, Qt::AscendingOrder);
    QCOMPARE(proxy.index(0, 0).data(FindingsModel::FindingIndexRole).toInt(), 1);
    QCOMPARE(proxy.index(2, 0).data(FindingsModel::FindingIndexRole).toInt(), 0);

    proxy.sort(FindingsModel::SeverityColumn, Qt::DescendingOrder);
    QCOMPARE(proxy.index(0, FindingsModel::SeverityColumn).data().toString(), QStringLiteral("Critical"));
}

void TestMainWindow::analysesEnterpriseCapture()
{
    const QString corpus = QStringLiteral(FLOWSIFT_CORPUS_DIR);
    const QString capture = corpus + QStringLiteral("/exports/enterprise4h__softflowd-v9.pcap");
    const QString labelsPath = corpus + QStringLiteral("/labels/enterprise4h.labels.json");
    if (!QFileInfo::exists(capture) || !QFileInfo::exists(labelsPath))
        QSKIP("corpus not available");

    MainWindow window;
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    QSignalSpy finished(&window, &MainWindow::analysisFinished);
    QSignalSpy errors(&window, &MainWindow::errorShown);
    window.openCapture(capture);
    QVERIFY(window.windowTitle().contains(QStringLiteral("enterprise4h__softflowd-v9.pcap")));
    QVERIFY(finished.wait(120'000));
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));

    FindingsModel* model = window.findingsModel();
    QVERIFY(model->rowCount() > 0);
    QVERIFY(window.timelinePlot()->hasData());

    // Initial sort: score, highest first.
    QAbstractItemModel* shown = window.findingsView()->model();
    double previous = 1e9;
    for (int row = 0; row < shown->rowCount(); ++row) {
        const double score = shown->index(row, FindingsModel::ScoreColumn).data(FindingsModel::RawValueRole).toDouble();
        QVERIFY(score <= previous);
        previous = score;
    }

    std::ifstream in(QFile::encodeName(labelsPath).toStdString());
    const nlohmann::json labels = nlohmann::json::parse(in);
    int checked = 0;
    for (const auto& label : labels.at("labels")) {
        if (!label.value("malicious", false))
            continue;
        const std::string kind = label.at("kind").get<std::string>();
        QString type;
        bool matchDestination = false;
        if (kind == "c2_beacon")
            type = QStringLiteral("beacon");
        else if (kind.rfind("port_scan", 0) == 0)
            type = QStringLiteral("port_scan");
        else if (kind == "exfiltration")
            type = QStringLiteral("exfiltration");
        else if (kind == "volumetric_udp_flood") {
            type = QStringLiteral("volumetric");
            matchDestination = true;
        } else
            continue;
        const QString address = QString::fromStdString(label.at(matchDestination ? "dst" : "src").get<std::string>());

        bool found = false;
        for (int row = 0; row < model->rowCount() && !found; ++row) {
            if (model->index(row, FindingsModel::TypeColumn).data(FindingsModel::RawValueRole).toString() != type)
                continue;
            const QString source = model->index(row, FindingsModel::SourceColumn).data().toString();
            const QString destinations = model->index(row, FindingsModel::DestinationsColumn).data().toString();
            // The column shows only the first destinations; the tooltip lists more.
            const QString allDestinations = QTextDocumentFragment::fromHtml(
                model->index(row, FindingsModel::DestinationsColumn).data(Qt::ToolTipRole).toString()).toPlainText();
            const QString allText = source + QStringLiteral(", ") + destinations + QStringLiteral(", ") + allDestinations;
            const QStringList entities = allText.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts);
            if (!entities.contains(address))
                continue;
            const Severity severity =
                Severity(model->index(row, FindingsModel::SeverityColumn).data(FindingsModel::RawValueRole).toInt());
            found = severity >= Severity::High;
        }
        QVERIFY2(found, qPrintable(QStringLiteral("no high/critical %1 finding for %2 (%3)")
                                       .arg(type, address, QString::fromStdString(label.at("id").get<std::string>()))));
        ++checked;
    }
    QCOMPARE(checked, 6);

    // Selecting a row fills the detail pane and highlights the span.
    window.findingsView()->selectRow(0);
    QVERIFY(window.timelinePlot()->highlightedFinding() >= 0);

    const QString shot = QStringLiteral(FLOWSIFT_BINARY_DIR) + QStringLiteral("/mainwindow.png");
    QVERIFY(window.grab().save(shot));

    // The case reopens as saved: same findings, nothing imported again.
    const QString casePath = window.casePath();
    QVERIFY(casePath.endsWith(QStringLiteral(".flowsift")));
    QVERIFY(!casePath.contains(QStringLiteral("Flowsift/Flowsift")));
    MainWindow reopened;
    reopened.show();
    QSignalSpy reopenedFinished(&reopened, &MainWindow::analysisFinished);
    reopened.openCapture(casePath);
    QVERIFY(reopenedFinished.wait(60'000));
    QCOMPARE(reopened.casePath(), casePath);
    QCOMPARE(reopened.findingsModel()->rowCount(), model->rowCount());
    QVERIFY(reopened.timelinePlot()->hasData());
    std::string error;
    auto store = FlowStore::open(QFile::encodeName(casePath).toStdString(), error, true);
    QVERIFY2(store, error.c_str());
    QCOMPARE(store->imports().size(), size_t(1));
    QCOMPARE(store->summary().flows, uint64_t(33401));

    // A file no reader takes is refused with its reason; the open case stays open.
    QTemporaryFile garbage(QDir::temp().filePath(QStringLiteral("garbage-XXXXXX.bin")));
    QVERIFY(garbage.open());
    garbage.write(QByteArray(4096, '\x5a'));
    garbage.close();
    QSignalSpy refused(&reopened, &MainWindow::errorShown);
    reopened.openCapture(garbage.fileName());
    QCOMPARE(refused.size(), 1);
    QVERIFY2(refused.first().first().toString().contains(QFileInfo(garbage.fileName()).fileName()),
             qPrintable(refused.first().first().toString()));
    QCOMPARE(reopened.casePath(), casePath);
    QCOMPARE(reopened.findingsModel()->rowCount(), model->rowCount());
    QVERIFY(!reopened.recentFiles().contains(QFileInfo(garbage.fileName()).absoluteFilePath()));

    // In a line edit, Ctrl+E stays the window's export shortcut; its other keys stay the edit's.
    QLineEdit* edit = nullptr;
    for (QLineEdit* e : reopened.findChildren<QLineEdit*>())
        if (e->placeholderText().startsWith(QStringLiteral("Filter findings")))
            edit = e;
    QVERIFY(edit);
    // As on X11, where the edit binds Ctrl+E ("end of line") and so overrides any shortcut.
    struct EmacsBindings final : QObject {
        bool eventFilter(QObject*, QEvent* e) override
        {
            if (e->type() != QEvent::ShortcutOverride)
                return false;
            e->accept();
            return true;
        }
    } bindings;
    edit->installEventFilter(&bindings);
    QKeyEvent exportKey(QEvent::ShortcutOverride, Qt::Key_E, Qt::ControlModifier);
    QApplication::sendEvent(edit, &exportKey);
    QVERIFY(!exportKey.isAccepted());
    QKeyEvent selectAll(QEvent::ShortcutOverride, Qt::Key_A, Qt::ControlModifier);
    QApplication::sendEvent(edit, &selectAll);
    QVERIFY(selectAll.isAccepted());
    edit->removeEventFilter(&bindings);
}

// Everything that reaches HTML (the detail pane, tooltips, the status bar,
// message boxes) shows text from the data as written: "<img src=x>" is text.
void TestMainWindow::textFromTheDataShowsAsText()
{
    MainWindow window;
    window.show();
    const std::string hostile = "<img src=x> called <b>home</b> & 'back'";
    std::vector<Finding> findings{makeFinding("beacon", 72, "10.0.5.23", {"203.0.113.77"}, 1772439600000)};
    findings[0].summary = hostile;
    findings[0].filter = "host <i>x</i>";
    findings[0].evidence = {{"comment", hostile}, {"<script>alert(1)</script>", 1}};
    window.findingsModel()->setFindings(findings);
    window.findingsView()->selectRow(0);
    const QString plain = window.detailsView()->toPlainText();
    QVERIFY2(plain.contains(QString::fromStdString(hostile)), qPrintable(plain));
    QVERIFY(plain.contains(QStringLiteral("host <i>x</i>")));
    QVERIFY(plain.contains(QStringLiteral("<script>alert(1)</script>")));
    const QString html = window.detailsView()->toHtml();
    QVERIFY(!html.contains(QStringLiteral("<img")));
    QVERIFY(!html.contains(QStringLiteral("<script")));

    const QString tip =
        window.findingsModel()->index(0, FindingsModel::SummaryColumn).data(Qt::ToolTipRole).toString();
    QCOMPARE(QTextDocumentFragment::fromHtml(tip).toPlainText(), QString::fromStdString(hostile));

    QSignalSpy errors(&window, &MainWindow::errorShown);
    const QString missing = QDir::temp().filePath(QStringLiteral("<img src=x>-missing.pcap"));
    window.openCapture(missing);
    QCOMPARE(errors.count(), 1);
    QVERIFY(errors.at(0).at(0).toString().contains(QStringLiteral("<img src=x>-missing.pcap")));
    const auto boxes = window.findChildren<QMessageBox*>();
    QCOMPARE(boxes.size(), 1);
    QCOMPARE(boxes.first()->textFormat(), Qt::PlainText);
    for (QLabel* label : window.statusBar()->findChildren<QLabel*>())
        if (label->text().contains(QLatin1Char('<')))
            QCOMPARE(label->textFormat(), Qt::PlainText);
}

// Live capture on a loopback port: the counters, the summary and the timeline
// follow the datagrams sent, the detectors run on their schedule while it
// collects, and stopping leaves everything in the case.
void TestMainWindow::liveCaptureShowsFlowsAsTheyArrive()
{
    MainWindow window;
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.setLiveAnalysisInterval(1000);
    window.liveCapture()->setPollInterval(200);
    QSignalSpy started(&window, &MainWindow::liveCaptureStarted);
    QSignalSpy viewed(&window, &MainWindow::liveViewUpdated);
    QSignalSpy stopped(&window, &MainWindow::liveCaptureStopped);
    QSignalSpy finished(&window, &MainWindow::analysisFinished);
    QSignalSpy errors(&window, &MainWindow::errorShown);

    FlowCollector::Settings settings;
    settings.bindAddress = "127.0.0.1";
    settings.port = 0;
    settings.commitIntervalMs = 200;
    window.startLiveCapture(settings);
    QVERIFY(started.wait(10000));
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));
    const quint16 port = started.first().first().value<quint16>();
    QVERIFY(port != 0);
    QVERIFY(window.liveCaptureAction()->isChecked());
    QVERIFY(window.windowTitle().contains(QStringLiteral("(live)")));
    QVERIFY(window.casePath().contains(QStringLiteral("/live-")));
    QVERIFY2(window.liveStatusLabel()->text().contains(QStringLiteral("127.0.0.1:%1").arg(port)),
             qPrintable(window.liveStatusLabel()->text()));

    // A v9 exporter: template, then three flows (2026-03-02 07:59:50 UTC).
    UdpSender exporter;
    const auto tmpl = v9Packet(1, 100000, 1772438400, 1, 7,
                               {setOf(0, templateRecord(300, {{8, 4}, {12, 4}, {7, 2}, {11, 2}, {4, 1}, {1, 4}, {2, 4},
                                                              {22, 4}, {21, 4}}))});
    Bytes body;
    for (uint8_t h = 1; h <= 3; ++h)
        body.ip(10, 0, 0, h).ip(192, 0, 2, 1).u16(40000).u16(443).u8(6).u32(1000u * h).u32(3).u32(90000).u32(95000);
    QVERIFY(exporter.send(tmpl, port));
    QVERIFY(exporter.send(v9Packet(3, 100000, 1772438400, 2, 7, {setOf(300, body)}), port));
    QTRY_VERIFY2_WITH_TIMEOUT(window.liveStatusLabel()->text().contains(QStringLiteral("2 datagrams · 3 flows")),
                              qPrintable(window.liveStatusLabel()->text()), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!viewed.isEmpty() && viewed.last().first().toULongLong() == 3, 10000);
    QVERIFY(window.timelinePlot()->hasData());

    uint64_t expected = 3;
    const QString corpusExport
        = QStringLiteral(FLOWSIFT_CORPUS_DIR) + QStringLiteral("/exports/enterprise4h__softflowd-v9.pcap");
    if (QFileInfo::exists(corpusExport)) {
        // A real export stream: the counters keep up and the detectors find what it holds.
        ExportReplayer replayer;
        std::string error;
        QVERIFY2(replayer.load(QFile::encodeName(corpusExport).toStdString(), error), error.c_str());
        ExportReplayer::Settings rs;
        rs.target = "127.0.0.1:" + std::to_string(port);
        rs.datagramsPerSecond = 5000;
        QVERIFY2(replayer.open(rs, error), error.c_str());
        std::atomic_bool cancel{false};
        const auto sent = replayer.run(cancel); // the UI thread waits here a moment; the collector does not
        QCOMPARE(sent.datagrams, uint64_t(1070));
        expected += 33401;
        QTRY_VERIFY2_WITH_TIMEOUT(window.liveStatusLabel()->text().contains(QStringLiteral("33,404 flows")),
                                  qPrintable(window.liveStatusLabel()->text()), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(viewed.last().first().toULongLong() == expected, 20000);
        // The scheduled detectors ran while collecting and found the labelled beacon.
        QTRY_VERIFY_WITH_TIMEOUT(window.findingsModel()->rowCount() > 0, 60000);
        QVERIFY(window.liveCapture()->isActive());
        bool beacon = false;
        for (const Finding& f : window.findingsModel()->findings())
            beacon = beacon || (f.type == "beacon" && f.src && f.src->toString() == "10.0.5.23");
        QVERIFY(beacon);
        QVERIFY(window.grab().save(QStringLiteral(FLOWSIFT_BINARY_DIR) + QStringLiteral("/mainwindow-live.png")));
    }

    finished.clear();
    window.stopLiveCapture();
    QVERIFY(stopped.wait(60000));
    QVERIFY(!window.liveCaptureAction()->isChecked());
    QVERIFY(finished.wait(120000)); // the whole case is shown again, detectors run over everything
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));
    QVERIFY(window.timelinePlot()->hasData());
    std::string error;
    auto store = FlowStore::open(QFile::encodeName(window.casePath()).toStdString(), error, true);
    QVERIFY2(store, error.c_str());
    QCOMPARE(store->summary().flows, expected);
    QCOMPARE(store->imports().size(), size_t(1));
    QCOMPARE(store->imports().front().format, std::string("udp-netflow"));
    QVERIFY(!store->templates().empty());
}

// The table names each detector's findings in words, subtype in brackets.
void TestMainWindow::everyFindingTypeHasAName()
{
    const std::pair<const char*, const char*> expected[] = {
        {"beacon", "Beacon (pair)"},          {"port_scan", "Port scan (pair)"},
        {"exfiltration", "Exfiltration (pair)"}, {"volumetric", "Volumetric (pair)"},
        {"long_connection", "Long connection (pair)"}, {"indicator", "Indicator match (pair)"},
    };
    for (const auto& [type, text] : expected) {
        Finding f;
        f.type = type;
        f.subtype = "pair";
        QCOMPARE(FindingsModel::typeText(f), QString::fromLatin1(text));
    }
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
