#pragma once

#include "plots/BeaconIntervals.h"

#include <QWidget>

class QCustomPlot;
class QCPAxisRect;
class QMouseEvent;
class QPainter;

// A beacon at a glance: the histogram of intervals between its beats with the
// period and the jitter band marked; beneath it each beat on a UTC time axis
// (a raster: regular ticks read as regular), and the bytes of each beat.
// The time axes zoom and drag together (wheel, drag); the histogram's bins
// have tooltips.
class BeaconHistogramPlot final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BeaconHistogramPlot)
public:
    explicit BeaconHistogramPlot(QWidget* parent = nullptr);

    void setIntervals(const BeaconIntervals& intervals);
    const BeaconIntervals& intervals() const { return m_data; }
    QCustomPlot* plot() const { return m_plot; }

    // Vector drawing of the same chart into target, without a widget on screen.
    static void render(QPainter* painter, const QRectF& target, const BeaconIntervals& intervals);

private:
    void rebuild();
    void showTip(QMouseEvent* event);

    QCustomPlot* m_plot = nullptr;
    QCPAxisRect* m_histRect = nullptr;
    QCPAxisRect* m_beatRect = nullptr;
    QCPAxisRect* m_bytesRect = nullptr;
    BeaconIntervals m_data;
};
