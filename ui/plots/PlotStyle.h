#pragma once

#include <QColor>
#include <QFont>
#include <QRectF>
#include <QString>

class QCustomPlot;
class QCPAxis;
class QPainter;

// What the finding charts share: fonts sized in pixels (so a chart drawn into a
// PDF painter keeps its proportions whatever the device's resolution), the
// outcome colours, time and interval axes, and vector rendering of a
// QCustomPlot into any painter.
namespace PlotStyle {

QFont font(int pixelSize = 11, bool bold = false);
QColor openColor();    // answered, port open
QColor refusedColor(); // answered with a refusal (RST)
QColor silentColor();  // unanswered
QColor noneColor();    // not probed
QColor accentColor();  // the marked period, the finding's window
QColor gridColor();

// Fonts, pens and margins of a plot meant for both screen and paper.
void style(QCustomPlot* plot);
void styleAxis(QCPAxis* axis);
// A UTC date-time axis whose label format follows the visible span.
void setTimeAxis(QCPAxis* axis, double spanSeconds);
// The unit an interval axis reads best in: seconds, minutes or hours.
struct IntervalUnit {
    double seconds; // one unit, in seconds
    QString name;   // "s", "min", "h"
};
IntervalUnit intervalUnit(double periodSeconds);
// Draws the plot into target as vector graphics (a QPicture of its items), at
// the size the plot would have on screen scaled to target, without showing it.
void render(QCustomPlot* plot, QPainter* painter, const QRectF& target);
// A short note in the middle of target (no data, error).
void renderNote(QPainter* painter, const QRectF& target, const QString& text);

} // namespace PlotStyle
