#pragma once

#include "model/Finding.h"

#include <QWidget>

#include <cstdint>
#include <vector>

// One host's drill-down, opened as a tab: its timeline in and out, its peers
// ranked by bytes and connections (internal/external), the ports it used, its
// findings and its flows. Reads the case off the UI thread.
// (Skeleton: the drill-down is being built.)
class HostView final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HostView)
public:
    HostView(const QString& casePath, const QString& address, QWidget* parent = nullptr);

    QString address() const { return m_address; }
    void setFindings(const std::vector<Finding>& findings);
    void setTimeRange(int64_t startMs, int64_t endMs);

signals:
    void hostActivated(const QString& address);
    void findingActivated(const QString& findingId);

private:
    QString m_casePath;
    QString m_address;
};
