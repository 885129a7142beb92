#include "widgets/FlowsView.h"

#include "models/FlowsTableModel.h"
#include "query/FlowFilter.h"
#include "util/DisplayFormat.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCompleter>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QStringListModel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace {

constexpr int kHistorySize = 30;

QString combined(const QString& base, const QString& user)
{
    if (base.isEmpty())
        return user;
    if (user.isEmpty())
        return base;
    return QStringLiteral("(") + base + QStringLiteral(") and (") + user + QLatin1Char(')');
}

} // namespace

FlowsView::FlowsView(QWidget* parent)
    : QWidget(parent)
    , m_model(new FlowsTableModel(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->setSpacing(3);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(6, 0, 6, 0);
    auto* label = new QLabel(tr("Filter:"), this);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("flowFilter"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setPlaceholderText(tr("nfdump expression, e.g. src host 10.0.5.23 and dst port 443 — Enter applies"));
    m_filter->setToolTip(tr("host, src/dst host, net 10.0.0.0/8, port, src/dst port, proto tcp|udp|icmp, "
                            "bytes > 1M, packets < 10, duration > 60000, flags S, exporter ADDR; "
                            "and, or, not, parentheses"));
    label->setBuddy(m_filter);
    m_history = new QStringListModel(this);
    auto* completer = new QCompleter(m_history, this);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    m_filter->setCompleter(completer);
    m_applyButton = new QToolButton(this);
    m_applyButton->setText(tr("Apply"));
    m_applyButton->setToolTip(tr("Apply the filter (Enter)"));
    m_count = new QLabel(this);
    m_count->setTextFormat(Qt::PlainText);
    m_count->setMinimumWidth(m_count->fontMetrics().horizontalAdvance(QStringLiteral("10,000,000 flows (sorting…)")));
    m_count->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    bar->addWidget(label);
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_applyButton);
    bar->addWidget(m_count);
    layout->addLayout(bar);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("flowFilterError"));
    m_error->setTextFormat(Qt::RichText);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // It quotes the expression: wrapped to the view, never widening the window.
    m_error->setWordWrap(true);
    m_error->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Minimum);
    m_error->setContentsMargins(8, 2, 8, 2);
    m_error->setAutoFillBackground(true);
    QPalette errorPalette = m_error->palette();
    errorPalette.setColor(QPalette::Window, QColor(0xfd, 0xe7, 0xe7));
    errorPalette.setColor(QPalette::WindowText, QColor(0x80, 0x10, 0x10));
    m_error->setPalette(errorPalette);
    m_error->hide();
    layout->addWidget(m_error);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("flowsTable"));
    m_table->setModel(m_model);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicator(FlowsTableModel::StartColumn, Qt::AscendingOrder);
    m_table->horizontalHeader()->setSortIndicatorShown(true);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideMiddle);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->verticalHeader()->hide();
    // Fixed row heights: with millions of rows the view must not measure them.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    layout->addWidget(m_table, 1);
    fitColumns();

    auto* copy = new QAction(tr("Copy"), this);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(copy, &QAction::triggered, this, [this] { copyRows(m_table->selectionModel()->selectedRows()); });
    m_table->addAction(copy);

    connect(m_filter, &QLineEdit::returnPressed, this, &FlowsView::applyFilter);
    connect(m_applyButton, &QToolButton::clicked, this, &FlowsView::applyFilter);
    connect(m_filter, &QLineEdit::textEdited, this, [this] {
        // The marked error belongs to the text that was applied; editing starts over.
        if (m_errorPosition >= 0)
            m_filter->setStyleSheet({});
    });
    // Double-click or Enter on an address opens its drill-down.
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex& index) {
        const QString address = index.data(FlowsTableModel::AddressRole).toString();
        if (!address.isEmpty() && index.column() != FlowsTableModel::ExporterColumn)
            emit hostActivated(address);
    });
    connect(m_table, &QTableView::customContextMenuRequested, this, &FlowsView::showContextMenu);
    connect(m_model, &FlowsTableModel::loadingChanged, this, &FlowsView::updateCount);
    connect(m_model, &FlowsTableModel::selectionLoaded, this, [this](quint64 rows) {
        updateCount();
        emit flowCountChanged(rows);
    });
    connect(m_model, &FlowsTableModel::loadFailed, this, [this](const QString& message) {
        m_error->setText(tr("<b>Cannot read the flows:</b> %1").arg(message.toHtmlEscaped()));
        m_error->show();
    });
    updateCount();
}

