#include "widgets/OverviewPage.h"

#include "plots/TimelinePlot.h"
#include "util/DisplayFormat.h"
#include "util/ServiceNames.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QScrollArea>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

struct OverviewPage::Rankings {
    quint64 generation = 0;
    QString error;
    std::vector<FlowStore::TalkerTotals> talkers;
    std::vector<FlowStore::PortTotals> ports;
};

namespace {

QStandardItem* textItem(const QString& text, const QVariant& raw)
{
    auto* item = new QStandardItem(text);
    item->setData(raw, OverviewPage::RawValueRole);
    item->setEditable(false);
    return item;
}

QStandardItem* numberItem(const QString& text, quint64 raw)
{
    QStandardItem* item = textItem(text, QVariant::fromValue<qulonglong>(raw));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

// File names have no spaces to wrap at: offer breaks after _ . - (zero-width spaces).
QString breakable(QString text)
{
    for (const QChar c : {QLatin1Char('_'), QLatin1Char('.'), QLatin1Char('-'), QLatin1Char('/')})
        text.replace(c, QString(c) + QChar(0x200B));
    return text;
}

QLabel* valueLabel(QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText); // file names come from the user's disk
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    return label;
}

QLabel* titleLabel(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setTextFormat(Qt::PlainText);
    QFont bold = label->font();
    bold.setBold(true);
    label->setFont(bold);
    return label;
}

} // namespace

OverviewPage::OverviewPage(QWidget* parent)
    : QWidget(parent)
    , m_plot(new TimelinePlot(this))
    , m_talkers(new QStandardItemModel(0, TalkerColumnCount, this))
    , m_ports(new QStandardItemModel(0, PortColumnCount, this))
    , m_portOrder(new QComboBox(this))
    , m_watcher(new QFutureWatcher<Rankings>(this))
{
    m_talkers->setHorizontalHeaderLabels({tr("Host"), tr("Bytes"), tr("Flows"), tr("Packets")});
    m_ports->setHorizontalHeaderLabels({tr("Port"), tr("Service"), tr("Bytes"), tr("Flows"), tr("Packets")});
    for (QStandardItemModel* m : {m_talkers, m_ports})
        m->setSortRole(RawValueRole);
    m_talkers->horizontalHeaderItem(TalkerBytes)->setToolTip(tr("Bytes sent and received, both directions"));
    m_talkers->horizontalHeaderItem(TalkerFlows)->setToolTip(tr("Flow records the host is an end of"));
    m_ports->horizontalHeaderItem(PortPort)->setToolTip(
        tr("The service side of each flow: the better-known of its two ports"));

    // Summary: a form, so each figure has its label and can be selected and copied.
    m_summaryBox = new QWidget(this);
    auto* summaryLayout = new QVBoxLayout(m_summaryBox);
    summaryLayout->setContentsMargins(8, 6, 8, 6);
    summaryLayout->addWidget(titleLabel(tr("Capture"), m_summaryBox));
    m_form = new QFormLayout;
    m_form->setLabelAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    summaryLayout->addLayout(m_form);
    m_summaryMessage = new QLabel(m_summaryBox);
    m_summaryMessage->setWordWrap(true);
    m_summaryMessage->setTextFormat(Qt::RichText);
    m_summaryMessage->setTextInteractionFlags(Qt::TextSelectableByMouse);
    summaryLayout->addWidget(m_summaryMessage);
    summaryLayout->addStretch(1);
    auto* summaryScroll = new QScrollArea(this);
    summaryScroll->setWidget(m_summaryBox);
    summaryScroll->setWidgetResizable(true);
    summaryScroll->setFrameShape(QFrame::NoFrame);
    summaryScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // values wrap instead

    auto* talkersPane = new QWidget(this);
    auto* talkersLayout = new QVBoxLayout(talkersPane);
    talkersLayout->setContentsMargins(4, 6, 4, 0);
    m_talkersTitle = titleLabel(tr("Top talkers"), talkersPane);
    talkersLayout->addWidget(m_talkersTitle);
    m_talkersView = makeTable(m_talkers);
    m_talkersView->setToolTip(tr("Double-click a host (or press Enter) to open its drill-down"));
    m_talkersView->sortByColumn(TalkerBytes, Qt::DescendingOrder);
    m_talkersView->horizontalHeader()->setSectionResizeMode(TalkerHost, QHeaderView::Stretch);
    talkersLayout->addWidget(m_talkersView, 1);

    auto* portsPane = new QWidget(this);
    auto* portsLayout = new QVBoxLayout(portsPane);
    portsLayout->setContentsMargins(4, 6, 4, 0);
    auto* portsHeader = new QHBoxLayout;
    m_portsTitle = titleLabel(tr("Top ports"), portsPane);
    portsHeader->addWidget(m_portsTitle, 1);
    m_portOrder->addItem(tr("by bytes"), int(FlowStore::PortOrder::Bytes));
    m_portOrder->addItem(tr("by flows"), int(FlowStore::PortOrder::Flows));
    m_portOrder->setToolTip(tr("Rank the ports by the bytes or by the number of flows they carried"));
    portsHeader->addWidget(m_portOrder);
    portsLayout->addLayout(portsHeader);
    m_portsView = makeTable(m_ports);
    m_portsView->sortByColumn(PortBytes, Qt::DescendingOrder);
    m_portsView->horizontalHeader()->setSectionResizeMode(PortService, QHeaderView::Stretch);
    portsLayout->addWidget(m_portsView, 1);

    auto* bottom = new QSplitter(Qt::Horizontal, this);
    bottom->setObjectName(QStringLiteral("overviewBottomSplitter"));
    bottom->addWidget(summaryScroll);
    bottom->addWidget(talkersPane);
    bottom->addWidget(portsPane);
    bottom->setStretchFactor(0, 3);
    bottom->setStretchFactor(1, 4);
    bottom->setStretchFactor(2, 4);
    const int em = fontMetrics().horizontalAdvance(QLatin1Char('M'));
    bottom->setSizes({30 * em, 36 * em, 36 * em}); // until the user's sizes are restored
    bottom->setChildrenCollapsible(false);

    m_split = new QSplitter(Qt::Vertical, this);
    m_split->setObjectName(QStringLiteral("overviewSplitter"));
    m_split->addWidget(m_plot);
    m_split->addWidget(bottom);
    m_split->setStretchFactor(0, 1);
    m_split->setStretchFactor(1, 1);
    m_split->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_split);

    auto activateTalker = [this](const QModelIndex& index) {
        if (!index.isValid())
            return;
        const QString address = m_talkers->index(index.row(), TalkerHost).data(Qt::DisplayRole).toString();
        if (!address.isEmpty())
            emit hostActivated(address);
    };
    connect(m_talkersView, &QTableView::activated, this, activateTalker);
    connect(m_portOrder, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        m_portsView->sortByColumn(m_portOrder->currentData().toInt() == int(FlowStore::PortOrder::Bytes) ? PortBytes
                                                                                                        : PortFlows,
                                  Qt::DescendingOrder);
        loadRankings();
    });
    connect(m_watcher, &QFutureWatcher<Rankings>::finished, this, [this] {
        const Rankings r = m_watcher->result();
        if (r.generation == m_generation)
            applyRankings(r);
    });
    clearSummary(tr("No case open. Open a flow capture with File ▸ Open Capture… (Ctrl+O)."));
}

