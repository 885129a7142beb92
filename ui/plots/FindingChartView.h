#pragma once

#include "model/Finding.h"

#include <QWidget>

// The chart that fits a finding, under its details: the interval histogram of
// a beacon, the fan-out graph or ports × hosts matrix of a scan, the traffic
// of an exfiltration or flood. Reads the finding's flows from the case off the
// UI thread. Hidden when the finding has no chart.
// (Skeleton: the charts are being built; it shows nothing yet.)
class FindingChartView final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FindingChartView)
public:
    explicit FindingChartView(QWidget* parent = nullptr);

    void setCasePath(const QString& casePath);
    // nullptr clears the chart.
    void setFinding(const Finding* finding);

signals:
    // A host in the chart was double-clicked (fan-out nodes): open its drill-down.
    void hostActivated(const QString& address);

private:
    QString m_casePath;
};
