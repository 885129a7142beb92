#pragma once

#include "store/FlowStore.h"

#include <QStringList>
#include <QWidget>

#include <cstdint>
#include <vector>

class QComboBox;
class QFormLayout;
class QLabel;
class QSplitter;
class QStandardItemModel;
class QTableView;
class TimelinePlot;
template <typename T>
class QFutureWatcher;

// What the case holds at a glance: capture summary, the traffic timeline with
// the findings marked on it, top talkers and top ports. The rankings are read
// in SQL on the thread pool, for the whole case or the selected time range.
class OverviewPage final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OverviewPage)
public:
    explicit OverviewPage(QWidget* parent = nullptr);
    ~OverviewPage() override;

    static constexpr size_t kTopRows = 25;
    enum TalkerColumn { TalkerHost, TalkerBytes, TalkerFlows, TalkerPackets, TalkerColumnCount };
    enum PortColumn { PortPort, PortService, PortBytes, PortFlows, PortPackets, PortColumnCount };
    // Raw value of a cell (bytes, counts, address text), for sorting and tests.
    static constexpr int RawValueRole = Qt::UserRole + 1;

    TimelinePlot* timelinePlot() const { return m_plot; }
    QTableView* talkersView() const { return m_talkersView; }
    QTableView* portsView() const { return m_portsView; }
    QStandardItemModel* talkersModel() const { return m_talkers; }
    QStandardItemModel* portsModel() const { return m_ports; }
    QComboBox* portOrderCombo() const { return m_portOrder; }
    QSplitter* splitter() const { return m_split; }

    // The case the rankings are read from; empty clears them.
    void setCasePath(const QString& casePath);
    // The capture summary: case totals, the imported files and their notes.
    void setSummary(const QString& casePath, const FlowStore::Summary& summary,
                    const std::vector<FlowStore::ImportRecord>& imports, const QStringList& notes);
    void clearSummary(const QString& message);
    // Kept for callers that only have rich text (live capture): shown under the totals.
    void setSummaryHtml(const QString& html);
    // Rankings of flows overlapping [startMs, endMs); 0, 0: the whole case.
    void setTimeRange(int64_t startMs, int64_t endMs);
    // Reads the rankings again (the case grew, times are shown in another zone).
    void refresh();
    bool isLoading() const;

signals:
    // A talker was double-clicked (or Enter): open its drill-down.
    void hostActivated(const QString& address);
    // The rankings of the current case and range are shown.
    void rankingsReady();

private:
    struct Rankings;
    void loadRankings();
    void applyRankings(const Rankings& r);
    QTableView* makeTable(QStandardItemModel* model);
    void updateRangeTitles();

    TimelinePlot* m_plot = nullptr;
    QSplitter* m_split = nullptr;
    QWidget* m_summaryBox = nullptr;
    QFormLayout* m_form = nullptr;
    QLabel* m_summaryMessage = nullptr;
    QLabel* m_talkersTitle = nullptr;
    QLabel* m_portsTitle = nullptr;
    QStandardItemModel* m_talkers = nullptr;
    QStandardItemModel* m_ports = nullptr;
    QTableView* m_talkersView = nullptr;
    QTableView* m_portsView = nullptr;
    QComboBox* m_portOrder = nullptr;
    QFutureWatcher<Rankings>* m_watcher = nullptr;
    QString m_casePath;
    int64_t m_startMs = 0;
    int64_t m_endMs = 0;
    quint64 m_generation = 0;
    bool m_reloadPending = false;
};
