#include "plots/PlotStyle.h"

#include "util/DisplayFormat.h"

#include <QPainter>
#include <QPicture>

#include <qcustomplot.h>

#include <cmath>

namespace PlotStyle {

QFont font(int pixelSize, bool bold)
{
    QFont f;
    f.setPixelSize(pixelSize);
    f.setBold(bold);
    return f;
}

QColor openColor() { return QColor(0x2e, 0x9e, 0x4f); }
QColor refusedColor() { return QColor(0xe6, 0x8a, 0x00); }
QColor silentColor() { return QColor(0xd0, 0x5a, 0x5a); }
QColor noneColor() { return QColor(0xee, 0xee, 0xee); }
QColor accentColor() { return QColor(0x1f, 0x5f, 0xbf); }
QColor gridColor() { return QColor(0xe0, 0xe0, 0xe0); }

void styleAxis(QCPAxis* axis)
{
    axis->setTickLabelFont(font(10));
    axis->setLabelFont(font(11));
    axis->setBasePen(QPen(QColor(0x80, 0x80, 0x80), 1));
    axis->setTickPen(QPen(QColor(0x80, 0x80, 0x80), 1));
    axis->setSubTickPen(QPen(QColor(0xa0, 0xa0, 0xa0), 1));
    axis->grid()->setPen(QPen(gridColor(), 1, Qt::DotLine));
    axis->grid()->setZeroLinePen(Qt::NoPen);
}

void style(QCustomPlot* plot)
{
    plot->setBackground(Qt::white);
    plot->setAntialiasedElements(QCP::aeAll);
    plot->setNotAntialiasedElements(QCP::aeAxes | QCP::aeGrid);
    if (plot->legend) {
        plot->legend->setFont(font(10));
        plot->legend->setBorderPen(QPen(QColor(0xc8, 0xc8, 0xc8)));
        plot->legend->setBrush(QColor(255, 255, 255, 230));
    }
    for (QCPAxisRect* rect : plot->axisRects())
        for (QCPAxis* axis : rect->axes())
            styleAxis(axis);
}

void setTimeAxis(QCPAxis* axis, double spanSeconds)
{
    auto ticker = QSharedPointer<QCPAxisTickerDateTime>::create();
    ticker->setDateTimeSpec(DisplayFormat::localTime() ? Qt::LocalTime : Qt::UTC); // View ▸ Local Time
    ticker->setDateTimeFormat(spanSeconds < 120 ? QStringLiteral("HH:mm:ss")
                              : spanSeconds < 2 * 86400 ? QStringLiteral("HH:mm")
                                                        : QStringLiteral("MM-dd HH:mm"));
    ticker->setTickCount(6);
    axis->setTicker(ticker);
}

IntervalUnit intervalUnit(double periodSeconds)
{
    if (periodSeconds < 120)
        return {1, QStringLiteral("s")};
    if (periodSeconds < 2 * 3600)
        return {60, QStringLiteral("min")};
    return {3600, QStringLiteral("h")};
}

void render(QCustomPlot* plot, QPainter* painter, const QRectF& target)
{
    if (target.width() < 10 || target.height() < 10)
        return;
    // Laid out at a screen-like width and scaled: tick density and fonts stay as on screen.
    const double logicalWidth = std::clamp(target.width(), 480.0, 1200.0);
    const double scale = target.width() / logicalWidth;
    const int w = int(std::lround(logicalWidth));
    const int h = int(std::lround(target.height() / scale));
    QPicture picture;
    {
        QCPPainter p(&picture);
        p.setMode(QCPPainter::pmVectorized);
        p.setMode(QCPPainter::pmNoCaching);
        p.setMode(QCPPainter::pmNonCosmetic);
        plot->toPainter(&p, w, h);
    }
    painter->save();
    painter->translate(target.topLeft());
    // QPicture replays at the target device's resolution relative to its own
    // (a 300 dpi PDF would get the chart 3x too big): undo that, scale to target.
    const QPaintDevice* device = painter->device();
    const double dpiRatio = device && device->logicalDpiX() > 0
        ? double(picture.logicalDpiX()) / double(device->logicalDpiX()) : 1.0;
    const double dpiRatioY = device && device->logicalDpiY() > 0
        ? double(picture.logicalDpiY()) / double(device->logicalDpiY()) : 1.0;
    painter->scale(scale * dpiRatio, scale * dpiRatioY);
    painter->setClipRect(QRectF(0, 0, w / dpiRatio, h / dpiRatioY), Qt::IntersectClip);
    picture.play(painter);
    painter->restore();
}

void renderNote(QPainter* painter, const QRectF& target, const QString& text)
{
    painter->save();
    painter->setPen(QColor(0x70, 0x70, 0x70));
    painter->setFont(font(12));
    painter->drawText(target, Qt::AlignCenter | Qt::TextWordWrap, text);
    painter->restore();
}

} // namespace PlotStyle
