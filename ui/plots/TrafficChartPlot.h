#pragma once

#include "plots/FindingTraffic.h"

#include <QWidget>

class QCustomPlot;
class QMouseEvent;
class QPainter;

// The traffic behind a finding over time: bytes each way (packets for a flood,
// with the destination's baseline), the finding's window shaded, long
// sessions drawn as bars. Wheel zooms and drag pans the time axis.
class TrafficChartPlot final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficChartPlot)
public:
    explicit TrafficChartPlot(QWidget* parent = nullptr);

    void setTraffic(const FindingTraffic& traffic);
    const FindingTraffic& traffic() const { return m_data; }
    QCustomPlot* plot() const { return m_plot; }

    static void render(QPainter* painter, const QRectF& target, const FindingTraffic& traffic);

private:
    void rebuild();
    void showTip(QMouseEvent* event);

    QCustomPlot* m_plot = nullptr;
    FindingTraffic m_data;
};
