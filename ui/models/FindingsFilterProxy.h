#pragma once

#include "model/Finding.h"

#include <QSet>
#include <QSortFilterProxyModel>

#include <cstdint>

// The findings table's filters, all combined: free text (any column), finding
// types, minimum severity, a host (source or destination) and a time range
// (findings whose window overlaps it). Sorts by FindingsModel::RawValueRole.
class FindingsFilterProxy final : public QSortFilterProxyModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FindingsFilterProxy)
public:
    explicit FindingsFilterProxy(QObject* parent = nullptr);

    void setText(const QString& text);
    // Raw type names ("beacon", "port_scan", …); empty shows every type.
    void setTypes(const QSet<QString>& types);
    void setMinimumSeverity(Severity severity);
    // An address in text form; empty shows every host.
    void setHost(const QString& address);
    // Findings overlapping [startMs, endMs); both 0 shows all.
    void setTimeRange(int64_t startMs, int64_t endMs);

    QString text() const { return m_text; }
    QSet<QString> types() const { return m_types; }
    Severity minimumSeverity() const { return m_minSeverity; }
    QString host() const { return m_host; }

signals:
    // Any filter changed (the count of shown rows may have).
    void filtersChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    void refilter();

    QString m_text;
    QSet<QString> m_types;
    Severity m_minSeverity = Severity::Info;
    QString m_host;
    int64_t m_startMs = 0;
    int64_t m_endMs = 0;
};
