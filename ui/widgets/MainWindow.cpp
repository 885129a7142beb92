#include "widgets/MainWindow.h"

#include "analysis/AnalysisJob.h"
#include "analysis/DetectionConfig.h"
#include "analysis/DetectionSettings.h"
#include "analysis/TrafficTimeline.h"
#include "collect/LiveCaptureJob.h"
#include "dialogs/LiveCaptureDialog.h"
#include "dialogs/SettingsDialog.h"
#include "models/FindingsFilterProxy.h"
#include "models/FindingsModel.h"
#include "models/FlowsTableModel.h"
#include "plots/TimelinePlot.h"
#include "util/DisplayFormat.h"
#include "widgets/FindingDetailsView.h"
#include "widgets/FindingsFilterBar.h"
#include "widgets/FlowsView.h"
#include "widgets/HostListPanel.h"
#include "widgets/HostView.h"
#include "widgets/OverviewPage.h"
#include "widgets/VerdictEditor.h"
#include "report/CsvWriter.h"
#include "report/PdfReport.h"
#include "import/FlowSource.h"
#include "store/FlowStore.h"

#if __has_include("report/JsonReport.h")
#include "report/JsonReport.h"
#define FLOWSIFT_HAVE_JSON_REPORT 1
#endif

#include <QAction>
#include <QActionGroup>
#include <QComboBox>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QCryptographicHash>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QToolBar>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <optional>

struct MainWindow::CaseView {
    quint64 generation = 0;
    QString error;
    FlowStore::Summary summary;
    std::optional<TrafficTimeline> timeline;
    std::vector<Finding> findings;
    std::vector<FlowStore::ImportRecord> imports;
};

namespace {

using DisplayFormat::numberLocale;
using DisplayFormat::utcRange;
QString durationText(int64_t ms) { return DisplayFormat::duration(ms); }
QString esc(const std::string& s) { return DisplayFormat::html(s); }

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_job(new AnalysisJob(this))
    , m_model(new FindingsModel(this))
    , m_proxy(new FindingsFilterProxy(this))
    , m_viewWatcher(new QFutureWatcher<CaseView>(this))
    , m_live(new LiveCaptureJob(this))
{
    setWindowTitle(tr("Flowsift"));
    setAcceptDrops(true);
    createActions();
    createCentralWidget();
    createStatusBar();
    qApp->installEventFilter(this);
    createViewMenu();

    // The user's detection settings; a broken file is reported, the defaults used.
    QString settingsError;
    if (!SettingsDialog::loadSaved(m_detection, settingsError))
        QTimer::singleShot(0, this, [this, settingsError] {
            showError(tr("Preferences not loaded"), tr("%1\nThe default detection settings are used.").arg(settingsError));
        });
    connect(m_plot, &TimelinePlot::selectionChanged, this, &MainWindow::setTimeRange);
    connect(m_overview, &OverviewPage::hostActivated, this, &MainWindow::openHost);
    connect(m_flows, &FlowsView::flowCountChanged, this, [this](quint64 flows) {
        m_flowsLabel->setText(tr("%1 flows in the Flows view").arg(DisplayFormat::count(flows)));
        m_flowsLabel->setVisible(true);
    });
    restoreLayout();

    connect(m_job, &AnalysisJob::stageChanged, this, [this](const QString& stage) { m_stageLabel->setText(stage); });
    connect(m_job, &AnalysisJob::progress, this, [this](qint64 done, qint64 total) {
        // QProgressBar is int-ranged; byte counts of big captures are not.
        if (total <= 0) {
            m_progress->setRange(0, 0);
            return;
        }
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(std::clamp<qint64>(done * 1000 / total, 0, 1000)));
        m_progress->setToolTip(tr("%1 of %2").arg(TimelinePlot::formatBytes(double(done)),
                                                  TimelinePlot::formatBytes(double(total))));
    });
    connect(m_job, &AnalysisJob::importIssues, this, [this](const QString& file, const QStringList& issues) {
        const QString name = QFileInfo(file).fileName();
        for (const QString& issue : issues)
            m_importNotes << name + QStringLiteral(": ") + issue;
    });
    connect(m_job, &AnalysisJob::findingsReady, this, [this](const std::vector<Finding>& findings) {
        m_haveFindings = true;
        setFindings(findings);
    });
    connect(m_job, &AnalysisJob::finished, this, [this](bool cancelled) {
        m_cancelled = cancelled;
        endRun();
    });
    // A failure is not the end of the run (other inputs may still import);
    // finished always follows.
    connect(m_job, &AnalysisJob::failed, this,
            [this](const QString& message) { showError(tr("Import or analysis problem"), message); });
    connect(m_viewWatcher, &QFutureWatcher<CaseView>::finished, this, [this] {
        const CaseView view = m_viewWatcher->result();
        if (view.generation == m_generation)
            applyCaseView(view);
    });

    connect(m_live, &LiveCaptureJob::started, this, [this](const QString& endpoints) {
        m_liveAction->setEnabled(true);
        m_liveAction->setChecked(true);
        m_liveLabel->setText(tr("● Live on %1%2: waiting for exporters")
                                 .arg(endpoints, m_live->allInterfaces() ? tr(" (all interfaces)") : QString()));
        m_liveLabel->setVisible(true);
        m_liveFlows = 0;
        m_flowsAtAnalysis = 0;
        m_sinceAnalysis.start();
        m_detectAction->setEnabled(!m_running);
        if (selectedFinding() < 0)
            showOverview();
        emit liveCaptureStarted(m_live->port());
    });
    connect(m_live, &LiveCaptureJob::startFailed, this, [this](const QString& message) {
        const QSignalBlocker block(m_liveAction);
        m_liveAction->setChecked(false);
        m_liveAction->setEnabled(true);
        m_liveLabel->setVisible(false);
        showError(tr("Cannot start live capture"), message);
    });
    connect(m_live, &LiveCaptureJob::statsUpdated, this, &MainWindow::showLiveStats);
    connect(m_live, &LiveCaptureJob::viewUpdated, this, &MainWindow::applyLiveView);
    connect(m_live, &LiveCaptureJob::stopped, this, [this](bool ok, const QString& message) {
        {
            const QSignalBlocker block(m_liveAction);
            m_liveAction->setChecked(false);
            m_liveAction->setEnabled(true);
        }
        const FlowCollector::Stats& s = m_live->lastStats();
        m_liveLabel->setText(
            tr("Live capture stopped: %1 flows stored").arg(numberLocale().toString(qulonglong(s.flowsStored))));
        if (!ok)
            showError(tr("Live capture problem"), message);
        emit liveCaptureStopped();
        if (m_closeAfterLive) {
            close();
            return;
        }
        // The whole case, indexed now, and the detectors over all that arrived.
        if (s.flowsStored > m_flowsAtAnalysis)
            runDetectors();
        else if (!m_running)
            loadCaseView();
    });
    showOverview();
}

MainWindow::~MainWindow()
{
    if (m_job->isRunning())
        m_job->cancel();
    // m_live (a child) stores what is still in flight when it is destroyed.
}

