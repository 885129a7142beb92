#pragma once

#include "model/Finding.h"

#include <QMainWindow>
#include <QStringList>

#include <cstdint>
#include <vector>

class AnalysisJob;
class FindingsModel;
class QCloseEvent;
class QDragEnterEvent;
class QDropEvent;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QTextBrowser;
class TimelinePlot;
template <typename T>
class QFutureWatcher;

// The investigation window: timeline on top, findings table and the selected
// finding's details below. Imports and analysis run in AnalysisJob; reading
// the case back (summary, timeline) runs on the thread pool, so the window
// stays responsive however large the capture.
class MainWindow final : public QMainWindow {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    FindingsModel* findingsModel() const { return m_model; }
    TimelinePlot* timelinePlot() const { return m_plot; }
    QTableView* findingsView() const { return m_table; }
    QTextBrowser* detailsView() const { return m_details; }
    QString casePath() const { return m_casePath; }
    bool isBusy() const;

public slots:
    // Starts a fresh case for the file and analyses it.
    void openCapture(const QString& path);
    void openCaptures(const QStringList& paths);
    void exportJsonReport(const QString& path);

signals:
    // The run ended (or was stopped) and the window shows its results.
    void analysisFinished();
    // Emitted with every error shown to the user; tests watch this.
    void errorShown(const QString& message);
    void reportExported(const QString& path, bool ok);

protected:
    void closeEvent(QCloseEvent* event) override;
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
    void showAbout();
    int selectedFinding() const;
    void selectFinding(int index);
    static QString casePathFor(const QStringList& inputs);

    AnalysisJob* m_job = nullptr;
    FindingsModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    TimelinePlot* m_plot = nullptr;
    QTableView* m_table = nullptr;
    QLineEdit* m_filter = nullptr;
    QLabel* m_countLabel = nullptr;
    QTextBrowser* m_details = nullptr;
    QLabel* m_summaryLabel = nullptr;
    QLabel* m_stageLabel = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_stopButton = nullptr;
    QAction* m_exportAction = nullptr;
    QFutureWatcher<CaseView>* m_viewWatcher = nullptr;

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
