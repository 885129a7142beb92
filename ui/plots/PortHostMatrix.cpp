#include "plots/PortHostMatrix.h"

#include "plots/PlotStyle.h"
#include "util/DisplayFormat.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace {


// Where things go in a rect: title and legend on top, row labels left, column labels below.
struct Geometry {
    bool wrapped = false; // one host, ports wrapped in rows of kWrapColumns
    int rows = 0;
    int cols = 0;
    int firstPort = 0;    // wrapped: port of row 0, column 0
    int hiddenRows = 0;
    QRectF grid;
    double cellW = 0;
    double cellH = 0;
};

Geometry geometryOf(const ScanTargets& s, const QRectF& rect)
{
    Geometry g;
    if (s.hosts.empty() || s.ports.empty())
        return g;
    g.wrapped = s.hosts.size() == 1 && s.ports.size() > size_t(PortHostMatrix::kWrapColumns);
    if (g.wrapped) {
        // Rows of round ranges from 1 (1–64, 65–128, …): a 1–1024 sweep fills 16 rows exactly.
        const int lowest = std::max<int>(s.ports.front(), 1);
        g.firstPort = (lowest - 1) / PortHostMatrix::kWrapColumns * PortHostMatrix::kWrapColumns + 1;
        if (s.ports.front() == 0)
            g.firstPort = 0;
        g.cols = PortHostMatrix::kWrapColumns;
        g.rows = (s.ports.back() - g.firstPort) / PortHostMatrix::kWrapColumns + 1;
    } else {
        g.cols = int(s.ports.size());
        g.rows = int(std::min<size_t>(s.hosts.size(), PortHostMatrix::kMaxRows));
        g.hiddenRows = int(s.hosts.size()) - g.rows;
    }
    const double left = g.wrapped ? 150 : 118, top = 52, bottom = g.wrapped ? 30 : 44;
    QRectF area = rect.adjusted(left, top, -12, -bottom);
    g.cellW = area.width() / g.cols;
    g.cellH = std::min(area.height() / g.rows, std::max(g.cellW, 14.0));
    g.grid = QRectF(area.left(), area.top(), g.cellW * g.cols, g.cellH * g.rows);
    return g;
}

ScanTargets::Outcome outcomeAt(const ScanTargets& s, const Geometry& g, int row, int col, int& port, size_t& host)
{
    if (g.wrapped) {
        host = 0;
        port = g.firstPort + row * g.cols + col;
        const auto it = std::lower_bound(s.ports.begin(), s.ports.end(), uint16_t(port));
        if (port > 65535 || it == s.ports.end() || *it != port)
            return ScanTargets::Outcome::None;
        return s.cell(0, size_t(it - s.ports.begin()));
    }
    host = size_t(row);
    port = s.ports[size_t(col)];
    return s.cell(host, size_t(col));
}

} // namespace