bool MainWindow::isBusy() const
{
    return m_running || m_viewWatcher->isRunning() || m_live->isActive();
}

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open Capture…"), this, &MainWindow::chooseCapture);
    open->setShortcut(QKeySequence::Open);
    open->setStatusTip(tr("Import a flow capture into a new case and analyse it"));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setObjectName(QStringLiteral("recentFilesMenu"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    rebuildRecentMenu();
    m_exportAction = file->addAction(tr("&Export JSON Report…"), this, &MainWindow::chooseReportPath);
    m_exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_exportAction->setEnabled(false);
    m_pdfAction = file->addAction(tr("Export &PDF Report…"), this, &MainWindow::choosePdfReportPath);
    m_pdfAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    m_pdfAction->setStatusTip(tr("Write the incident report: inputs, findings, evidence, charts and verdicts"));
    m_pdfAction->setEnabled(false);
    m_csvAction = file->addAction(tr("Export Table as &CSV…"), this, &MainWindow::chooseCsvPath);
    m_csvAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    m_csvAction->setStatusTip(tr("Save the table of the current tab, as shown (filtered and sorted), as CSV"));
    file->addSeparator();
    QAction* closeTab = file->addAction(tr("&Close Host Tab"), this, &MainWindow::closeCurrentHostTab);
    // Spelt out: the platform's standard Close may be Ctrl+F4 only (Windows key scheme).
    closeTab->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_W), QKeySequence(Qt::CTRL | Qt::Key_F4)});
    closeTab->setStatusTip(tr("Close the host drill-down shown"));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu* capture = menuBar()->addMenu(tr("&Capture"));
    m_liveAction = capture->addAction(tr("&Live Capture…"));
    m_liveAction->setCheckable(true);
    m_liveAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_liveAction->setStatusTip(tr("Receive NetFlow/IPFIX from exporters over UDP and show the flows as they arrive"));
    connect(m_liveAction, &QAction::toggled, this, &MainWindow::toggleLiveCapture);
    m_detectAction = capture->addAction(tr("&Run Detectors"), this, &MainWindow::runDetectors);
    m_detectAction->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_R), QKeySequence(Qt::Key_F5)});
    m_detectAction->setStatusTip(tr("Look for beacons, scans, exfiltration and floods in the case as it is now"));
    m_detectAction->setEnabled(false);

    QToolBar* tools = addToolBar(tr("Capture"));
    tools->setObjectName(QStringLiteral("captureToolBar"));
    tools->setMovable(false);
    tools->setToolButtonStyle(Qt::ToolButtonTextOnly);
    tools->addAction(file->actions().first());
    tools->addAction(m_liveAction);
    tools->addAction(m_detectAction);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* about = help->addAction(tr("&About Flowsift"), this, &MainWindow::showAbout);
    about->setMenuRole(QAction::AboutRole);
}

void MainWindow::createCentralWidget()
{
    m_overview = new OverviewPage(this);
    m_plot = m_overview->timelinePlot();

    m_proxy->setSourceModel(m_model);
    connect(m_proxy, &FindingsFilterProxy::filtersChanged, this, &MainWindow::updateFindingsCount);

    m_table = new QTableView(this);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(FindingsModel::ScoreColumn, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setShowGrid(false);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    QHeaderView* header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(FindingsModel::SummaryColumn, QHeaderView::Stretch);
    header->setHighlightSections(false);
    header->setMinimumSectionSize(48);
    m_table->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);

    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter findings: address, type, text…"));
    m_filter->setClearButtonEnabled(true);
    m_countLabel = new QLabel(this);
    m_countLabel->setTextFormat(Qt::PlainText);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_proxy->setText(text);
    });

    auto* tablePane = new QWidget(this);
    auto* tableLayout = new QVBoxLayout(tablePane);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->setSpacing(4);
    auto* filterRow = new QHBoxLayout;
    filterRow->setContentsMargins(6, 0, 6, 0);
    auto* findingsTitle = new QLabel(tr("<b>Findings</b>"), this);
    filterRow->addWidget(findingsTitle);
    filterRow->addSpacing(8);
    filterRow->addWidget(m_countLabel);
    filterRow->addStretch(1);
    m_filter->setMinimumWidth(260);
    filterRow->addWidget(m_filter);
    tableLayout->addLayout(filterRow);
    // Type, severity and host filters on a row of their own: the title row is full.
    m_filterBar = new FindingsFilterBar(m_proxy, this);
    m_filterBar->setContentsMargins(6, 0, 6, 0);
    tableLayout->addWidget(m_filterBar);
    tableLayout->addWidget(m_table, 1);

    m_details = new FindingDetailsView(this);
    m_details->setMinimumWidth(260);

    auto* findingsPage = new QSplitter(Qt::Horizontal, this);
    findingsPage->setObjectName(QStringLiteral("findingsSplitter"));
    findingsPage->addWidget(tablePane);
    findingsPage->addWidget(m_details);
    findingsPage->setStretchFactor(0, 3);
    findingsPage->setStretchFactor(1, 2);
    findingsPage->setSizes({820, 460});
    findingsPage->setChildrenCollapsible(false);

    m_flows = new FlowsView(this);

    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_tabs->setTabsClosable(true);
    m_tabs->addTab(m_overview, tr("Overview"));
    m_tabs->addTab(findingsPage, tr("Findings"));
    m_tabs->addTab(m_flows, tr("Flows"));
    // The three fixed tabs stay; host drill-downs close.
    for (int i = 0; i < m_tabs->count(); ++i)
        m_tabs->tabBar()->setTabButton(i, QTabBar::RightSide, nullptr);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int index) {
        if (auto* host = qobject_cast<HostView*>(m_tabs->widget(index))) {
            m_tabs->removeTab(index);
            host->deleteLater();
        }
    });
    setCentralWidget(m_tabs);

    m_hosts = new HostListPanel(this);
    auto* hostsDock = new QDockWidget(tr("Hosts"), this);
    hostsDock->setObjectName(QStringLiteral("hostsDock"));
    hostsDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable
                           | QDockWidget::DockWidgetClosable);
    hostsDock->setWidget(m_hosts);
    addDockWidget(Qt::LeftDockWidgetArea, hostsDock);

    connect(m_hosts, &HostListPanel::hostActivated, this, &MainWindow::openHost);
    connect(m_flows, &FlowsView::hostActivated, this, &MainWindow::openHost);
    connect(m_details, &FindingDetailsView::hostActivated, this, &MainWindow::openHost);
    // Verdicts: the editor reads and saves them, the table shows them.
    VerdictEditor* verdicts = m_details->verdictEditor();
    connect(verdicts, &VerdictEditor::verdictsLoaded, this, [this, verdicts] { m_model->setVerdicts(verdicts->verdicts()); });
    connect(verdicts, &VerdictEditor::verdictChanged, this, [this, verdicts](const QString& id) {
        Verdict v;
        v.findingId = id.toStdString();
        if (const Verdict* saved = verdicts->verdictFor(v.findingId))
            v = *saved;
        m_model->setVerdict(v);
    });
    connect(verdicts, &VerdictEditor::saveFailed, this,
            [this](const QString& message) { showError(tr("Verdict not saved"), message); });

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        const int index = selectedFinding();
        m_plot->highlightFinding(index);
        updateDetails();
    });
    connect(m_plot, &TimelinePlot::findingClicked, this, [this](int index) {
        selectFinding(index);
        m_tabs->setCurrentIndex(FindingsTab);
    });
}

void MainWindow::openHost(const QString& address)
{
    if (address.isEmpty() || m_casePath.isEmpty())
        return;
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (auto* host = qobject_cast<HostView*>(m_tabs->widget(i)); host && host->address() == address) {
            m_tabs->setCurrentIndex(i);
            return;
        }
    }
    auto* host = new HostView(m_casePath, address, this);
    host->setFindings(m_model->findings());
    if (m_rangeStartMs != 0 || m_rangeEndMs != 0)
        host->setTimeRange(m_rangeStartMs, m_rangeEndMs);
    restoreSplitters(host);
    connect(host, &HostView::hostActivated, this, &MainWindow::openHost);
    connect(host, &HostView::findingActivated, this, [this](const QString& id) {
        const auto& all = m_model->findings();
        for (size_t i = 0; i < all.size(); ++i)
            if (QString::fromStdString(all[i].id) == id) {
                selectFinding(int(i));
                m_tabs->setCurrentIndex(FindingsTab);
                return;
            }
    });
    m_tabs->setCurrentIndex(m_tabs->addTab(host, address));
}

