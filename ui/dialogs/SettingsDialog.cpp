#include "dialogs/SettingsDialog.h"

#include "analysis/DetectionConfig.h"

#include <nlohmann/json.hpp>

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QScrollArea>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

using nlohmann::json;

namespace {

enum RuleColumn { RuleEnabled, RuleName, RuleType, RuleProtocol, RulePorts, RuleDestinations, RuleSources, RuleColumns };

// The detector sections of the configuration, in the order the docs list them.
const std::pair<const char*, const char*> kSections[] = {
    {"beacon", QT_TRANSLATE_NOOP("SettingsDialog", "Beacons")},
    {"port_scan", QT_TRANSLATE_NOOP("SettingsDialog", "Port scans")},
    {"exfiltration", QT_TRANSLATE_NOOP("SettingsDialog", "Exfiltration")},
    {"volumetric", QT_TRANSLATE_NOOP("SettingsDialog", "Volumetric floods")},
    {"long_connection", QT_TRANSLATE_NOOP("SettingsDialog", "Long connections")},
};

// What each threshold means (docs/detection-config.md), shown as its tooltip.
QString thresholdHelp(const std::string& key)
{
    static const std::map<std::string, const char*> help = {
        {"beacon.min_beats", "Fewest beats (connections, or bursts of them) a series needs"},
        {"beacon.min_inbound_beats", "The same for outside hosts calling in (crawlers return on schedules too)"},
        {"beacon.beat_merge_ms", "Connections this close (ms) form one beat"},
        {"beacon.common_prevalence", "Share of internal clients (at least 3) that makes a destination common, not a beacon"},
        {"port_scan.min_failed_targets", "Failed hosts (horizontal) or ports (vertical) a scan needs"},
        {"port_scan.min_failed_share", "Share of the source's attempts that failed"},
        {"exfiltration.min_bytes", "Upload to one destination below which nothing is reported"},
        {"exfiltration.min_producer_consumer_ratio", "(sent − received) / (sent + received)"},
        {"volumetric.bucket_ms", "Time bucket of the baseline, ms (at least 1000)"},
        {"volumetric.min_z", "Robust z-score of a bucket's packets over the baseline"},
        {"volumetric.min_packets_per_second", "Floor under which a bucket is never a flood"},
        {"volumetric.min_sources", "Distinct sources a flood needs"},
        {"long_connection.min_duration_ms", "Sessions from this duration (ms) are reported"},
        {"long_connection.high_duration_ms", "Duration (ms) at which the duration part of the score is full"},
        {"long_connection.internal_to_internal", "Also report sessions inside the network"},
    };
    auto it = help.find(key);
    return it == help.end() ? QString() : QString::fromUtf8(it->second);
}

QString humanKey(const std::string& key)
{
    QString text = QString::fromStdString(key);
    text.replace(QLatin1Char('_'), QLatin1Char(' '));
    if (text.endsWith(QStringLiteral(" ms"))) {
        text.chop(3);
        text += QStringLiteral(" (ms)");
    }
    text = text.replace(QStringLiteral("trw "), QStringLiteral("TRW "));
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    return text + QLatin1Char(':');
}

QStringList lines(const QPlainTextEdit* edit)
{
    QStringList out;
    for (const QString& line : edit->toPlainText().split(QLatin1Char('\n'))) {
        const QString t = line.trimmed();
        if (!t.isEmpty())
            out << t;
    }
    return out;
}

QStringList splitList(const QString& text)
{
    return text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts);
}

QString joinPrefixes(const std::vector<IpPrefix>& prefixes)
{
    QStringList out;
    for (const IpPrefix& p : prefixes)
        out << QString::fromStdString(p.toString());
    return out.join(QStringLiteral(", "));
}

} // namespace