OverviewPage::~OverviewPage()
{
    m_watcher->waitForFinished(); // its task holds no pointer to this page, but keep the pool quiet on exit
}

QTableView* OverviewPage::makeTable(QStandardItemModel* model)
{
    auto* view = new QTableView(this);
    view->setModel(model);
    view->setSortingEnabled(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    view->setShowGrid(false);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->horizontalHeader()->setHighlightSections(false);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    view->horizontalHeader()->setStretchLastSection(false);
    view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    return view;
}

void OverviewPage::setCasePath(const QString& casePath)
{
    if (casePath == m_casePath)
        return;
    m_casePath = casePath;
    m_startMs = m_endMs = 0;
    updateRangeTitles();
    loadRankings();
}

void OverviewPage::setTimeRange(int64_t startMs, int64_t endMs)
{
    if (startMs == m_startMs && endMs == m_endMs)
        return;
    m_startMs = startMs;
    m_endMs = endMs;
    updateRangeTitles();
    loadRankings();
}

void OverviewPage::refresh()
{
    updateRangeTitles();
    loadRankings();
}

bool OverviewPage::isLoading() const
{
    return m_watcher->isRunning();
}

void OverviewPage::updateRangeTitles()
{
    const bool ranged = m_startMs != 0 || m_endMs != 0;
    const QString suffix = ranged ? QStringLiteral(" · ") + DisplayFormat::utcRange(m_startMs, m_endMs) : QString();
    m_talkersTitle->setText(tr("Top talkers") + suffix);
    m_portsTitle->setText(tr("Top ports") + suffix);
}

void OverviewPage::loadRankings()
{
    ++m_generation;
    if (m_casePath.isEmpty()) {
        m_talkers->removeRows(0, m_talkers->rowCount());
        m_ports->removeRows(0, m_ports->rowCount());
        return;
    }
    const QString casePath = m_casePath;
    const quint64 generation = m_generation;
    const FlowStore::FlowSelection range{nullptr, m_startMs, m_endMs};
    const auto order = FlowStore::PortOrder(m_portOrder->currentData().toInt());
    // Two GROUP BYs over every flow of the range: seconds on a big case, so on the pool.
    m_watcher->setFuture(QtConcurrent::run([casePath, generation, range, order] {
        Rankings r;
        r.generation = generation;
        std::string error;
        auto store = FlowStore::open(QFile::encodeName(casePath).toStdString(), error, true);
        if (!store) {
            r.error = QString::fromStdString(error);
            return r;
        }
        r.talkers = store->topTalkers(range, kTopRows);
        r.ports = store->topPorts(range, order, kTopRows);
        return r;
    }));
}

void OverviewPage::applyRankings(const Rankings& r)
{
    using DisplayFormat::count;
    m_talkers->removeRows(0, m_talkers->rowCount());
    m_ports->removeRows(0, m_ports->rowCount());
    for (const auto& t : r.talkers) {
        const QString address = QString::fromStdString(t.address.toString());
        QList<QStandardItem*> row;
        const auto& b = t.address.bytes();
        row << textItem(address, QString::fromLatin1(QByteArray(reinterpret_cast<const char*>(b.data()), 16).toHex()));
        row << numberItem(DisplayFormat::bytes(double(t.bytes)), t.bytes);
        row << numberItem(count(t.flows), t.flows);
        row << numberItem(count(t.packets), t.packets);
        const QString tip = tr("%1\nSent %2 · received %3\n%4 flows · %5 packets")
                                .arg(address, DisplayFormat::bytes(double(t.bytesSent)),
                                     DisplayFormat::bytes(double(t.bytes - std::min(t.bytes, t.bytesSent))),
                                     count(t.flows), count(t.packets));
        for (QStandardItem* item : row)
            item->setToolTip(tip);
        m_talkers->appendRow(row);
    }
    for (const auto& p : r.ports) {
        QList<QStandardItem*> row;
        const QString service = ServiceNames::name(p.port, p.protocol);
        row << textItem(ServiceNames::portText(p.port, p.protocol), QVariant::fromValue<qulonglong>(
                                                                      (qulonglong(p.protocol) << 16) | p.port));
        row << textItem(service.isEmpty() ? QStringLiteral("—") : service, service);
        row << numberItem(DisplayFormat::bytes(double(p.bytes)), p.bytes);
        row << numberItem(count(p.flows), p.flows);
        row << numberItem(count(p.packets), p.packets);
        const QString tip = tr("%1%2\n%3 · %4 flows · %5 packets")
                                .arg(ServiceNames::portText(p.port, p.protocol),
                                     service.isEmpty() ? QString() : QStringLiteral(" (") + service + QLatin1Char(')'),
                                     DisplayFormat::bytes(double(p.bytes)), count(p.flows), count(p.packets));
        for (QStandardItem* item : row)
            item->setToolTip(tip);
        m_ports->appendRow(row);
    }
    // Keep the table's sort (the user may have clicked a header).
    for (QTableView* view : {m_talkersView, m_portsView})
        view->sortByColumn(view->horizontalHeader()->sortIndicatorSection(), view->horizontalHeader()->sortIndicatorOrder());
    emit rankingsReady();
}

void OverviewPage::clearSummary(const QString& message)
{
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_summaryMessage->setText(message.toHtmlEscaped());
}

void OverviewPage::setSummary(const QString& casePath, const FlowStore::Summary& s,
                              const std::vector<FlowStore::ImportRecord>& imports, const QStringList& notes)
{
    using DisplayFormat::count;
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    auto row = [this](const QString& label, const QString& value, const QString& tip = {}) {
        QLabel* v = valueLabel(m_summaryBox);
        v->setText(value);
        v->setToolTip(tip);
        m_form->addRow(label, v);
        return v;
    };
    row(tr("Case file:"), breakable(QFileInfo(casePath).fileName()), QDir::toNativeSeparators(casePath));
    QStringList files;
    QStringList fileTips;
    for (const auto& imp : imports) {
        const QString path = QString::fromStdString(imp.path);
        QString line = tr("%1 — %2, %3 records").arg(QFileInfo(path).fileName(), QString::fromStdString(imp.format),
                                                    count(imp.recordsKept));
        if (imp.recordsRejected > 0)
            line += tr(" (%1 rejected)").arg(count(imp.recordsRejected));
        files << breakable(line);
        fileTips << tr("%1\n%2 read, %3 kept, %4 rejected · %5")
                        .arg(QDir::toNativeSeparators(path), count(imp.recordsRead), count(imp.recordsKept),
                             count(imp.recordsRejected), DisplayFormat::bytes(double(imp.size)));
    }
    if (!files.isEmpty())
        row(imports.size() == 1 ? tr("File:") : tr("Files:"), files.join(QLatin1Char('\n')),
            fileTips.join(QStringLiteral("\n\n")));
    row(tr("Flows:"), count(s.flows));
    row(tr("Bytes:"), DisplayFormat::bytes(double(s.bytes)) + QStringLiteral(" (") + count(s.bytes) + QLatin1Char(')'));
    row(tr("Packets:"), count(s.packets));
    if (s.flows > 0) {
        row(tr("Time range:"), DisplayFormat::utcRange(s.startMs, s.endMs).replace(QStringLiteral(" – "), QStringLiteral(" –\n")));
        row(tr("Duration:"), DisplayFormat::duration(s.endMs - s.startMs));
    }
    row(tr("Exporters:"), count(s.exporters));
    if (!notes.isEmpty()) {
        QStringList shown = notes.mid(0, 8);
        if (notes.size() > shown.size())
            shown << tr("… and %1 more").arg(notes.size() - shown.size());
        row(tr("Import notes:"), shown.join(QLatin1Char('\n')), notes.mid(0, 50).join(QLatin1Char('\n')));
    }
    m_summaryMessage->clear();
}

void OverviewPage::setSummaryHtml(const QString& html)
{
    m_summaryMessage->setText(html);
}
