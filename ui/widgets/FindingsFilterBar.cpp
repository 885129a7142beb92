#include "widgets/FindingsFilterBar.h"

#include "models/FindingsFilterProxy.h"
#include "models/FindingsModel.h"
#include "util/DisplayFormat.h"

#include <QComboBox>
#include <QCompleter>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QStringListModel>
#include <QToolButton>

#include <algorithm>
#include <map>
#include <set>

namespace {

QString typeName(const std::string& type)
{
    Finding f;
    f.type = type;
    return FindingsModel::typeText(f);
}

} // namespace

FindingsFilterBar::FindingsFilterBar(FindingsFilterProxy* proxy, QWidget* parent)
    : QWidget(parent)
    , m_proxy(proxy)
    , m_type(new QComboBox(this))
    , m_severity(new QComboBox(this))
    , m_host(new QLineEdit(this))
    , m_clear(new QToolButton(this))
{
    m_type->setObjectName(QStringLiteral("findingTypeFilter"));
    m_type->setToolTip(tr("Show one kind of finding"));
    m_type->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_severity->setObjectName(QStringLiteral("findingSeverityFilter"));
    m_severity->setToolTip(tr("Show findings of this severity or above"));
    m_severity->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_host->setObjectName(QStringLiteral("findingHostFilter"));
    m_host->setPlaceholderText(tr("Host address"));
    m_host->setToolTip(tr("Show the findings of one host (source or destination); press Enter to apply"));
    m_host->setClearButtonEnabled(true);
    m_host->setMinimumWidth(m_host->fontMetrics().horizontalAdvance(QStringLiteral("2001:db8:10:5::23")) + 40);
    auto* completer = new QCompleter(new QStringListModel(this), this);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchStartsWith);
    m_host->setCompleter(completer);
    m_clear->setText(tr("Clear"));
    m_clear->setToolTip(tr("Show every finding again (type, severity and host filters)"));
    m_clear->setAutoRaise(true);
    m_clear->setVisible(false);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addWidget(m_type);
    layout->addWidget(m_severity);
    layout->addWidget(m_host);
    layout->addWidget(m_clear);

    setFindings({});
    connect(m_type, &QComboBox::currentIndexChanged, this, &FindingsFilterBar::applyType);
    connect(m_severity, &QComboBox::currentIndexChanged, this, &FindingsFilterBar::applySeverity);
    // A host applies once complete (Enter, a completion, leaving the field) or cleared:
    // half-typed addresses would empty the table at every keystroke.
    connect(m_host, &QLineEdit::editingFinished, this, &FindingsFilterBar::applyHost);
    connect(completer, qOverload<const QString&>(&QCompleter::activated), this, &FindingsFilterBar::applyHost);
    connect(m_host, &QLineEdit::textChanged, this, [this](const QString& text) {
        if (text.isEmpty())
            applyHost();
    });
    connect(m_clear, &QToolButton::clicked, this, &FindingsFilterBar::clearFilters);
}

void FindingsFilterBar::setFindings(const std::vector<Finding>& findings)
{
    const QString type = m_type->currentData().toString();
    const int severity = m_severity->currentData().isValid() ? m_severity->currentData().toInt() : 0;
    std::map<std::string, size_t> byType;
    size_t bySeverity[5] = {};
    std::set<std::string> hosts;
    for (const Finding& f : findings) {
        ++byType[f.type];
        ++bySeverity[std::clamp(int(f.severity), 0, 4)];
        if (f.src)
            hosts.insert(f.src->toString());
        for (size_t i = 0; i < f.dst.size() && i < 64; ++i)
            hosts.insert(f.dst[i].toString());
    }
    {
        const QSignalBlocker block(m_type);
        m_type->clear();
        m_type->addItem(tr("All types (%1)").arg(DisplayFormat::count(findings.size())), QString());
        for (const auto& [name, n] : byType)
            m_type->addItem(QStringLiteral("%1 (%2)").arg(typeName(name), DisplayFormat::count(n)), QString::fromStdString(name));
        const int keep = m_type->findData(type);
        m_type->setCurrentIndex(std::max(keep, 0));
    }
    {
        const QSignalBlocker block(m_severity);
        m_severity->clear();
        size_t atLeast = 0;
        std::vector<std::pair<QString, int>> items;
        for (int s = 4; s >= 0; --s) {
            atLeast += bySeverity[s];
            const QString name = FindingsModel::severityText(Severity(s));
            items.emplace_back(s == 4 ? tr("%1 (%2)").arg(name, DisplayFormat::count(atLeast))
                                      : s == 0 ? tr("Any severity (%1)").arg(DisplayFormat::count(atLeast))
                                               : tr("%1 and above (%2)").arg(name, DisplayFormat::count(atLeast)),
                               s);
        }
        for (auto it = items.rbegin(); it != items.rend(); ++it)
            m_severity->addItem(it->first, it->second);
        m_severity->setCurrentIndex(std::max(m_severity->findData(severity), 0));
    }
    QStringList hostList;
    for (const std::string& h : hosts)
        hostList << QString::fromStdString(h);
    static_cast<QStringListModel*>(m_host->completer()->model())->setStringList(hostList);
    // A type or severity that no longer exists falls back to "all": keep the proxy in step.
    applyType();
    applySeverity();
}

void FindingsFilterBar::clearFilters()
{
    m_type->setCurrentIndex(0);
    m_severity->setCurrentIndex(0);
    m_host->clear();
    applyHost();
}

void FindingsFilterBar::applyType()
{
    const QString type = m_type->currentData().toString();
    const QSet<QString> types = type.isEmpty() ? QSet<QString>() : QSet<QString>{type};
    if (types != m_proxy->types())
        m_proxy->setTypes(types);
    updateClearButton();
}

void FindingsFilterBar::applySeverity()
{
    const Severity s = Severity(std::clamp(m_severity->currentData().toInt(), 0, 4));
    if (s != m_proxy->minimumSeverity())
        m_proxy->setMinimumSeverity(s);
    updateClearButton();
}

void FindingsFilterBar::applyHost()
{
    // The proxy compares text forms: write the address the way the findings do (IPv6 compressed).
    QString host = m_host->text().trimmed();
    if (const auto address = IpAddress::parse(host.toStdString()))
        host = QString::fromStdString(address->toString());
    if (host != m_proxy->host())
        m_proxy->setHost(host);
    updateClearButton();
}

void FindingsFilterBar::updateClearButton()
{
    m_clear->setVisible(!m_proxy->types().isEmpty() || m_proxy->minimumSeverity() != Severity::Info
                        || !m_proxy->host().isEmpty());
}