SettingsDialog::SettingsDialog(const DetectionSettings& settings, bool localTime, QWidget* parent)
    : QDialog(parent)
    , m_tabs(new QTabWidget(this))
    , m_result(settings)
{
    setWindowTitle(tr("Preferences"));
    setObjectName(QStringLiteral("settingsDialog"));
    m_tabs->addTab(createNetworksTab(), tr("Networks"));
    m_tabs->addTab(createAllowlistTab(), tr("Allowlist"));
    m_tabs->addTab(createIndicatorsTab(), tr("Indicators"));
    m_tabs->addTab(createThresholdsTab(), tr("Thresholds"));
    m_tabs->addTab(createDisplayTab(), tr("Display"));
    (localTime ? m_local : m_utc)->setChecked(true);

    m_error = new QLabel(this);
    m_error->setTextFormat(Qt::PlainText); // quotes what the user typed
    m_error->setWordWrap(true);
    m_error->setVisible(false);
    QPalette errorPalette = m_error->palette();
    errorPalette.setColor(QPalette::WindowText, QColor(0xd0, 0x30, 0x30));
    m_error->setPalette(errorPalette);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel
                                         | QDialogButtonBox::RestoreDefaults, this);
    QPushButton* importButton = buttons->addButton(tr("Import…"), QDialogButtonBox::ActionRole);
    importButton->setToolTip(tr("Read a detection configuration file (flowsift-cli analyze --config)"));
    QPushButton* exportButton = buttons->addButton(tr("Export…"), QDialogButtonBox::ActionRole);
    exportButton->setToolTip(tr("Write these settings as a configuration file for flowsift-cli analyze --config"));
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this, [this] {
        showSettings(DetectionSettings{});
        m_utc->setChecked(true);
    });
    connect(importButton, &QPushButton::clicked, this, &SettingsDialog::importFile);
    connect(exportButton, &QPushButton::clicked, this, &SettingsDialog::exportFile);

    QString shownPath = QDir::toNativeSeparators(configFilePath());
    const QString home = QDir::toNativeSeparators(QDir::homePath());
    if (shownPath.startsWith(home + QDir::separator()))
        shownPath = QLatin1Char('~') + shownPath.mid(home.size());
    auto* note = new QLabel(tr("Saved in %1 (the format of flowsift-cli analyze --config); applying re-runs the "
                               "detectors on the open case.")
                                .arg(shownPath),
                            this);
    note->setTextFormat(Qt::PlainText);
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_error);
    layout->addWidget(note);
    layout->addWidget(buttons);
    showSettings(settings);
    // In font units, so the dialog grows with the font (high DPI, large fonts).
    const int em = fontMetrics().horizontalAdvance(QLatin1Char('M'));
    resize(72 * em, 44 * fontMetrics().height());
}

QWidget* SettingsDialog::createNetworksTab()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    auto* label = new QLabel(tr("Internal networks, one per line (CIDR). Empty: RFC 1918 and fc00::/7, and the site's "
                                "global IPv6 /48s learnt from the traffic."),
                             page);
    label->setWordWrap(true);
    layout->addWidget(label);
    m_networks = new QPlainTextEdit(page);
    m_networks->setObjectName(QStringLiteral("internal_networks"));
    m_networks->setPlaceholderText(QStringLiteral("10.0.0.0/8\n172.16.0.0/12\n192.168.0.0/16\nfc00::/7"));
    m_networks->setTabChangesFocus(true);
    layout->addWidget(m_networks, 1);
    m_inferIpv6 = new QCheckBox(tr("Learn the site's global IPv6 /48s from the traffic when the list is empty"), page);
    layout->addWidget(m_inferIpv6);
    return page;
}

