#pragma once

#include "analysis/DetectionSettings.h"
#include "collect/FlowCollector.h"
#include "model/Finding.h"
#include "store/FlowStore.h"

#include <QElapsedTimer>

#include <QMainWindow>
#include <QStringList>

#include <cstdint>
#include <vector>

class AnalysisJob;
class FindingDetailsView;
class FindingsFilterBar;
class FindingsFilterProxy;
class FindingsModel;
class FlowsView;
class HostListPanel;
class HostView;
class OverviewPage;
class LiveCaptureJob;
class TrafficTimeline;
class QCloseEvent;
class QDragEnterEvent;
class QDropEvent;
class QLabel;
class QLineEdit;
class QMenu;
class QSplitter;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QTableView;
class QTextBrowser;
class TimelinePlot;
template <typename T>
class QFutureWatcher;

// The investigation window: a hosts list on the left and, as tabs, the
// overview (summary, timeline), the findings with the selected one's details,
// the flows table and one drill-down per opened host. Imports and analysis run in AnalysisJob; reading
// the case back (summary, timeline) runs on the thread pool, so the window
// stays responsive however large the capture.
class MainWindow final : public QMainWindow {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    FindingsModel* findingsModel() const { return m_model; }
    FindingsFilterProxy* findingsProxy() const { return m_proxy; }
    FindingsFilterBar* findingsFilterBar() const { return m_filterBar; }
    TimelinePlot* timelinePlot() const { return m_plot; }
    QTableView* findingsView() const { return m_table; }
    QTextBrowser* detailsView() const;
    FindingDetailsView* findingDetails() const { return m_details; }
    OverviewPage* overviewPage() const { return m_overview; }
    FlowsView* flowsView() const { return m_flows; }
    HostListPanel* hostList() const { return m_hosts; }
    QTabWidget* tabs() const { return m_tabs; }
    // The open drill-down of this host, or nullptr.
    HostView* hostView(const QString& address) const;
    enum Tab { OverviewTab, FindingsTab, FlowsTab, FixedTabCount };
    QString casePath() const { return m_casePath; }
    bool isBusy() const;
    LiveCaptureJob* liveCapture() const { return m_live; }
    QLabel* liveStatusLabel() const { return m_liveLabel; }
    QAction* liveCaptureAction() const { return m_liveAction; }
    // While collecting, the detectors re-run this often over what arrived (default 60 s).
    void setLiveAnalysisInterval(int ms) { m_liveAnalysisMs = ms; }