HostView* MainWindow::hostView(const QString& address) const
{
    for (int i = 0; i < m_tabs->count(); ++i)
        if (auto* host = qobject_cast<HostView*>(m_tabs->widget(i)); host && host->address() == address)
            return host;
    return nullptr;
}

QTextBrowser* MainWindow::detailsView() const
{
    return m_details->textView();
}

void MainWindow::setCaseForViews(const QString& casePath)
{
    m_viewsCase = casePath;
    m_overview->setCasePath(casePath);
    m_details->setCasePath(casePath);
    m_flows->setCasePath(casePath);
    m_hosts->setCasePath(casePath);
    if (casePath.isEmpty())
        m_overview->clearSummary(tr("Reading the case…"));
    // Drill-downs belong to the case they were opened on.
    for (int i = m_tabs->count() - 1; i >= FixedTabCount; --i) {
        QWidget* w = m_tabs->widget(i);
        m_tabs->removeTab(i);
        w->deleteLater();
    }
}

void MainWindow::createStatusBar()
{
    // These show file names and error text: plain, never taken for rich text
    // (QLabel's AutoText would render a file named "<img src=x>.pcap").
    m_summaryLabel = new QLabel(tr("No case open"), this);
    m_summaryLabel->setTextFormat(Qt::PlainText);
    m_summaryLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusBar()->addWidget(m_summaryLabel, 1);
    // The timeline's selection and what it holds; hidden while the whole case is shown.
    m_selectionLabel = new QLabel(this);
    m_selectionLabel->setObjectName(QStringLiteral("selectionLabel"));
    m_selectionLabel->setTextFormat(Qt::PlainText);
    m_selectionLabel->setToolTip(tr("Every view is narrowed to this time range; Esc on the timeline or "
                                    "View ▸ Clear Time Selection shows the whole case"));
    m_selectionLabel->setVisible(false);
    statusBar()->addWidget(m_selectionLabel);
    m_flowsLabel = new QLabel(this);
    m_flowsLabel->setTextFormat(Qt::PlainText);
    m_flowsLabel->setVisible(false);
    statusBar()->addPermanentWidget(m_flowsLabel);
    m_stageLabel = new QLabel(this);
    m_stageLabel->setTextFormat(Qt::PlainText);
    statusBar()->addPermanentWidget(m_stageLabel);
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(220);
    m_progress->setMinimumWidth(160);
    m_progress->setTextVisible(true);
    m_progress->setFormat(QStringLiteral("%p%"));
    m_progress->setRange(0, 0);
    m_progress->setVisible(false);
    statusBar()->addPermanentWidget(m_progress);
    m_liveLabel = new QLabel(this);
    m_liveLabel->setVisible(false);
    m_liveLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusBar()->addPermanentWidget(m_liveLabel);
    m_stopButton = new QPushButton(tr("Stop"), this);
    m_stopButton->setToolTip(tr("Stop the running import and analysis"));
    m_stopButton->setVisible(false);
    statusBar()->addPermanentWidget(m_stopButton);
    connect(m_stopButton, &QPushButton::clicked, this, [this] {
        m_pendingInputs.clear();
        m_stageLabel->setText(tr("Stopping…"));
        m_stopButton->setEnabled(false);
        m_job->cancel();
    });
}

QString MainWindow::casePathFor(const QStringList& inputs)
{
    // Beside the CLI's default case, named after the inputs; the hash of their
    // full paths keeps two captures that share a file name apart.
    const QString dir = QFileInfo(QString::fromStdString(FlowStore::defaultCasePath())).absolutePath();
    QString name = inputs.isEmpty() ? QStringLiteral("case") : QFileInfo(inputs.first()).fileName();
    if (inputs.size() > 1)
        name += QStringLiteral("+%1").arg(inputs.size() - 1);
    QCryptographicHash hash(QCryptographicHash::Sha1);
    for (const QString& in : inputs)
        hash.addData(QFileInfo(in).absoluteFilePath().toUtf8());
    return dir + QLatin1Char('/') + name + QLatin1Char('-') + QString::fromLatin1(hash.result().toHex().left(8))
        + QString::fromLatin1(FlowStore::kFileExtension);
}

void MainWindow::openCapture(const QString& path)
{
    openCaptures({path});
}

void MainWindow::openCaptures(const QStringList& paths)
{
    if (paths.isEmpty())
        return;
    if (m_live->isActive()) {
        showError(tr("Cannot open capture"), tr("Stop the live capture before opening another capture."));
        return;
    }
    for (const QString& p : paths) {
        if (!QFileInfo(p).isFile()) {
            showError(tr("Cannot open capture"), tr("“%1” is not a readable file.").arg(QDir::toNativeSeparators(p)));
            return;
        }
        // A file no reader takes is refused before the open case is closed (the
        // check reads only its first bytes or lines).
        const std::string path = QFile::encodeName(p).toStdString();
        std::string error;
        if (!FlowStore::isCaseFile(path) && !openFlowSource(path, error)) {
            showError(tr("Cannot open capture"), QString::fromStdString(error));
            return;
        }
    }
    m_pendingInputs.clear();
    for (const QString& p : paths) {
        m_pendingInputs << QFileInfo(p).absoluteFilePath();
        addRecentFile(QFileInfo(p).absoluteFilePath());
    }
    if (m_running) {
        // Start the new files once the current job has wound down.
        m_stageLabel->setText(tr("Stopping current analysis…"));
        m_job->cancel();
        return;
    }
    startPending();
}

void MainWindow::startPending()
{
    const QStringList inputs = std::exchange(m_pendingInputs, {});
    if (inputs.isEmpty())
        return;
    ++m_generation;
    m_importNotes.clear();
    m_summaryHtml.clear();
    m_haveFindings = false;
    m_cancelled = false;

    // A case file opens as it was saved: its flows, findings and verdicts, nothing rerun.
    if (inputs.size() == 1 && FlowStore::isCaseFile(QFile::encodeName(inputs.first()).toStdString())) {
        m_inputs.clear();
        m_casePath = inputs.first();
        setWindowTitle(QFileInfo(m_casePath).fileName()); // the platform adds " — Flowsift"
        setFindings({});
        setCaseForViews({});
        m_plot->clear();
        m_summaryLabel->setText(tr("Opening case %1…").arg(QFileInfo(m_casePath).fileName()));
        showOverview();
        m_runEnded = false;
        endRun();
        return;
    }
    m_analysisOnly = false;
    m_inputs = inputs;
    m_casePath = casePathFor(inputs);

    // A fresh case per open: reopening a file re-imports and re-analyses it.
    QDir().mkpath(QFileInfo(m_casePath).absolutePath());
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
        QFile::remove(m_casePath + QString::fromLatin1(suffix));

    const QString shown = inputs.size() == 1 ? QFileInfo(inputs.first()).fileName()
                                             : tr("%1 and %2 more")
                                                   .arg(QFileInfo(inputs.first()).fileName())
                                                   .arg(inputs.size() - 1);
    setWindowTitle(shown);
    setFindings({});
    setCaseForViews({});
    m_plot->clear();
    m_summaryLabel->setText(tr("Importing %1…").arg(shown));
    showOverview();

    setRunning(true);
    startJob(0);
}

void MainWindow::startJob(int attempt)
{
    DetectionSettings settings = m_detection;
    if (!settings.indicatorFiles.empty() && attempt == 0) {
        std::vector<std::string> problems;
        std::string error;
        if (!DetectionConfig::loadIndicatorFiles(settings, problems, error))
            showError(tr("Indicator list not read"), QString::fromStdString(error));
        for (const std::string& p : problems)
            m_importNotes << tr("indicators: %1").arg(QString::fromStdString(p));
    }
    if (m_job->start(m_casePath, m_analysisOnly ? QStringList() : m_inputs, settings))
        return;
    // The previous worker reports finished a moment before it has fully
    // returned; try again shortly instead of blocking.
    if (attempt < 100) {
        const quint64 generation = m_generation;
        QTimer::singleShot(20, this, [this, attempt, generation] {
            if (generation == m_generation && m_running)
                startJob(attempt + 1);
        });
        return;
    }
    setRunning(false);
    showError(tr("Cannot start analysis"), tr("Another analysis is still running."));
}