QWidget* SettingsDialog::createAllowlistTab()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    auto* label = new QLabel(tr("Benign traffic that would raise findings. A matching finding is kept but rated info, "
                                "with the rule named. Built-in rules can be turned off, not removed. Ports, "
                                "destinations and sources: lists separated by commas (empty: any)."),
                             page);
    label->setWordWrap(true);
    layout->addWidget(label);
    m_rules = new QTableWidget(0, RuleColumns, page);
    m_rules->setHorizontalHeaderLabels(
        {tr("On"), tr("Name"), tr("Finding type"), tr("Protocol"), tr("Ports"), tr("Destinations"), tr("Sources")});
    m_rules->horizontalHeaderItem(RuleType)->setToolTip(tr("beacon, port_scan, exfiltration, volumetric, "
                                                           "long_connection, indicator; empty: any"));
    m_rules->horizontalHeaderItem(RuleProtocol)->setToolTip(tr("IP protocol number: 6 TCP, 17 UDP; 0: any"));
    m_rules->verticalHeader()->hide();
    m_rules->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_rules->horizontalHeader()->setSectionResizeMode(RuleDestinations, QHeaderView::Stretch);
    m_rules->setSelectionBehavior(QAbstractItemView::SelectRows);
    layout->addWidget(m_rules, 1);
    auto* row = new QHBoxLayout;
    auto* add = new QPushButton(tr("Add Rule"), page);
    auto* remove = new QPushButton(tr("Remove Rule"), page);
    row->addWidget(add);
    row->addWidget(remove);
    row->addStretch(1);
    layout->addLayout(row);
    connect(add, &QPushButton::clicked, this, [this] {
        SuppressionRule rule;
        rule.name = "rule-" + std::to_string(m_rules->rowCount() + 1);
        addRuleRow(rule, false);
        m_rules->setCurrentCell(m_rules->rowCount() - 1, RuleName);
        m_rules->editItem(m_rules->item(m_rules->rowCount() - 1, RuleName));
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        const int r = m_rules->currentRow();
        if (r < 0)
            return;
        if (m_rules->item(r, RuleName)->data(Qt::UserRole).toBool()) {
            m_rules->item(r, RuleEnabled)->setCheckState(Qt::Unchecked); // built in: off instead
            return;
        }
        m_rules->removeRow(r);
    });
    return page;
}

QWidget* SettingsDialog::createIndicatorsTab()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    auto* label = new QLabel(tr("Known-bad addresses or networks, one per line, text after the address is its label:"),
                             page);
    label->setWordWrap(true);
    layout->addWidget(label);
    m_indicators = new QPlainTextEdit(page);
    m_indicators->setPlaceholderText(QStringLiteral("203.0.113.7 known C2\n198.51.100.0/24"));
    m_indicators->setTabChangesFocus(true);
    layout->addWidget(m_indicators, 2);
    layout->addWidget(new QLabel(tr("Indicator list files, one path per line:"), page));
    m_indicatorFiles = new QPlainTextEdit(page);
    m_indicatorFiles->setTabChangesFocus(true);
    layout->addWidget(m_indicatorFiles, 1);
    auto* browse = new QPushButton(tr("Add File…"), page);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Indicator List"));
        if (!path.isEmpty())
            m_indicatorFiles->appendPlainText(path);
    });
    auto* row = new QHBoxLayout;
    row->addWidget(browse);
    row->addStretch(1);
    layout->addLayout(row);
    return page;
}

QWidget* SettingsDialog::createThresholdsTab()
{
    const json defaults = DetectionConfig::toJson(DetectionSettings{});
    auto* content = new QWidget(this);
    auto* layout = new QVBoxLayout(content);
    for (const auto& [section, title] : kSections) {
        auto* box = new QGroupBox(tr(title), content);
        auto* form = new QFormLayout(box);
        form->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
        for (const auto& [key, value] : defaults.at(section).items()) {
            const std::string dotted = std::string(section) + "." + key;
            QWidget* editor = nullptr;
            if (value.is_boolean()) {
                editor = new QCheckBox(box);
            } else {
                auto* spin = new QDoubleSpinBox(box);
                const bool integral = value.is_number_integer();
                spin->setDecimals(integral ? 0 : 3);
                spin->setRange(0, 1e15);
                spin->setSingleStep(integral ? 1 : 0.05);
                spin->setGroupSeparatorShown(true);
                spin->setLocale(QLocale(QLocale::English, QLocale::UnitedStates)); // same digits as the config file
                spin->setMinimumWidth(spin->fontMetrics().horizontalAdvance(QStringLiteral("000,000,000,000")));
                editor = spin;
            }
            editor->setObjectName(QString::fromStdString(dotted));
            const QString help = thresholdHelp(dotted);
            editor->setToolTip((help.isEmpty() ? QString() : help + QLatin1Char('\n'))
                               + tr("Key %1, default %2").arg(QString::fromStdString(dotted),
                                                              QString::fromStdString(value.dump())));
            form->addRow(humanKey(key), editor);
            m_thresholds[dotted] = editor;
        }
        layout->addWidget(box);
    }
    layout->addStretch(1);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    return scroll;
}