void FlowsView::fitColumns()
{
    const QFontMetrics fm = m_table->fontMetrics();
    const int pad = 18;
    auto width = [&](const char* sample) { return fm.horizontalAdvance(QString::fromLatin1(sample)) + pad; };
    m_table->setColumnWidth(FlowsTableModel::StartColumn, width("2026-03-02 08:20:00.000"));
    m_table->setColumnWidth(FlowsTableModel::DurationColumn, width("59 min 59 s")); // DisplayFormat::flowDuration
    m_table->setColumnWidth(FlowsTableModel::ProtocolColumn, width("ICMPv6"));
    m_table->setColumnWidth(FlowsTableModel::SourceColumn, width("255.255.255.255:"));
    m_table->setColumnWidth(FlowsTableModel::SourcePortColumn, width("Src port"));
    m_table->setColumnWidth(FlowsTableModel::DestinationColumn, width("255.255.255.255:"));
    m_table->setColumnWidth(FlowsTableModel::DestinationPortColumn, width("Dst port"));
    m_table->setColumnWidth(FlowsTableModel::FlagsColumn,
                            QFontMetrics(QFontDatabase::systemFont(QFontDatabase::FixedFont)).horizontalAdvance(QStringLiteral("UAPRSF")) + pad + 12);
    m_table->setColumnWidth(FlowsTableModel::PacketsColumn, width("1,000,000"));
    m_table->setColumnWidth(FlowsTableModel::BytesColumn, width("999.9 MB"));
}

void FlowsView::setCasePath(const QString& casePath)
{
    m_casePath = casePath;
    m_model->setSelection(effectiveFilter(), m_startMs, m_endMs);
    m_model->setCasePath(casePath);
}

void FlowsView::setBaseFilter(const QString& expression)
{
    m_base = expression.trimmed();
    m_model->setSelection(effectiveFilter(), m_startMs, m_endMs);
}

void FlowsView::setTimeRange(int64_t startMs, int64_t endMs)
{
    m_startMs = startMs;
    m_endMs = endMs;
    m_model->setSelection(effectiveFilter(), m_startMs, m_endMs);
}

void FlowsView::setFilterText(const QString& expression)
{
    m_filter->setText(expression);
    applyFilter();
}

QString FlowsView::effectiveFilter() const
{
    return combined(m_base, m_applied);
}