    // --- desktop conventions: recent files, layout, preferences, time range ---
    static constexpr int kMaxRecentFiles = 10;
    QStringList recentFiles() const;
    void clearRecentFiles();
    QMenu* recentFilesMenu() const { return m_recentMenu; }
    // Window geometry, toolbar and dock state, every named splitter (QSettings).
    void saveLayout() const;
    void restoreLayout();
    // The detection settings every run uses (Edit ▸ Preferences, saved in
    // SettingsDialog::configFilePath()). rerun: run the detectors on the open case.
    const DetectionSettings& detectionSettings() const { return m_detection; }
    void setDetectionSettings(const DetectionSettings& settings, bool rerun);
    // Times in UTC (default) or local time, in every view.
    void setLocalTime(bool local);
    // The timeline's selection, applied to every view; 0, 0: the whole case.
    void setTimeRange(int64_t startMs, int64_t endMs);
    int64_t timeRangeStartMs() const { return m_rangeStartMs; }
    int64_t timeRangeEndMs() const { return m_rangeEndMs; }
    QLabel* selectionLabel() const { return m_selectionLabel; }
    QAction* preferencesAction() const { return m_preferencesAction; }

public slots:
    // Starts a fresh case for the file and analyses it.
    void openCapture(const QString& path);
    void openCaptures(const QStringList& paths);
    void exportJsonReport(const QString& path);
    // The PDF incident report of the open case (written off the UI thread; reportExported when done).
    void exportPdfReport(const QString& path);
    // The current tab's table as shown (filtered, sorted) as CSV; tableExported when done.
    void exportTableCsv(const QString& path);
    // Collects from exporters into the open case (a new one when none is
    // open, or settings.casePath when given). Results come as signals.
    void startLiveCapture(const FlowCollector::Settings& settings);
    // Stores everything received, then shows the whole case and runs the detectors.
    void stopLiveCapture();
    // Runs the detectors over the case as it is (also while collecting).
    void runDetectors();
    // Opens (or shows) the drill-down tab of a host of the open case.
    void openHost(const QString& address);
    // Selects a finding (index into findingsModel()->findings()) in the table.
    void selectFinding(int index);
    // Edit ▸ Preferences (non-modal, so an offscreen test can drive it).
    void showPreferences();

signals:
    void liveCaptureStarted(quint16 port);
    void liveCaptureStopped();
    // A live view of the case was drawn (flows stored so far).
    void liveViewUpdated(quint64 flows);
    // The run ended (or was stopped) and the window shows its results.
    void analysisFinished();
    // Emitted with every error shown to the user; tests watch this.
    void errorShown(const QString& message);
    void reportExported(const QString& path, bool ok);
    // The time range every view is narrowed to changed (0, 0: the whole case).
    void timeRangeChanged(qint64 startMs, qint64 endMs);
    // The Preferences dialog opened (tests and the screenshot tour drive it).
    void preferencesOpened(QDialog* dialog);
    void tableExported(const QString& path, bool ok);

protected:
    // Lets the window's export shortcuts win over a line edit's own bindings
    // (on X11 a QLineEdit takes Ctrl+E for "end of line").
    bool eventFilter(QObject* watched, QEvent* event) override;
    void closeEvent(QCloseEvent* event) override;
    void changeEvent(QEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    struct CaseView; // summary, timeline and stored findings read off-thread

    void createActions();
    void createCentralWidget();
    void createStatusBar();
    void startPending();
    void startJob(int attempt);
    void setRunning(bool running);
    void endRun();
    void loadCaseView();
    void applyCaseView(const CaseView& view);
    void setFindings(std::vector<Finding> findings);
    void showError(const QString& title, const QString& message);
    void updateDetails();
    void updateFindingsCount();
    void showOverview();
    void chooseCapture();
    void chooseReportPath();
    void choosePdfReportPath();
    void chooseCsvPath();
    QTableView* currentTable() const; // the table Export Table as CSV writes
    void showAbout();
    void toggleLiveCapture(bool on);
    void showLiveStats(const FlowCollector::Stats& stats);
    void applyLiveView(const FlowStore::Summary& summary, const TrafficTimeline& timeline);
    QString summaryText(const FlowStore::Summary& s) const;
    int selectedFinding() const;
    void createViewMenu();
    void addRecentFile(const QString& path);
    void rebuildRecentMenu();
    void focusCurrentFilter();
    void closeCurrentHostTab();
    void updateSelectionStatus();
    void restoreSplitters(QWidget* root) const;
    void saveSplitters(QWidget* root) const;
    static QString casePathFor(const QStringList& inputs);
    // Points the case views (details, flows, hosts) at a case; closes drill-downs.
    void setCaseForViews(const QString& casePath);

    AnalysisJob* m_job = nullptr;
    FindingsModel* m_model = nullptr;
    FindingsFilterProxy* m_proxy = nullptr;
    TimelinePlot* m_plot = nullptr;
    QTableView* m_table = nullptr;
    QLineEdit* m_filter = nullptr;
    FindingsFilterBar* m_filterBar = nullptr;
    QLabel* m_countLabel = nullptr;
    FindingDetailsView* m_details = nullptr;
    OverviewPage* m_overview = nullptr;
    FlowsView* m_flows = nullptr;
    HostListPanel* m_hosts = nullptr;
    QTabWidget* m_tabs = nullptr;
    QString m_viewsCase; // the case the views were last pointed at
    QLabel* m_summaryLabel = nullptr;
    QLabel* m_stageLabel = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_stopButton = nullptr;
    QAction* m_exportAction = nullptr;
    QAction* m_pdfAction = nullptr;
    QAction* m_csvAction = nullptr;
    QFutureWatcher<CaseView>* m_viewWatcher = nullptr;
    LiveCaptureJob* m_live = nullptr;
    QAction* m_liveAction = nullptr;
    QAction* m_detectAction = nullptr;
    QLabel* m_liveLabel = nullptr;
    QLabel* m_selectionLabel = nullptr;
    QLabel* m_flowsLabel = nullptr;
    QMenu* m_recentMenu = nullptr;
    QAction* m_preferencesAction = nullptr;
    QAction* m_localTimeAction = nullptr;
    DetectionSettings m_detection;
    int64_t m_rangeStartMs = 0;
    int64_t m_rangeEndMs = 0;
    quint64 m_rangeGeneration = 0; // discards selection counts of an older range
    QElapsedTimer m_sinceAnalysis;   // while collecting: time since the detectors last ran
    quint64 m_flowsAtAnalysis = 0;   // flows stored when they last ran
    quint64 m_liveFlows = 0;         // flows stored so far by the running capture
    int m_liveAnalysisMs = 60000;
    bool m_closeAfterLive = false;   // the window closes once the capture is stored
    bool m_analysisOnly = false;     // the job re-runs the detectors, imports nothing

    QString m_casePath;
    QStringList m_inputs;
    QStringList m_pendingInputs; // opened while a job ran; started once it stops
    QStringList m_importNotes;
    QString m_summaryHtml;
    quint64 m_generation = 0; // discards case reads that finish after a newer open
    bool m_running = false;
    bool m_runEnded = true;
    bool m_cancelled = false;
    bool m_haveFindings = false; // findingsReady arrived for the current run
};