void MainWindow::setRunning(bool running)
{
    m_running = running;
    m_runEnded = !running;
    m_progress->setVisible(running);
    m_stopButton->setVisible(running);
    m_stopButton->setEnabled(running);
    m_exportAction->setEnabled(!running && !m_casePath.isEmpty());
    m_pdfAction->setEnabled(!running && !m_casePath.isEmpty());
    m_detectAction->setEnabled(!running && !m_casePath.isEmpty());
    if (running) {
        m_progress->setRange(0, 0);
        m_stageLabel->setText(tr("Starting…"));
    }
}

void MainWindow::endRun()
{
    if (m_runEnded)
        return;
    setRunning(false);
    if (!m_pendingInputs.isEmpty()) {
        startPending();
        return;
    }
    loadCaseView();
}

void MainWindow::loadCaseView()
{
    m_stageLabel->setText(tr("Building timeline…"));
    m_progress->setRange(0, 0);
    m_progress->setVisible(true);
    const QString casePath = m_casePath;
    const quint64 generation = m_generation;
    const bool needFindings = !m_haveFindings;
    // Reads the whole case: keep it off the UI thread, on its own connection.
    m_viewWatcher->setFuture(QtConcurrent::run([casePath, generation, needFindings] {
        CaseView view;
        view.generation = generation;
        std::string error;
        auto store = FlowStore::open(casePath.toStdString(), error, true);
        if (!store) {
            view.error = QString::fromStdString(error);
            return view;
        }
        view.summary = store->summary();
        view.imports = store->imports();
        if (view.summary.flows > 0)
            view.timeline = TrafficTimeline::fromStore(*store, 600);
        if (needFindings)
            view.findings = store->findings();
        return view;
    }));
}

void MainWindow::applyCaseView(const CaseView& view)
{
    m_progress->setVisible(false);
    m_stageLabel->setText(m_cancelled ? tr("Analysis stopped") : QString());
    if (!view.error.isEmpty()) {
        m_summaryLabel->setText(tr("Case could not be read"));
        showError(tr("Cannot read case"), view.error);
        emit analysisFinished();
        return;
    }
    if (!m_haveFindings && !view.findings.empty())
        setFindings(view.findings);

    const QLocale locale = numberLocale();
    const FlowStore::Summary& s = view.summary;
    m_summaryLabel->setText(summaryText(s));

    // Case overview for the detail pane while nothing is selected.
    QString html = QStringLiteral("<h2>") + tr("Case overview") + QStringLiteral("</h2><table class='kv'>");
    auto kv = [&html](const QString& k, const QString& v) {
        html += QStringLiteral("<tr><td class='k'>") + k + QStringLiteral("</td><td>") + v + QStringLiteral("</td></tr>");
    };
    kv(tr("Case file"), QDir::toNativeSeparators(m_casePath).toHtmlEscaped());
    kv(tr("Flows"), locale.toString(qulonglong(s.flows)));
    kv(tr("Bytes"), TimelinePlot::formatBytes(double(s.bytes)) + QStringLiteral(" (")
                        + locale.toString(qulonglong(s.bytes)) + QLatin1Char(')'));
    kv(tr("Packets"), locale.toString(qulonglong(s.packets)));
    if (s.flows > 0) {
        kv(tr("Time range"), utcRange(s.startMs, s.endMs).toHtmlEscaped());
        kv(tr("Duration"), durationText(s.endMs - s.startMs));
    }
    kv(tr("Exporters"), locale.toString(qulonglong(s.exporters)));
    html += QStringLiteral("</table>");
    for (const auto& imp : view.imports) {
        html += QStringLiteral("<p><b>") + esc(QFileInfo(QString::fromStdString(imp.path)).fileName().toStdString())
            + QStringLiteral("</b> (") + esc(imp.format) + QStringLiteral(")<br>")
            + tr("%1 records read, %2 kept, %3 rejected")
                  .arg(locale.toString(qulonglong(imp.recordsRead)), locale.toString(qulonglong(imp.recordsKept)),
                       locale.toString(qulonglong(imp.recordsRejected)))
            + QStringLiteral("</p>");
    }
    if (!m_importNotes.isEmpty()) {
        html += QStringLiteral("<p><b>") + tr("Import notes") + QStringLiteral("</b></p><ul>");
        for (int i = 0; i < m_importNotes.size() && i < 50; ++i)
            html += QStringLiteral("<li>") + m_importNotes[i].toHtmlEscaped() + QStringLiteral("</li>");
        html += QStringLiteral("</ul>");
    }
    m_summaryHtml = html;

    m_overview->setSummary(m_casePath, s, view.imports, m_importNotes);
    if (m_viewsCase != m_casePath)
        setCaseForViews(m_casePath);
    else
        m_overview->refresh(); // the same case, maybe with more flows (live capture, import)

    if (view.timeline)
        m_plot->setTimeline(*view.timeline);
    else
        m_plot->clear();
    m_plot->setFindings(m_model->findings());
    m_exportAction->setEnabled(true);
    m_pdfAction->setEnabled(!m_running);
    m_detectAction->setEnabled(!m_running);

    // Start on the most important finding, as an analyst would.
    if (m_proxy->rowCount() > 0 && selectedFinding() < 0)
        m_table->selectRow(0);
    else
        updateDetails();
    emit analysisFinished();
}

QString MainWindow::summaryText(const FlowStore::Summary& s) const
{
    const QLocale locale = numberLocale();
    if (s.flows == 0)
        return tr("No flows imported");
    QString summary = tr("%1 flows · %2 · %3 packets · %4 (%5)")
                          .arg(locale.toString(qulonglong(s.flows)), TimelinePlot::formatBytes(double(s.bytes)),
                               locale.toString(qulonglong(s.packets)), utcRange(s.startMs, s.endMs),
                               durationText(s.endMs - s.startMs));
    if (s.exporters > 0)
        summary += s.exporters == 1 ? tr(" · 1 exporter") : tr(" · %1 exporters").arg(s.exporters);
    return summary;
}