void FlowsView::focusFilter()
{
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

void FlowsView::applyFilter()
{
    const QString text = m_filter->text().trimmed();
    if (!text.isEmpty()) {
        FlowFilter::Error error;
        const std::string utf8 = text.toStdString();
        if (!FlowFilter::parse(utf8, error)) {
            // The parser counts bytes; the bar counts characters.
            const int position = int(QString::fromUtf8(utf8.data(), int(std::min(error.position, utf8.size()))).size());
            showError(text, position, QString::fromStdString(error.message));
            return; // the table keeps showing the last valid filter
        }
        QStringList history = m_history->stringList();
        history.removeAll(text);
        history.prepend(text);
        while (history.size() > kHistorySize)
            history.removeLast();
        m_history->setStringList(history);
    }
    clearError();
    m_applied = text;
    m_model->setSelection(effectiveFilter(), m_startMs, m_endMs);
}

void FlowsView::showError(const QString& expression, int position, const QString& message)
{
    m_errorPosition = position;
    // Marks the offending token (up to the next space), or a gap at the end.
    int end = position;
    while (end < expression.size() && !expression.at(end).isSpace())
        ++end;
    const QString before = expression.left(position).toHtmlEscaped();
    const QString token = end > position ? expression.mid(position, end - position).toHtmlEscaped() : QStringLiteral("&nbsp;&nbsp;");
    const QString after = expression.mid(end).toHtmlEscaped();
    m_error->setText(tr("<b>Invalid filter</b> at column %1: %2<br><code>%3<span style=\"background:#d32f2f;"
                        "color:white\">%4</span>%5</code>")
                         .arg(position + 1)
                         .arg(message.toHtmlEscaped(), before, token, after));
    m_error->show();
    m_filter->setStyleSheet(QStringLiteral("QLineEdit { border: 2px solid #d32f2f; }"));
    m_filter->setFocus();
    m_filter->setSelection(position, std::max(end - position, 1));
}

void FlowsView::clearError()
{
    m_errorPosition = -1;
    m_error->hide();
    m_error->clear();
    m_filter->setStyleSheet({});
}

void FlowsView::updateCount()
{
    if (m_casePath.isEmpty()) {
        m_count->setText(tr("No case open"));
        return;
    }
    const quint64 rows = m_model->totalRows();
    QString text = rows == 1 ? tr("1 flow") : tr("%1 flows").arg(DisplayFormat::count(rows));
    if (m_model->isLoading())
        text = tr("%1 (reading…)").arg(text);
    m_count->setText(text);
    m_count->setToolTip(effectiveFilter().isEmpty() ? tr("All flows") : tr("Filter: %1").arg(effectiveFilter()));
}

void FlowsView::copyRows(const QModelIndexList& rows)
{
    QStringList lines;
    for (const QModelIndex& r : rows) {
        const FlowRecord* f = m_model->flowAt(r.row());
        if (!f)
            continue; // not read yet: nothing on screen to copy
        QStringList cells;
        for (int c = 0; c < FlowsTableModel::ColumnCount; ++c)
            cells << FlowsTableModel::displayText(*f, c);
        lines << cells.join(QLatin1Char('\t'));
    }
    if (!lines.isEmpty())
        QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')));
}

void FlowsView::showContextMenu(const QPoint& pos)
{
    const QModelIndex index = m_table->indexAt(pos);
    const FlowRecord* f = index.isValid() ? m_model->flowAt(index.row()) : nullptr;
    if (!f)
        return;
    const FlowRecord flow = *f;
    const int column = index.column();
    QMenu menu(this);
    menu.addAction(tr("Copy Value"), this, [text = index.data().toString()] { QApplication::clipboard()->setText(text); });
    menu.addAction(tr("Copy Row"), this, [this, index] { copyRows({index}); });
    const QString filter = FlowsTableModel::filterFor(flow, column);
    if (!filter.isEmpty()) {
        menu.addSeparator();
        auto narrow = [this](const QString& term) {
            setFilterText(m_applied.isEmpty() ? term : QStringLiteral("(") + m_applied + QStringLiteral(") and ") + term);
        };
        menu.addAction(tr("Filter on “%1”").arg(filter), this, [narrow, filter] { narrow(filter); });
        menu.addAction(tr("Exclude “%1”").arg(filter), this, [narrow, filter] { narrow(QStringLiteral("not ") + filter); });
    }
    menu.addSeparator();
    const QString src = QString::fromStdString(flow.src.toString());
    const QString dst = QString::fromStdString(flow.dst.toString());
    menu.addAction(tr("Open Host %1").arg(src), this, [this, src] { emit hostActivated(src); });
    menu.addAction(tr("Open Host %1").arg(dst), this, [this, dst] { emit hostActivated(dst); });
    menu.exec(m_table->viewport()->mapToGlobal(pos));
}
