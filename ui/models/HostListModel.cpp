#include "models/HostListModel.h"

#include "models/FindingsModel.h"

#include <QStringList>

HostListModel::HostListModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void HostListModel::setFindings(const std::vector<Finding>& findings)
{
    m_findings = findings;
    rank();
}

void HostListModel::setSettings(const DetectionSettings& settings)
{
    m_settings = settings;
    rank();
}

void HostListModel::rank()
{
    beginResetModel();
    m_hosts = HostRanking::rank(m_findings, m_settings);
    endResetModel();
}

int HostListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_hosts.size());
}

int HostListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HostListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || size_t(index.row()) >= m_hosts.size())
        return {};
    const HostScore& h = m_hosts[size_t(index.row())];
    const int column = index.column();
    const bool internal = m_settings.isInternal(h.host);
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case HostColumn: return QString::fromStdString(h.host.toString());
        case ScoreColumn: return QString::number(h.score, 'f', 1);
        case FindingsColumn: return int(h.findingIds.size());
        case SeverityColumn: return FindingsModel::severityText(h.severity);
        case NetworkColumn: return internal ? tr("internal") : tr("external");
        default: return {};
        }
    case RawValueRole:
        switch (column) {
        case HostColumn: return QString::fromStdString(h.host.toString());
        case ScoreColumn: return h.score;
        case FindingsColumn: return int(h.findingIds.size());
        case SeverityColumn: return int(h.severity);
        case NetworkColumn: return internal;
        default: return {};
        }
    case AddressRole: return QString::fromStdString(h.host.toString());
    case Qt::BackgroundRole:
        return column == SeverityColumn ? QVariant(FindingsModel::severityBackground(h.severity)) : QVariant();
    case Qt::ForegroundRole:
        return column == SeverityColumn ? QVariant(FindingsModel::severityForeground(h.severity)) : QVariant();
    case Qt::TextAlignmentRole:
        return column == ScoreColumn || column == FindingsColumn ? QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter)
                                                                 : QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ToolTipRole: {
        QStringList types;
        for (const std::string& t : h.types)
            types << QString::fromStdString(t);
        return tr("%1 (%2)\nscore %3 from %4: %5\nDouble-click or Enter opens its drill-down")
            .arg(QString::fromStdString(h.host.toString()), internal ? tr("internal") : tr("external"),
                 QString::number(h.score, 'f', 1),
                 h.findingIds.size() == 1 ? tr("1 finding") : tr("%1 findings").arg(h.findingIds.size()),
                 types.join(QStringLiteral(", ")));
    }
    default: return {};
    }
}

QVariant HostListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case HostColumn: return tr("Host");
        case ScoreColumn: return tr("Score");
        case FindingsColumn: return tr("#");
        case SeverityColumn: return tr("Severity");
        case NetworkColumn: return tr("Network");
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole && section == FindingsColumn)
        return tr("Number of findings about the host (info findings not counted)");
    if (role == Qt::ToolTipRole && section == NetworkColumn)
        return tr("Inside the case's internal networks, or outside");
    if (role == Qt::ToolTipRole && section == ScoreColumn)
        return tr("Combined score of the host's findings: 100 × (1 − ∏(1 − score/100)); info findings do not count");
    return {};
}