void MainWindow::toggleLiveCapture(bool on)
{
    if (!on) {
        stopLiveCapture();
        return;
    }
    if (m_live->isActive())
        return;
    const QSignalBlocker block(m_liveAction);
    m_liveAction->setChecked(false); // checked once it runs
    const bool useOpenCase = !m_casePath.isEmpty() && !m_running;
    LiveCaptureDialog dialog(useOpenCase ? m_casePath : tr("a new case"), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    startLiveCapture(dialog.settings());
}

void MainWindow::startLiveCapture(const FlowCollector::Settings& requested)
{
    if (m_live->isActive())
        return;
    if (m_running) {
        showError(tr("Cannot start live capture"), tr("An import or analysis is running; stop it first."));
        return;
    }
    FlowCollector::Settings settings = requested;
    if (settings.casePath.empty() && !m_casePath.isEmpty())
        settings.casePath = QFile::encodeName(m_casePath).toStdString();
    if (settings.casePath.empty()) {
        const QString dir = QFileInfo(QString::fromStdString(FlowStore::defaultCasePath())).absolutePath();
        const QString name = QStringLiteral("live-%1").arg(QDateTime::currentDateTimeUtc().toString(
            QStringLiteral("yyyyMMdd-HHmmss")));
        const QString file = dir + QLatin1Char('/') + name + QString::fromLatin1(FlowStore::kFileExtension);
        settings.casePath = QFile::encodeName(file).toStdString();
    }
    const QString casePath = QFile::decodeName(QByteArray::fromStdString(settings.casePath));
    if (casePath != m_casePath) {
        // A new case: nothing of the previous one stays on screen.
        ++m_generation;
        m_casePath = casePath;
        m_inputs.clear();
        m_importNotes.clear();
        m_summaryHtml.clear();
        m_haveFindings = false;
        setFindings({});
        setCaseForViews({});
        m_plot->clear();
        m_summaryLabel->setText(tr("No flows yet"));
        showOverview();
    }
    setWindowTitle(tr("%1 (live)").arg(QFileInfo(m_casePath).fileName()));
    m_liveAction->setEnabled(false); // until it has started (or failed)
    m_liveLabel->setText(tr("Live capture: starting…"));
    m_liveLabel->setVisible(true);
    m_live->start(settings);
}

void MainWindow::stopLiveCapture()
{
    if (m_live->state() != LiveCaptureJob::State::Running) {
        if (!m_live->isActive()) {
            const QSignalBlocker block(m_liveAction);
            m_liveAction->setChecked(false);
        }
        return;
    }
    m_liveAction->setEnabled(false);
    m_liveLabel->setText(tr("Live capture: storing what arrived and indexing the case…"));
    m_live->stop();
}

void MainWindow::runDetectors()
{
    if (m_running || m_casePath.isEmpty())
        return;
    m_analysisOnly = true;
    m_haveFindings = false;
    m_cancelled = false;
    m_flowsAtAnalysis = m_liveFlows;
    m_sinceAnalysis.restart();
    setRunning(true);
    startJob(0);
}

void MainWindow::showLiveStats(const FlowCollector::Stats& s)
{
    if (m_live->state() != LiveCaptureJob::State::Running)
        return;
    const QLocale locale = numberLocale();
    m_liveFlows = s.flowsStored;
    QString text = tr("● Live on %1: %2 datagrams · %3 flows")
                       .arg(m_live->endpointsText(), locale.toString(qulonglong(s.datagrams)),
                            locale.toString(qulonglong(s.flowsStored)));
    if (s.heldSets)
        text += tr(" · %1 held").arg(locale.toString(qulonglong(s.heldSets)));
    if (s.malformed)
        text += tr(" · %1 malformed").arg(locale.toString(qulonglong(s.malformed)));
    if (s.rejected)
        text += tr(" · %1 rejected").arg(locale.toString(qulonglong(s.rejected)));
    if (const uint64_t lost = s.queueDrops + s.kernelDrops)
        text += tr(" · %1 lost").arg(locale.toString(qulonglong(lost)));
    m_liveLabel->setText(text);
    m_liveLabel->setToolTip(tr("Datagrams %1 (%2), flows decoded %3, stored %4, templates %5 (%6 restored), held sets "
                               "%7, never decoded %8, malformed %9, rejected %10, queue drops %11, kernel drops %12")
                                .arg(locale.toString(qulonglong(s.datagrams)), TimelinePlot::formatBytes(double(s.bytes)),
                                     locale.toString(qulonglong(s.flows)), locale.toString(qulonglong(s.flowsStored)),
                                     locale.toString(qulonglong(s.templates)),
                                     locale.toString(qulonglong(s.templatesRestored)),
                                     locale.toString(qulonglong(s.heldSets)), locale.toString(qulonglong(s.droppedSets)),
                                     locale.toString(qulonglong(s.malformed)))
                                .arg(locale.toString(qulonglong(s.rejected)), locale.toString(qulonglong(s.queueDrops)),
                                     locale.toString(qulonglong(s.kernelDrops))));
    // The detectors follow what arrives, on a schedule.
    if (s.flowsStored > m_flowsAtAnalysis && m_sinceAnalysis.isValid() && m_sinceAnalysis.elapsed() >= m_liveAnalysisMs
        && !m_running)
        runDetectors();
}

void MainWindow::applyLiveView(const FlowStore::Summary& summary, const TrafficTimeline& timeline)
{
    if (!m_live->isActive())
        return;
    m_summaryLabel->setText(summaryText(summary));
    m_plot->setTimeline(timeline);
    emit liveViewUpdated(summary.flows);
}

void MainWindow::setFindings(std::vector<Finding> findings)
{
    m_model->setFindings(std::move(findings));
    m_filterBar->setFindings(m_model->findings());
    m_plot->setFindings(m_model->findings());
    m_hosts->setFindings(m_model->findings());
    for (int i = FixedTabCount; i < m_tabs->count(); ++i)
        if (auto* host = qobject_cast<HostView*>(m_tabs->widget(i)))
            host->setFindings(m_model->findings());
    // Fit the columns to the new content once; users may resize afterwards.
    m_table->resizeColumnsToContents();
    const int caps[FindingsModel::ColumnCount] = {74, 60, 170, 120, 262, 110, 160, 120, 0};
    // The caps were chosen at a 17 px line; larger fonts (high DPI, accessibility) widen them alike.
    const double scale = std::max(1.0, m_table->fontMetrics().height() / 17.0);
    for (int c = 0; c < FindingsModel::SummaryColumn; ++c)
        m_table->setColumnWidth(c, std::min(m_table->columnWidth(c) + 10, int(caps[c] * scale)));
    updateFindingsCount();
    updateDetails();
}

void MainWindow::updateFindingsCount()
{
    int bySeverity[5] = {};
    for (const Finding& f : m_model->findings())
        ++bySeverity[std::clamp(int(f.severity), 0, 4)];
    const int total = m_model->rowCount();
    QString text = total == 1 ? tr("1 finding") : tr("%1 findings").arg(DisplayFormat::count(uint64_t(total)));
    QStringList parts;
    for (int s = 4; s >= 0; --s)
        if (bySeverity[s] > 0)
            parts << QStringLiteral("%1 %2").arg(bySeverity[s]).arg(FindingsModel::severityText(Severity(s)).toLower());
    if (!parts.isEmpty())
        text += QStringLiteral(": ") + parts.join(QStringLiteral(", "));
    if (m_proxy->rowCount() != total)
        text += tr(" — %1 shown").arg(DisplayFormat::count(uint64_t(m_proxy->rowCount())));
    m_countLabel->setText(text);
}

int MainWindow::selectedFinding() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return -1;
    return rows.first().data(FindingsModel::FindingIndexRole).toInt();
}

void MainWindow::selectFinding(int index)
{
    const QModelIndex source = m_model->index(index, 0);
    const QModelIndex proxy = m_proxy->mapFromSource(source);
    if (!proxy.isValid())
        return;
    m_table->selectRow(proxy.row());
    m_table->scrollTo(proxy);
}

void MainWindow::showOverview()
{
    if (!m_summaryHtml.isEmpty()) {
        m_details->showPage(m_summaryHtml);
        return;
    }
    if (m_live->isActive()) {
        m_details->showPage(QStringLiteral("<h2>") + tr("Live capture") + QStringLiteral("</h2><p>")
                           + tr("Flows from the exporters are stored in the case as they arrive; the timeline and the "
                                "counters in the status bar follow them.")
                           + QStringLiteral("</p><p>")
                           + tr("The detectors run every %1 s over what has arrived, or now with <b>Capture ▸ Run "
                                "Detectors</b> (Ctrl+R). Stopping the capture (or closing the window) stores "
                                "everything received first.")
                                 .arg(m_liveAnalysisMs / 1000)
                           + QStringLiteral("</p>"));
        return;
    }
    if (m_running || !m_casePath.isEmpty()) {
        m_details->showPage(QStringLiteral("<p>") + tr("Importing and analysing…") + QStringLiteral("</p>"));
        return;
    }
    m_details->showPage(QStringLiteral("<h2>") + tr("Welcome to Flowsift") + QStringLiteral("</h2><p>")
                       + tr("Open a NetFlow/IPFIX capture (pcap or pcapng), an nfdump file, a Zeek or Argus log, "
                            "flow JSON or CSV, or a saved case, with <b>File ▸ Open Capture…</b> (Ctrl+O), "
                            "or drop a file on this window.")
                       + QStringLiteral("</p><p>")
                       + tr("Flowsift imports the flows into a case file, looks for beacons, scans, "
                            "exfiltration and floods, and lists what it finds here, highest score first.")
                       + QStringLiteral("</p>"));
}