PortHostMatrix::PortHostMatrix(QWidget* parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setMinimumSize(320, 220);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void PortHostMatrix::setTargets(const ScanTargets& targets)
{
    m_targets = targets;
    update();
}

PortHostMatrix::Cell PortHostMatrix::cellAt(const ScanTargets& s, const QRectF& rect, const QPointF& point)
{
    Cell cell;
    const Geometry g = geometryOf(s, rect);
    if (g.rows == 0 || !g.grid.contains(point))
        return cell;
    const int col = std::clamp(int((point.x() - g.grid.left()) / g.cellW), 0, g.cols - 1);
    const int row = std::clamp(int((point.y() - g.grid.top()) / g.cellH), 0, g.rows - 1);
    size_t host = 0;
    cell.outcome = outcomeAt(s, g, row, col, cell.port, host);
    cell.host = QString::fromStdString(s.hosts[host].toString());
    cell.valid = cell.port <= 65535;
    return cell;
}

void PortHostMatrix::paint(QPainter* painter, const QRectF& rect, const ScanTargets& s)
{
    painter->save();
    painter->fillRect(rect, Qt::white);
    painter->setRenderHint(QPainter::Antialiasing, false);
    const QLocale locale = DisplayFormat::numberLocale();
    const Geometry g = geometryOf(s, rect);
    painter->setPen(Qt::black);
    painter->setFont(PlotStyle::font(12, true));
    const QString title = g.wrapped
        ? tr("Ports of %1 (rows of %2 ports)").arg(QString::fromStdString(s.hosts.front().toString())).arg(kWrapColumns)
        : tr("Ports × hosts: %1 hosts, %2 ports").arg(locale.toString(qulonglong(s.hosts.size())),
                                                     locale.toString(qulonglong(s.ports.size())));
    painter->drawText(QRectF(rect.left() + 8, rect.top() + 4, rect.width() - 16, 18), Qt::AlignLeft | Qt::AlignVCenter, title);

    // Legend.
    painter->setFont(PlotStyle::font(11));
    double lx = rect.left() + 8;
    for (ScanTargets::Outcome o : {ScanTargets::Outcome::Open, ScanTargets::Outcome::Refused,
                                   ScanTargets::Outcome::Silent, ScanTargets::Outcome::None}) {
        const QRectF sw(lx, rect.top() + 28, 11, 11);
        painter->fillRect(sw, ScanTargets::outcomeColour(o));
        painter->setPen(QColor(0xa0, 0xa0, 0xa0));
        painter->drawRect(sw);
        painter->setPen(Qt::black);
        const QString text = ScanTargets::outcomeText(o);
        painter->drawText(QPointF(lx + 15, rect.top() + 38), text);
        lx += 15 + painter->fontMetrics().horizontalAdvance(text) + 16;
    }
    if (g.rows == 0) {
        PlotStyle::renderNote(painter, rect.adjusted(0, 50, 0, 0), tr("No attempts of this scan in the case."));
        painter->restore();
        return;
    }

    // Cells: drawn as runs of one colour per row, so a 1024-port row is a few rectangles.
    const bool gridLines = g.cellW >= 5 && g.cellH >= 5;
    for (int row = 0; row < g.rows; ++row) {
        int runStart = 0;
        ScanTargets::Outcome runOutcome = ScanTargets::Outcome::None;
        for (int col = 0; col <= g.cols; ++col) {
            int port = 0;
            size_t host = 0;
            const ScanTargets::Outcome o = col < g.cols ? outcomeAt(s, g, row, col, port, host) : ScanTargets::Outcome(-1);
            if (col > 0 && (col == g.cols || o != runOutcome)) {
                painter->fillRect(QRectF(g.grid.left() + runStart * g.cellW, g.grid.top() + row * g.cellH,
                                         (col - runStart) * g.cellW, g.cellH),
                                  ScanTargets::outcomeColour(runOutcome));
                runStart = col;
            }
            runOutcome = o;
        }
    }
    if (gridLines) {
        painter->setPen(QPen(Qt::white, 1));
        for (int col = 1; col < g.cols; ++col)
            painter->drawLine(QPointF(g.grid.left() + col * g.cellW, g.grid.top()), QPointF(g.grid.left() + col * g.cellW, g.grid.bottom()));
        for (int row = 1; row < g.rows; ++row)
            painter->drawLine(QPointF(g.grid.left(), g.grid.top() + row * g.cellH), QPointF(g.grid.right(), g.grid.top() + row * g.cellH));
    }
    painter->setPen(QColor(0xa0, 0xa0, 0xa0));
    painter->drawRect(g.grid);

    // Row labels: hosts, or the port range of each wrapped row.
    painter->setPen(QColor(0x30, 0x30, 0x30));
    painter->setFont(PlotStyle::font(std::clamp(int(g.cellH) - 2, 8, 11)));
    const int every = std::max(1, int(std::ceil(12.0 / g.cellH)));
    for (int row = 0; row < g.rows; row += every) {
        const QString label = g.wrapped
            ? tr("%1–%2").arg(g.firstPort + row * g.cols).arg(std::min(g.firstPort + row * g.cols + g.cols - 1, 65535))
            : QString::fromStdString(s.hosts[size_t(row)].toString());
        painter->drawText(QRectF(rect.left() + 4, g.grid.top() + row * g.cellH, g.grid.left() - rect.left() - 10, g.cellH),
                          Qt::AlignRight | Qt::AlignVCenter, label);
    }
    // Column labels: port numbers where they fit, else every few.
    painter->setFont(PlotStyle::font(10));
    const double labelW = painter->fontMetrics().horizontalAdvance(QStringLiteral("65535")) + 6;
    const int step = std::max(1, int(std::ceil(labelW / g.cellW)));
    for (int col = 0; col < g.cols; col += step) {
        const QString label = g.wrapped ? QStringLiteral("+%1").arg(col) : QString::number(s.ports[size_t(col)]);
        painter->drawText(QRectF(g.grid.left() + col * g.cellW - labelW / 2 + g.cellW / 2, g.grid.bottom() + 2, labelW, 14),
                          Qt::AlignHCenter | Qt::AlignTop, label);
    }
    if (!g.wrapped) {
        painter->drawText(QRectF(g.grid.left(), g.grid.bottom() + 16, g.grid.width(), 14), Qt::AlignHCenter | Qt::AlignTop,
                          tr("destination port") + (g.hiddenRows > 0 ? tr(" · %n more host(s) not shown", nullptr, g.hiddenRows) : QString()));
    } else {
        // Open ports named: the cells are too small for their numbers.
        QStringList open;
        for (size_t p = 0; p < s.ports.size(); ++p)
            if (s.cell(0, p) == ScanTargets::Outcome::Open)
                open << QString::number(s.ports[p]);
        painter->setPen(PlotStyle::openColor().darker(150));
        painter->drawText(QRectF(g.grid.left(), g.grid.bottom() + 14, g.grid.width(), 14), Qt::AlignLeft | Qt::AlignTop,
                          open.isEmpty() ? tr("no port answered as open")
                                         : tr("open: %1").arg(open.mid(0, 24).join(QStringLiteral(", "))
                                                              + (open.size() > 24 ? QStringLiteral(" …") : QString())));
    }
    painter->restore();
}

void PortHostMatrix::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    paint(&painter, rect(), m_targets);
}

bool PortHostMatrix::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const Cell c = cellAt(m_targets, rect(), help->pos());
        if (c.valid)
            QToolTip::showText(help->globalPos(), tr("%1 port %2: %3").arg(c.host).arg(c.port).arg(ScanTargets::outcomeText(c.outcome)), this);
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}
