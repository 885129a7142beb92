#pragma once

#include <QModelIndexList>
#include <QWidget>

#include <cstdint>

class FlowsTableModel;
class QLabel;
class QLineEdit;
class QMenu;
class QStringListModel;
class QTableView;
class QToolButton;

// Every flow of the current selection: a virtual table over the case (smooth
// with millions of rows), sortable, under a filter bar that takes nfdump-style
// expressions (core/query/FlowFilter). The model reads the case off the UI
// thread; this widget only checks the expression and shows the outcome.
class FlowsView final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FlowsView)
public:
    explicit FlowsView(QWidget* parent = nullptr);

    // The case to read; an empty path clears the view.
    void setCasePath(const QString& casePath);
    // A filter that always applies under the user's (a host drill-down: "host 10.0.0.5").
    void setBaseFilter(const QString& expression);
    // Narrows to flows overlapping [startMs, endMs); 0, 0 shows all.
    void setTimeRange(int64_t startMs, int64_t endMs);
    // Puts text in the filter bar and applies it.
    void setFilterText(const QString& expression);

    FlowsTableModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QLineEdit* filterEdit() const { return m_filter; }
    QLabel* errorLabel() const { return m_error; }
    QLabel* countLabel() const { return m_count; }
    // The user's filter in effect (the last valid one applied).
    QString appliedFilter() const { return m_applied; }
    // Where the last expression applied was wrong (byte offset), -1 when it was valid.
    int errorPosition() const { return m_errorPosition; }
    // The filter the table shows: base and user's filters combined.
    QString effectiveFilter() const;

public slots:
    // Applies the filter bar's text (Enter does).
    void applyFilter();
    // Focuses the filter bar with its text selected (the window's Ctrl+F).
    void focusFilter();

signals:
    // A host was double-clicked: open its drill-down.
    void hostActivated(const QString& address);
    // Flows matching the base filter, the user's filter and the time range.
    void flowCountChanged(quint64 flows);

private:
    void showContextMenu(const QPoint& pos);
    void copyRows(const QModelIndexList& rows);
    void showError(const QString& expression, int position, const QString& message);
    void clearError();
    void updateCount();
    void fitColumns();

    FlowsTableModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    QLineEdit* m_filter = nullptr;
    QToolButton* m_applyButton = nullptr;
    QLabel* m_error = nullptr;
    QLabel* m_count = nullptr;
    QStringListModel* m_history = nullptr;
    QString m_casePath;
    QString m_base;
    QString m_applied;
    int64_t m_startMs = 0;
    int64_t m_endMs = 0;
    int m_errorPosition = -1;
};
