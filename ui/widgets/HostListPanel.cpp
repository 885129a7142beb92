#include "widgets/HostListPanel.h"

#include "models/CaseSettings.h"
#include "models/HostListModel.h"
#include "query/FlowFilter.h"
#include "store/FlowStore.h"

#include <QFutureWatcher>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent>

HostListPanel::HostListPanel(QWidget* parent)
    : QWidget(parent)
    , m_model(new HostListModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("hostSearch"));
    m_search->setClearButtonEnabled(true);
    m_search->setPlaceholderText(tr("Search hosts or any address…"));
    m_search->setToolTip(tr("Narrows the list as you type; Enter opens the host (any address in the case)"));
    layout->addWidget(m_search);

    m_message = new QLabel(this);
    m_message->setTextFormat(Qt::PlainText);
    m_message->setWordWrap(true);
    m_message->hide();
    layout->addWidget(m_message);

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(HostListModel::RawValueRole);
    m_proxy->setFilterKeyColumn(HostListModel::HostColumn);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("hostsTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(HostListModel::ScoreColumn, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setHighlightSections(false);
    // The dock is narrow: every column fits its content (an address is never cut),
    // the last one takes what is left.
    m_table->horizontalHeader()->setMinimumSectionSize(24);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(m_table, 1);

    m_count = new QLabel(this);
    m_count->setTextFormat(Qt::PlainText);
    layout->addWidget(m_count);
    updateCount();

    connect(m_search, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_proxy->setFilterFixedString(text.trimmed());
        m_message->hide();
        updateCount();
    });
    connect(m_search, &QLineEdit::returnPressed, this, &HostListPanel::openSearch);
    // Enter and double-click on a row open it (activated covers both, per platform style).
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex& index) { activateRow(index.row()); });
}

QSize HostListPanel::sizeHint() const
{
    const QFontMetrics fm = fontMetrics();
    return {fm.horizontalAdvance(QStringLiteral("255.255.255.255 100.0 99 Critical external")) + 70, 600};
}

void HostListPanel::setCasePath(const QString& casePath)
{
    m_casePath = casePath;
    const quint64 generation = ++m_generation;
    m_message->hide();
    if (casePath.isEmpty()) {
        m_model->setSettings(DetectionSettings{});
        return;
    }
    // The case's networks decide internal/external; reading them is quick but still I/O.
    auto* watcher = new QFutureWatcher<DetectionSettings>(this);
    connect(watcher, &QFutureWatcher<DetectionSettings>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation == m_generation)
            m_model->setSettings(watcher->result());
        updateCount();
    });
    const std::string path = casePath.toStdString();
    watcher->setFuture(QtConcurrent::run([path] {
        std::string error;
        auto store = FlowStore::open(path, error, true);
        return store ? CaseSettings::read(*store) : DetectionSettings{};
    }));
}

void HostListPanel::setFindings(const std::vector<Finding>& findings)
{
    m_model->setFindings(findings);
    updateCount();
}

void HostListPanel::updateCount()
{
    const int shown = m_proxy->rowCount();
    const int all = m_model->rowCount();
    const QString hosts = all == 1 ? tr("1 host with findings") : tr("%1 hosts with findings").arg(all);
    m_count->setText(shown == all ? hosts : tr("%1 of %2").arg(shown).arg(hosts));
}

void HostListPanel::activateRow(int proxyRow)
{
    const QString address = m_proxy->index(proxyRow, HostListModel::HostColumn).data(HostListModel::AddressRole).toString();
    if (!address.isEmpty())
        emit hostActivated(address);
}

void HostListPanel::openSearch()
{
    const QString text = m_search->text().trimmed();
    if (text.isEmpty()) {
        if (m_proxy->rowCount() > 0)
            activateRow(m_table->currentIndex().isValid() ? m_table->currentIndex().row() : 0);
        return;
    }
    const auto address = IpAddress::parse(text.toStdString());
    if (!address) {
        if (m_proxy->rowCount() > 0)
            activateRow(0);
        else {
            m_message->setText(tr("No host matches “%1”; type a full address to open any host of the case.").arg(text));
            m_message->show();
            emit searchNotFound(text);
        }
        return;
    }
    const QString canonical = QString::fromStdString(address->toString());
    if (m_casePath.isEmpty()) {
        emit hostActivated(canonical);
        return;
    }
    // Any address of the case, not only the listed ones: check it has flows
    // (without the lookup indexes this scans the case, so off the UI thread).
    const quint64 generation = m_generation;
    auto* watcher = new QFutureWatcher<bool>(this);
    connect(watcher, &QFutureWatcher<bool>::finished, this, [this, watcher, generation, canonical, text] {
        watcher->deleteLater();
        if (generation != m_generation)
            return;
        if (watcher->result()) {
            m_message->hide();
            emit hostActivated(canonical);
        } else {
            m_message->setText(tr("%1 has no flows in this case.").arg(canonical));
            m_message->show();
            emit searchNotFound(text);
        }
    });
    const std::string path = m_casePath.toStdString();
    const std::string expression = "host " + address->toString();
    watcher->setFuture(QtConcurrent::run([path, expression] {
        std::string error;
        auto store = FlowStore::open(path, error, true);
        FlowFilter::Error parseError;
        auto filter = FlowFilter::parse(expression, parseError);
        if (!store || !filter)
            return false;
        bool found = false;
        store->forEachFlowMatching({&*filter, 0, 0}, [&](const FlowRecord&, int64_t) { return !(found = true); }, 1);
        return found;
    }));
}