QWidget* SettingsDialog::createDisplayTab()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    auto* box = new QGroupBox(tr("Times"), page);
    auto* boxLayout = new QVBoxLayout(box);
    m_utc = new QRadioButton(tr("UTC (flow exports and reports use it)"), box);
    m_local = new QRadioButton(tr("Local time of this computer"), box);
    boxLayout->addWidget(m_utc);
    boxLayout->addWidget(m_local);
    layout->addWidget(box);
    layout->addStretch(1);
    return page;
}

void SettingsDialog::addRuleRow(const SuppressionRule& rule, bool builtIn)
{
    const int r = m_rules->rowCount();
    m_rules->insertRow(r);
    auto* on = new QTableWidgetItem;
    on->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
    on->setCheckState(rule.enabled ? Qt::Checked : Qt::Unchecked);
    m_rules->setItem(r, RuleEnabled, on);
    auto* name = new QTableWidgetItem(QString::fromStdString(rule.name));
    name->setData(Qt::UserRole, builtIn);
    if (builtIn) {
        name->setFlags(name->flags() & ~Qt::ItemIsEditable); // the name is how a built-in rule is changed
        name->setToolTip(tr("Built-in rule"));
    }
    m_rules->setItem(r, RuleName, name);
    m_rules->setItem(r, RuleType, new QTableWidgetItem(QString::fromStdString(rule.findingType)));
    m_rules->setItem(r, RuleProtocol, new QTableWidgetItem(QString::number(rule.protocol)));
    QStringList ports;
    for (uint16_t p : rule.ports)
        ports << QString::number(p);
    m_rules->setItem(r, RulePorts, new QTableWidgetItem(ports.join(QStringLiteral(", "))));
    m_rules->setItem(r, RuleDestinations, new QTableWidgetItem(joinPrefixes(rule.destinations)));
    m_rules->setItem(r, RuleSources, new QTableWidgetItem(joinPrefixes(rule.sources)));
}

void SettingsDialog::showSettings(const DetectionSettings& s)
{
    QStringList networks;
    for (const IpPrefix& p : s.internalNetworks)
        networks << QString::fromStdString(p.toString());
    m_networks->setPlainText(networks.join(QLatin1Char('\n')));
    m_inferIpv6->setChecked(s.inferInternalIpv6);

    m_rules->setRowCount(0);
    const auto builtIns = SuppressionRule::defaults();
    for (const SuppressionRule& rule : s.suppressions) {
        const bool builtIn = std::any_of(builtIns.begin(), builtIns.end(),
                                         [&](const SuppressionRule& d) { return d.name == rule.name; });
        addRuleRow(rule, builtIn);
    }

    const json config = DetectionConfig::toJson(s);
    QStringList indicators;
    for (const json& line : config.at("indicators"))
        indicators << QString::fromStdString(line.get<std::string>());
    m_indicators->setPlainText(indicators.join(QLatin1Char('\n')));
    QStringList files;
    for (const std::string& f : s.indicatorFiles)
        files << QString::fromStdString(f);
    m_indicatorFiles->setPlainText(files.join(QLatin1Char('\n')));

    for (const auto& [section, title] : kSections) {
        Q_UNUSED(title);
        for (const auto& [key, value] : config.at(section).items()) {
            QWidget* editor = m_thresholds.at(std::string(section) + "." + key);
            if (auto* check = qobject_cast<QCheckBox*>(editor))
                check->setChecked(value.get<bool>());
            else if (auto* spin = qobject_cast<QDoubleSpinBox*>(editor))
                spin->setValue(value.get<double>());
        }
    }
    m_error->setVisible(false);
}

