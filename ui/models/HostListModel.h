#pragma once

#include "analysis/DetectionSettings.h"
#include "detect/HostRanking.h"
#include "model/Finding.h"

#include <QAbstractTableModel>

#include <vector>

// The hosts of the case ranked by the combined score of their findings
// (HostRanking, as the JSON report lists them).
class HostListModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HostListModel)
public:
    enum Column { HostColumn, ScoreColumn, FindingsColumn, SeverityColumn, NetworkColumn, ColumnCount };
    enum Role { RawValueRole = Qt::UserRole + 1, AddressRole };

    explicit HostListModel(QObject* parent = nullptr);

    void setFindings(const std::vector<Finding>& findings);
    // The case's networks (internal/external); re-ranks with them.
    void setSettings(const DetectionSettings& settings);
    const std::vector<HostScore>& hosts() const { return m_hosts; }
    const DetectionSettings& settings() const { return m_settings; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void rank();

    std::vector<Finding> m_findings;
    DetectionSettings m_settings;
    std::vector<HostScore> m_hosts;
};
