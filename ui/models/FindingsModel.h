#pragma once

#include "model/Finding.h"
#include "model/Verdict.h"

#include <QAbstractTableModel>
#include <QColor>

#include <unordered_map>
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
        VerdictColumn,
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
    // The analysts' verdicts by finding id (kept across setFindings: ids are stable).
    void setVerdicts(const std::vector<Verdict>& verdicts);
    void setVerdict(const Verdict& verdict); // an empty one removes it
    const Verdict* verdictFor(const std::string& findingId) const;

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
    static QString verdictText(Verdict::Status s); // "" for none
    static QColor verdictColor(Verdict::Status s);

private:
    QVariant rawValue(const Finding& f, int column) const;

    std::vector<Finding> m_findings;
    std::unordered_map<std::string, Verdict> m_verdicts;
};
