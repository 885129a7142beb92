#pragma once

#include <QWidget>

#include <cstdint>

// Every flow of the current selection: a virtual table over the case (smooth
// with millions of rows), sortable, under a filter bar that takes nfdump-style
// expressions (core/query/FlowFilter).
// (Skeleton: the table is being built.)
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
    // Puts text in the filter bar and applies it (Ctrl+F focuses the bar).
    void setFilterText(const QString& expression);

signals:
    // A host was double-clicked: open its drill-down.
    void hostActivated(const QString& address);
    // Flows matching the base filter, the user's filter and the time range.
    void flowCountChanged(quint64 flows);

private:
    QString m_casePath;
};
