#include "models/FindingsFilterProxy.h"

#include "models/FindingsModel.h"

FindingsFilterProxy::FindingsFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(FindingsModel::RawValueRole);
    setFilterKeyColumn(-1);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
}

void FindingsFilterProxy::setText(const QString& text)
{
    m_text = text;
    refilter();
}

void FindingsFilterProxy::setTypes(const QSet<QString>& types)
{
    m_types = types;
    refilter();
}

void FindingsFilterProxy::setMinimumSeverity(Severity severity)
{
    m_minSeverity = severity;
    refilter();
}

void FindingsFilterProxy::setHost(const QString& address)
{
    m_host = address.trimmed();
    refilter();
}

void FindingsFilterProxy::setTimeRange(int64_t startMs, int64_t endMs)
{
    m_startMs = startMs;
    m_endMs = endMs;
    refilter();
}

void FindingsFilterProxy::refilter()
{
    invalidateFilter();
    emit filtersChanged();
}

bool FindingsFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const auto* model = qobject_cast<const FindingsModel*>(sourceModel());
    const Finding* f = model ? model->findingAt(sourceRow) : nullptr;
    if (!f)
        return false;
    if (int(f->severity) < int(m_minSeverity))
        return false;
    if (!m_types.isEmpty() && !m_types.contains(QString::fromStdString(f->type)))
        return false;
    if ((m_startMs != 0 || m_endMs != 0) && !(f->startMs < m_endMs && f->endMs >= m_startMs))
        return false;
    if (!m_host.isEmpty()) {
        bool involved = f->src && QString::fromStdString(f->src->toString()) == m_host;
        for (size_t i = 0; i < f->dst.size() && !involved; ++i)
            involved = QString::fromStdString(f->dst[i].toString()) == m_host;
        if (!involved)
            return false;
    }
    if (m_text.isEmpty())
        return true;
    for (int c = 0; c < model->columnCount(); ++c) {
        const QModelIndex index = model->index(sourceRow, c, sourceParent);
        if (index.data(Qt::DisplayRole).toString().contains(m_text, Qt::CaseInsensitive)
            || index.data(Qt::ToolTipRole).toString().contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}