bool SettingsDialog::buildConfig(json& config, QString& error) const
{
    config = json::object();
    json networks = json::array();
    for (const QString& n : splitList(m_networks->toPlainText())) // one per line, or separated by commas
        networks.push_back(n.toStdString());
    config["internal_networks"] = networks;
    config["infer_internal_ipv6"] = m_inferIpv6->isChecked();

    json rules = json::array();
    for (int r = 0; r < m_rules->rowCount(); ++r) {
        auto text = [&](int c) { return m_rules->item(r, c) ? m_rules->item(r, c)->text().trimmed() : QString(); };
        const QString name = text(RuleName);
        if (name.isEmpty()) {
            error = tr("Allowlist row %1: a rule needs a name").arg(r + 1);
            return false;
        }
        json rule = {{"name", name.toStdString()}, {"finding_type", text(RuleType).toStdString()},
                     {"enabled", m_rules->item(r, RuleEnabled)->checkState() == Qt::Checked}};
        bool ok = false;
        const uint protocol = text(RuleProtocol).isEmpty() ? 0 : text(RuleProtocol).toUInt(&ok);
        if (!text(RuleProtocol).isEmpty() && (!ok || protocol > 255)) {
            error = tr("Allowlist rule “%1”: protocol must be a number from 0 to 255").arg(name);
            return false;
        }
        rule["protocol"] = protocol;
        json ports = json::array();
        for (const QString& p : splitList(text(RulePorts))) {
            const uint port = p.toUInt(&ok);
            if (!ok || port > 65535) {
                error = tr("Allowlist rule “%1”: “%2” is not a port number").arg(name, p);
                return false;
            }
            ports.push_back(port);
        }
        rule["ports"] = ports;
        json destinations = json::array();
        for (const QString& d : splitList(text(RuleDestinations)))
            destinations.push_back(d.toStdString());
        rule["destinations"] = destinations;
        json sources = json::array();
        for (const QString& d : splitList(text(RuleSources)))
            sources.push_back(d.toStdString());
        rule["sources"] = sources;
        rules.push_back(rule);
    }
    config["suppressions"] = rules;

    json indicators = json::array();
    for (const QString& i : lines(m_indicators))
        indicators.push_back(i.toStdString());
    config["indicators"] = indicators;
    json files = json::array();
    for (const QString& f : lines(m_indicatorFiles))
        files.push_back(f.toStdString());
    config["indicator_files"] = files;

    for (const auto& [section, title] : kSections) {
        Q_UNUSED(title);
        json values = json::object();
        const std::string prefix = std::string(section) + ".";
        for (const auto& [dotted, editor] : m_thresholds) {
            if (dotted.rfind(prefix, 0) != 0)
                continue;
            const std::string key = dotted.substr(prefix.size());
            if (auto* check = qobject_cast<QCheckBox*>(editor)) {
                values[key] = check->isChecked();
            } else if (auto* spin = qobject_cast<QDoubleSpinBox*>(editor)) {
                if (spin->decimals() == 0)
                    values[key] = int64_t(std::llround(spin->value()));
                else
                    values[key] = spin->value();
            }
        }
        config[section] = values;
    }
    return true;
}

bool SettingsDialog::readSettings(DetectionSettings& out, QString& error) const
{
    json config;
    if (!buildConfig(config, error))
        return false;
    // Over fresh defaults: a built-in rule keeps its place, custom rules are those listed.
    DetectionSettings next;
    std::string message;
    if (!DetectionConfig::apply(config, next, "preferences", message)) {
        error = QString::fromStdString(message);
        return false;
    }
    out = std::move(next);
    return true;
}