void MainWindow::updateDetails()
{
    const Finding* f = m_model->findingAt(selectedFinding());
    if (!f) {
        showOverview();
        return;
    }
    m_details->setFinding(f);
}

void MainWindow::showError(const QString& title, const QString& message)
{
    emit errorShown(message);
    // Non-modal: never blocks the event loop (or an offscreen test).
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setTextFormat(Qt::PlainText); // the message names files and quotes their content
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::chooseCapture()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Capture"), QString(),
        tr("Flow captures and cases (*.pcap *.pcapng *.cap *.json *.gz *.csv *.log *.binetflow nfcapd.* "
           "*.flowsift);;All files (*)"));
    if (!path.isEmpty())
        openCapture(path);
}

void MainWindow::chooseReportPath()
{
    if (m_casePath.isEmpty())
        return;
    const QString base = m_inputs.isEmpty() ? QStringLiteral("flowsift") : QFileInfo(m_inputs.first()).completeBaseName();
    const QString suggested = QDir::home().filePath(base + QStringLiteral("-report.json"));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export JSON Report"), suggested,
                                                      tr("JSON reports (*.json);;All files (*)"));
    if (!path.isEmpty())
        exportJsonReport(path);
}

void MainWindow::exportJsonReport(const QString& path)
{
#ifdef FLOWSIFT_HAVE_JSON_REPORT
    m_details->verdictEditor()->flush(); // the report reads the verdicts from the case
    const QString casePath = m_casePath;
    const std::vector<Finding> findings = m_model->findings();
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, path] {
        const QString error = watcher->result();
        watcher->deleteLater();
        m_stageLabel->setText(error.isEmpty() ? tr("Report written to %1").arg(QFileInfo(path).fileName()) : QString());
        if (!error.isEmpty())
            showError(tr("Export failed"), error);
        emit reportExported(path, error.isEmpty());
    });
    m_stageLabel->setText(tr("Writing report…"));
    watcher->setFuture(QtConcurrent::run([casePath, findings, path]() -> QString {
        std::string error;
        auto store = FlowStore::open(casePath.toStdString(), error, true);
        if (!store)
            return QString::fromStdString(error);
        if (!JsonReport::writeFile(*store, findings, QFile::encodeName(path).toStdString(), error))
            return QString::fromStdString(error.empty() ? std::string("could not write the report") : error);
        return {};
    }));
#else
    showError(tr("Export failed"), tr("This build has no JSON report writer."));
    emit reportExported(path, false);
#endif
}

void MainWindow::choosePdfReportPath()
{
    if (m_casePath.isEmpty())
        return;
    const QString base = m_inputs.isEmpty() ? QFileInfo(m_casePath).completeBaseName() : QFileInfo(m_inputs.first()).completeBaseName();
    const QString suggested = QDir::home().filePath(base + QStringLiteral("-report.pdf"));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export PDF Report"), suggested,
                                                      tr("PDF documents (*.pdf);;All files (*)"));
    if (!path.isEmpty())
        exportPdfReport(path);
}

void MainWindow::exportPdfReport(const QString& path)
{
    if (m_casePath.isEmpty()) {
        emit reportExported(path, false);
        return;
    }
    m_details->verdictEditor()->flush(); // the report reads the verdicts from the case
    PdfReport::Options options;
    options.analyst = m_details->verdictEditor()->analyst();
    const QString casePath = m_casePath;
    const std::vector<Finding> findings = m_model->findings();
    m_stageLabel->setText(tr("Writing PDF report…"));
    // Three steps: the case and the charts' flows are read off the UI thread; the
    // charts are recorded here (they draw through widgets); the pages are laid
    // out and written off the UI thread again.
    using Content = std::shared_ptr<PdfReport::Content>;
    auto* reading = new QFutureWatcher<Content>(this);
    connect(reading, &QFutureWatcher<Content>::finished, this, [this, reading, path] {
        Content content = reading->result();
        reading->deleteLater();
        if (!content || content->title.isEmpty()) {
            const QString error = content ? content->casePath : tr("cannot read the case");
            m_stageLabel->clear();
            showError(tr("Export failed"), error);
            emit reportExported(path, false);
            return;
        }
        PdfReport::renderCharts(*content);
        auto* writing = new QFutureWatcher<QString>(this);
        connect(writing, &QFutureWatcher<QString>::finished, this, [this, writing, path] {
            const QString error = writing->result();
            writing->deleteLater();
            m_stageLabel->setText(error.isEmpty() ? tr("Report written to %1").arg(QFileInfo(path).fileName()) : QString());
            if (!error.isEmpty())
                showError(tr("Export failed"), error);
            emit reportExported(path, error.isEmpty());
        });
        writing->setFuture(QtConcurrent::run([content, path]() -> QString {
            QString error;
            return PdfReport::write(*content, path, error) ? QString() : error;
        }));
    });
    reading->setFuture(QtConcurrent::run([casePath, findings, options]() -> Content {
        std::string error;
        auto store = FlowStore::open(QFile::encodeName(casePath).toStdString(), error, true);
        if (!store) {
            // No title marks the failure; casePath carries the reason.
            auto failed = std::make_shared<PdfReport::Content>();
            failed->casePath = QString::fromStdString(error);
            return failed;
        }
        return std::make_shared<PdfReport::Content>(PdfReport::collect(*store, options, findings));
    }));
}

QTableView* MainWindow::currentTable() const
{
    QWidget* page = m_tabs->currentWidget();
    if (!page)
        return nullptr;
    if (m_tabs->currentIndex() == FindingsTab)
        return m_table;
    // The flows table, a drill-down's tables: the one with focus, else the first.
    if (auto* focused = qobject_cast<QTableView*>(QApplication::focusWidget()); focused && page->isAncestorOf(focused))
        return focused;
    return page->findChild<QTableView*>();
}

void MainWindow::chooseCsvPath()
{
    QTableView* table = currentTable();
    if (!table || !table->model()) {
        showError(tr("Export Table as CSV"), tr("This tab has no table to export."));
        return;
    }
    const QString base = m_tabs->tabText(m_tabs->currentIndex()).remove(QLatin1Char('&')).toLower().replace(QLatin1Char(' '), QLatin1Char('-'));
    const QString suggested = QDir::home().filePath(QStringLiteral("flowsift-%1.csv").arg(base));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Table as CSV"), suggested,
                                                      tr("CSV files (*.csv);;All files (*)"));
    if (!path.isEmpty())
        exportTableCsv(path);
}

