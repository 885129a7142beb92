#pragma once

#include "model/Finding.h"

#include <QAbstractTableModel>
#include <QColor>

#include <vector>

// Table of findings for the main window. Display text is for people; the
// RawValueRole carries typed values so a QSortFilterProxyModel with
// sortRole = RawValueRole sorts numbers, severities and times correctly.
class FindingsModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FindingsModel)
public:
    enum Column {
        SeverityColumn,
        ScoreColumn,
        TypeColumn,
        SourceColumn,
        DestinationsColumn,
        PortsColumn,
        StartColumn,
        SummaryColumn,
        ColumnCount
    };
    enum Role {
        RawValueRole = Qt::UserRole + 1, // severity int, score double, start ms, raw type, ...
        FindingIndexRole, // row in findings(), stable across proxy sorting
    };

    explicit FindingsModel(QObject* parent = nullptr);

    void setFindings(std::vector<Finding> findings);
    void clear();
    const std::vector<Finding>& findings() const { return m_findings; }
    const Finding* findingAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Shared with the plot and the detail pane so every view agrees on colours.
    static QColor severityBackground(Severity s);
    static QColor severityForeground(Severity s);
    static QString severityText(Severity s);
    static QString typeText(const Finding& f);
    static QString sourceText(const Finding& f);
    static QString destinationsText(const Finding& f, int shown = 3);
    static QString portsText(const Finding& f, int shown = 4);
    static QString protocolText(uint8_t protocol);
    static QString formatUtc(int64_t ms);

private:
    QVariant rawValue(const Finding& f, int column) const;

    std::vector<Finding> m_findings;
};