bool SettingsDialog::localTime() const
{
    return m_local->isChecked();
}

QWidget* SettingsDialog::thresholdEditor(const QString& key) const
{
    auto it = m_thresholds.find(key.toStdString());
    return it == m_thresholds.end() ? nullptr : it->second;
}

void SettingsDialog::setThreshold(const QString& key, double value)
{
    QWidget* editor = thresholdEditor(key);
    if (auto* spin = qobject_cast<QDoubleSpinBox*>(editor))
        spin->setValue(value);
    else if (auto* check = qobject_cast<QCheckBox*>(editor))
        check->setChecked(value != 0);
}

void SettingsDialog::accept()
{
    QString error;
    DetectionSettings next;
    if (!readSettings(next, error)) {
        m_error->setText(error);
        m_error->setVisible(true);
        return;
    }
    m_result = std::move(next);
    QDialog::accept();
}

void SettingsDialog::importFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Import Detection Configuration"), QString(),
                                                      tr("JSON files (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    DetectionSettings s;
    std::string error;
    if (!DetectionConfig::applyFile(QFile::encodeName(path).toStdString(), s, error)) {
        m_error->setText(QString::fromStdString(error));
        m_error->setVisible(true);
        return;
    }
    showSettings(s);
}

void SettingsDialog::exportFile()
{
    DetectionSettings s;
    QString error;
    if (!readSettings(s, error)) {
        m_error->setText(error);
        m_error->setVisible(true);
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Detection Configuration"),
                                                      QDir::home().filePath(QStringLiteral("flowsift-config.json")),
                                                      tr("JSON files (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    QSaveFile file(path);
    const std::string text = DetectionConfig::toJson(s).dump(2) + "\n";
    if (!file.open(QIODevice::WriteOnly) || file.write(text.data(), qint64(text.size())) != qint64(text.size())
        || !file.commit()) {
        m_error->setText(tr("%1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
        m_error->setVisible(true);
    }
}

QString SettingsDialog::configFilePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
        + QStringLiteral("/flowsift/detection.json");
}

bool SettingsDialog::loadSaved(DetectionSettings& settings, QString& error)
{
    settings = DetectionSettings{};
    const QString path = configFilePath();
    if (!QFileInfo::exists(path))
        return true;
    std::string message;
    if (!DetectionConfig::applyFile(QFile::encodeName(path).toStdString(), settings, message)) {
        error = QString::fromStdString(message);
        settings = DetectionSettings{};
        return false;
    }
    return true;
}

json SettingsDialog::differencesFromDefaults(const DetectionSettings& settings)
{
    const json now = DetectionConfig::toJson(settings);
    const json defaults = DetectionConfig::toJson(DetectionSettings{});
    json out = json::object();
    for (const auto& [key, value] : now.items()) {
        const json& d = defaults.contains(key) ? defaults.at(key) : json();
        if (value == d)
            continue;
        if (value.is_object() && d.is_object()) {
            json section = json::object();
            for (const auto& [k, v] : value.items())
                if (!d.contains(k) || d.at(k) != v)
                    section[k] = v;
            out[key] = section;
        } else if (key == "suppressions") {
            // Only the rules that are new or changed: the file stays valid when the built-ins change.
            json rules = json::array();
            for (const json& rule : value) {
                const auto same = std::find(d.begin(), d.end(), rule);
                if (same == d.end())
                    rules.push_back(rule);
            }
            out[key] = rules;
        } else {
            out[key] = value;
        }
    }
    return out;
}

bool SettingsDialog::save(const DetectionSettings& settings, QString& error)
{
    const QString path = configFilePath();
    QDir().mkpath(QFileInfo(path).absolutePath());
    const std::string text = "// Flowsift detection settings (Edit ▸ Preferences); the format of flowsift-cli "
                             "analyze --config.\n"
        + differencesFromDefaults(settings).dump(2) + "\n";
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.data(), qint64(text.size())) != qint64(text.size())
        || !file.commit()) {
        error = tr("%1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
}