void MainWindow::exportTableCsv(const QString& path)
{
    QTableView* table = currentTable();
    QString error;
    // A flows table holds only the pages in view: its whole selection is
    // streamed from the case, in its order, off the UI thread.
    if (auto* flows = table ? qobject_cast<FlowsTableModel*>(table->model()) : nullptr) {
        const FlowsTableModel::Export selection = flows->currentExport();
        auto* watcher = new QFutureWatcher<QString>(this);
        connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, path] {
            const QString failure = watcher->result();
            watcher->deleteLater();
            m_stageLabel->setText(failure.isEmpty() ? tr("Table written to %1").arg(QFileInfo(path).fileName()) : QString());
            if (!failure.isEmpty())
                showError(tr("Export failed"), failure);
            emit tableExported(path, failure.isEmpty());
        });
        m_stageLabel->setText(tr("Writing %1 flows…").arg(numberLocale().toString(qulonglong(flows->totalRows()))));
        watcher->setFuture(QtConcurrent::run([selection, path]() -> QString {
            QString failure;
            return FlowsTableModel::writeCsv(selection, path, failure) ? QString() : failure;
        }));
        return;
    }
    // The rows as the view shows them (filtered, sorted).
    const bool ok = table && table->model() ? CsvWriter::writeModel(*table->model(), path, error)
                                            : (error = tr("This tab has no table to export."), false);
    m_stageLabel->setText(ok ? tr("Table written to %1").arg(QFileInfo(path).fileName()) : QString());
    if (!ok)
        showError(tr("Export failed"), error);
    emit tableExported(path, ok);
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Flowsift"),
                       tr("<h3>Flowsift %1</h3><p>An investigation workbench for NetFlow v5/v9 and IPFIX data: "
                          "import captures into a case, find beacons, scans, exfiltration and floods, and "
                          "export the findings.</p><p>Built with Qt %2 and QCustomPlot.</p>")
                           .arg(QApplication::applicationVersion().toHtmlEscaped(), QString::fromLatin1(qVersion())));
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::ShortcutOverride && qobject_cast<QLineEdit*>(watched)
        && isAncestorOf(static_cast<QWidget*>(watched))) {
        const QKeySequence pressed(static_cast<QKeyEvent*>(event)->keyCombination());
        for (const QAction* action : {m_exportAction, m_pdfAction, m_csvAction}) {
            if (action && action->isEnabled() && action->shortcut() == pressed) {
                event->ignore(); // not overridden: the window's shortcut fires
                return true;
            }
        }
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_live->isActive()) {
        // Closing the window stores what arrived first; it closes once that is done.
        m_closeAfterLive = true;
        stopLiveCapture();
        event->ignore();
        return;
    }
    m_pendingInputs.clear();
    if (m_job->isRunning())
        m_job->cancel();
    saveLayout();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    if (!paths.isEmpty()) {
        event->acceptProposedAction();
        openCaptures(paths);
    }
}

// --- desktop conventions ---

void MainWindow::createViewMenu()
{
    QAction* captureMenu = menuBar()->actions().value(1); // File, Capture, Help: Edit and View go before Capture

    auto* edit = new QMenu(tr("&Edit"), this);
    QAction* find = edit->addAction(tr("&Find…"), this, &MainWindow::focusCurrentFilter);
    find->setShortcut(QKeySequence::Find);
    find->setStatusTip(tr("Go to the filter of the view shown"));
    edit->addSeparator();
    m_preferencesAction = edit->addAction(tr("&Preferences…"), this, &MainWindow::showPreferences);
    m_preferencesAction->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Comma), QKeySequence::Preferences});
    m_preferencesAction->setMenuRole(QAction::PreferencesRole);
    m_preferencesAction->setStatusTip(tr("Internal networks, allowlist, indicators, detector thresholds, time zone"));
    menuBar()->insertMenu(captureMenu, edit);

    auto* view = new QMenu(tr("&View"), this);
    const QString names[] = {tr("&Overview"), tr("F&indings"), tr("F&lows")};
    for (int i = 0; i < FixedTabCount; ++i) {
        QAction* tab = view->addAction(names[i], this, [this, i] { m_tabs->setCurrentIndex(i); });
        tab->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
    }
    QAction* next = view->addAction(tr("&Next Tab"), this,
                                    [this] { m_tabs->setCurrentIndex((m_tabs->currentIndex() + 1) % m_tabs->count()); });
    next->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Tab), QKeySequence(Qt::CTRL | Qt::Key_PageDown)});
    QAction* previous = view->addAction(tr("&Previous Tab"), this, [this] {
        m_tabs->setCurrentIndex((m_tabs->currentIndex() + m_tabs->count() - 1) % m_tabs->count());
    });
    previous->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Backtab), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Tab),
                            QKeySequence(Qt::CTRL | Qt::Key_PageUp)});
    view->addSeparator();
    if (auto* dock = findChild<QDockWidget*>(QStringLiteral("hostsDock"))) {
        QAction* hosts = dock->toggleViewAction();
        hosts->setText(tr("&Hosts Panel"));
        hosts->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_H));
        view->addAction(hosts);
    }
    view->addSeparator();
    QAction* selectMode = view->addAction(tr("&Select Time Range by Dragging"));
    selectMode->setCheckable(true);
    selectMode->setStatusTip(tr("Dragging on the timeline selects a range (Shift+drag always does)"));
    connect(selectMode, &QAction::toggled, m_plot, &TimelinePlot::setSelectionMode);
    QAction* clearRange = view->addAction(tr("&Clear Time Selection"), this, [this] { setTimeRange(0, 0); });
    clearRange->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    clearRange->setStatusTip(tr("Show the whole capture in every view (Esc on the timeline)"));
    QAction* resetZoom = view->addAction(tr("&Reset Timeline Zoom"), m_plot, &TimelinePlot::resetZoom);
    resetZoom->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    QAction* showInfo = view->addAction(tr("Show &Info Findings on Timeline"));
    showInfo->setCheckable(true);
    connect(showInfo, &QAction::toggled, m_plot, &TimelinePlot::setShowAllSeverities);
    view->addSeparator();
    m_localTimeAction = view->addAction(tr("&Local Time"));
    m_localTimeAction->setCheckable(true);
    m_localTimeAction->setStatusTip(tr("Show times in this computer's time zone instead of UTC"));
    connect(m_localTimeAction, &QAction::toggled, this, &MainWindow::setLocalTime);
    QAction* fullScreen = view->addAction(tr("&Full Screen"));
    fullScreen->setCheckable(true);
    fullScreen->setShortcuts({QKeySequence::FullScreen, QKeySequence(Qt::Key_F11)});
    connect(fullScreen, &QAction::toggled, this, [this](bool on) {
        setWindowState(on ? windowState() | Qt::WindowFullScreen : windowState() & ~Qt::WindowFullScreen);
    });
    menuBar()->insertMenu(captureMenu, view);
    if (QSettings().value(QStringLiteral("view/localTime"), false).toBool())
        m_localTimeAction->setChecked(true);
}

QStringList MainWindow::recentFiles() const
{
    return QSettings().value(QStringLiteral("recentFiles")).toStringList();
}

void MainWindow::clearRecentFiles()
{
    QSettings().remove(QStringLiteral("recentFiles"));
    rebuildRecentMenu();
}

void MainWindow::addRecentFile(const QString& path)
{
    QStringList files = recentFiles();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kMaxRecentFiles)
        files.removeLast();
    QSettings().setValue(QStringLiteral("recentFiles"), files);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList files = recentFiles();
    for (int i = 0; i < files.size(); ++i) {
        const QString& path = files[i];
        // "&1 name": Alt+digit picks it; the full path is the tooltip and status tip.
        QString name = QFileInfo(path).fileName();
        name.replace(QLatin1Char('&'), QStringLiteral("&&"));
        QAction* a = m_recentMenu->addAction(i < 9 ? QStringLiteral("&%1  %2").arg(i + 1).arg(name) : name);
        a->setToolTip(QDir::toNativeSeparators(path));
        a->setStatusTip(QDir::toNativeSeparators(path));
        a->setData(path);
        connect(a, &QAction::triggered, this, [this, path] {
            if (!QFileInfo(path).isFile()) {
                QStringList left = recentFiles();
                left.removeAll(path);
                QSettings().setValue(QStringLiteral("recentFiles"), left);
            }
            openCapture(path); // reports a missing file
        });
    }
    if (files.isEmpty())
        m_recentMenu->addAction(tr("No recent files"))->setEnabled(false);
    m_recentMenu->addSeparator();
    QAction* clear = m_recentMenu->addAction(tr("&Clear Menu"), this, &MainWindow::clearRecentFiles);
    clear->setEnabled(!files.isEmpty());
}

void MainWindow::focusCurrentFilter()
{
    QWidget* page = m_tabs->currentWidget();
    // On the flows tab or a drill-down, the flow filter bar.
    if (auto* flows = qobject_cast<FlowsView*>(page))
        return flows->focusFilter();
    if (auto* host = qobject_cast<HostView*>(page))
        return host->flowsView()->focusFilter();
    if (m_tabs->currentIndex() != FindingsTab && page) {
        // The view's own filter or search box: the first line edit it shows.
        for (QLineEdit* edit : page->findChildren<QLineEdit*>()) {
            if (edit->isVisibleTo(page) && !edit->isReadOnly() && !qobject_cast<QAbstractSpinBox*>(edit->parentWidget())
                && !qobject_cast<QComboBox*>(edit->parentWidget())) {
                edit->setFocus(Qt::ShortcutFocusReason);
                edit->selectAll();
                return;
            }
        }
    }
    m_tabs->setCurrentIndex(FindingsTab);
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

void MainWindow::closeCurrentHostTab()
{
    if (auto* host = qobject_cast<HostView*>(m_tabs->currentWidget())) {
        saveSplitters(host);
        m_tabs->removeTab(m_tabs->currentIndex());
        host->deleteLater();
    }
}

void MainWindow::saveSplitters(QWidget* root) const
{
    QSettings settings;
    for (QSplitter* split : root->findChildren<QSplitter*>())
        if (!split->objectName().isEmpty())
            settings.setValue(QStringLiteral("splitters/") + split->objectName(), split->saveState());
}

void MainWindow::restoreSplitters(QWidget* root) const
{
    QSettings settings;
    for (QSplitter* split : root->findChildren<QSplitter*>()) {
        if (split->objectName().isEmpty())
            continue;
        const QByteArray state = settings.value(QStringLiteral("splitters/") + split->objectName()).toByteArray();
        if (!state.isEmpty())
            split->restoreState(state);
    }
}

void MainWindow::saveLayout() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("view/showInfoFindings"), m_plot->showsAllSeverities());
    saveSplitters(const_cast<MainWindow*>(this));
}

void MainWindow::restoreLayout()
{
    QSettings settings;
    const QByteArray geometry = settings.value(QStringLiteral("window/geometry")).toByteArray();
    if (geometry.isEmpty() || !restoreGeometry(geometry)) {
        // First start: a size in font units, so large fonts and high DPI get room too.
        const int line = fontMetrics().height();
        resize(std::max(1280, 80 * line), std::max(800, 50 * line));
    }
    const QByteArray state = settings.value(QStringLiteral("window/state")).toByteArray();
    if (state.isEmpty() || !restoreState(state)) {
        // First start: the hosts list wide enough for an IPv6 address and its score.
        if (auto* dock = findChild<QDockWidget*>(QStringLiteral("hostsDock")))
            resizeDocks({dock}, {18 * fontMetrics().horizontalAdvance(QLatin1Char('M'))}, Qt::Horizontal);
    }
    m_plot->setShowAllSeverities(settings.value(QStringLiteral("view/showInfoFindings"), false).toBool());
    restoreSplitters(this);
}

void MainWindow::setDetectionSettings(const DetectionSettings& settings, bool rerun)
{
    m_detection = settings;
    QString error;
    if (!SettingsDialog::save(m_detection, error))
        showError(tr("Preferences not saved"), error);
    if (rerun && !m_casePath.isEmpty()) {
        if (m_running)
            m_stageLabel->setText(tr("The new settings apply from the next run"));
        else
            runDetectors();
    }
}

void MainWindow::showPreferences()
{
    auto* dialog = new SettingsDialog(m_detection, DisplayFormat::localTime(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (dialog->localTime() != DisplayFormat::localTime())
            m_localTimeAction->setChecked(dialog->localTime()); // calls setLocalTime
        // Re-run only when detection changed: the configuration as a whole compares.
        if (DetectionConfig::toJson(dialog->settings()) != DetectionConfig::toJson(m_detection))
            setDetectionSettings(dialog->settings(), true);
    });
    dialog->open();
    emit preferencesOpened(dialog);
}

void MainWindow::setLocalTime(bool local)
{
    if (m_localTimeAction->isChecked() != local) {
        m_localTimeAction->setChecked(local); // comes back here
        return;
    }
    QSettings().setValue(QStringLiteral("view/localTime"), local);
    if (DisplayFormat::localTime() == local)
        return;
    DisplayFormat::setLocalTime(local);
    m_plot->updateTimeZone();
    m_overview->refresh();
    // Models format times when asked: repainting the views shows them in the new zone.
    emit m_model->headerDataChanged(Qt::Horizontal, 0, m_model->columnCount() - 1);
    for (QAbstractItemView* v : findChildren<QAbstractItemView*>())
        v->viewport()->update();
    updateDetails();
    updateSelectionStatus();
    if (!m_casePath.isEmpty() && !m_running && !m_live->isActive())
        loadCaseView(); // the summary's times
}

void MainWindow::setTimeRange(int64_t startMs, int64_t endMs)
{
    if (startMs == m_rangeStartMs && endMs == m_rangeEndMs)
        return;
    m_rangeStartMs = startMs;
    m_rangeEndMs = endMs;
    m_plot->setSelection(startMs, endMs); // no-op when it came from the plot
    m_proxy->setTimeRange(startMs, endMs);
    m_overview->setTimeRange(startMs, endMs);
    m_flows->setTimeRange(startMs, endMs);
    for (int i = FixedTabCount; i < m_tabs->count(); ++i)
        if (auto* host = qobject_cast<HostView*>(m_tabs->widget(i)))
            host->setTimeRange(startMs, endMs);
    updateSelectionStatus();
    emit timeRangeChanged(startMs, endMs);
}

void MainWindow::updateSelectionStatus()
{
    const quint64 generation = ++m_rangeGeneration;
    if (m_rangeStartMs == 0 && m_rangeEndMs == 0) {
        m_selectionLabel->clear();
        m_selectionLabel->setVisible(false);
        return;
    }
    const QString range = tr("Selection %1 (%2)").arg(DisplayFormat::utcRange(m_rangeStartMs, m_rangeEndMs),
                                                      DisplayFormat::duration(m_rangeEndMs - m_rangeStartMs));
    const int findings = m_proxy->rowCount();
    const QString findingsText = findings == 1 ? tr("1 finding") : tr("%1 findings").arg(findings);
    m_selectionLabel->setText(range + QStringLiteral(" · ") + findingsText);
    m_selectionLabel->setVisible(true);
    if (m_casePath.isEmpty())
        return;
    // Counting the range's flows is a query over the time index: on the pool.
    const QString casePath = m_casePath;
    const int64_t start = m_rangeStartMs;
    const int64_t end = m_rangeEndMs;
    auto* watcher = new QFutureWatcher<qint64>(this);
    connect(watcher, &QFutureWatcher<qint64>::finished, this, [this, watcher, generation, range, findingsText] {
        const qint64 flows = watcher->result();
        watcher->deleteLater();
        if (generation != m_rangeGeneration || flows < 0)
            return;
        m_selectionLabel->setText(range + QStringLiteral(" · ") + tr("%1 flows").arg(DisplayFormat::count(uint64_t(flows)))
                                  + QStringLiteral(" · ") + findingsText);
    });
    watcher->setFuture(QtConcurrent::run([casePath, start, end]() -> qint64 {
        std::string error;
        auto store = FlowStore::open(QFile::encodeName(casePath).toStdString(), error, true);
        if (!store)
            return -1;
        return qint64(store->countFlowsMatching(FlowStore::FlowSelection{nullptr, start, end}));
    }));
}

void MainWindow::changeEvent(QEvent* event)
{
    QMainWindow::changeEvent(event);
    // The detail pane's CSS follows the palette (light or dark): render it again.
    if (event->type() == QEvent::PaletteChange && m_details)
        updateDetails();
}
