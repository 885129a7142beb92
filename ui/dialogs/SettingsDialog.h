#pragma once

#include "analysis/DetectionSettings.h"

#include <nlohmann/json_fwd.hpp>

#include <QDialog>
#include <QString>

#include <map>
#include <string>

class QCheckBox;
class QLabel;
class QPlainTextEdit;
class QRadioButton;
class QTableWidget;
class QTabWidget;

// Edit ▸ Preferences: internal networks, the allowlist (suppression rules),
// indicators, every detector threshold (the keys of docs/detection-config.md)
// and how times are shown. The detection part is saved as a configuration
// file in the format of `flowsift-cli analyze --config` (only what differs
// from the defaults), so the command line can run with the same settings.
class SettingsDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)
public:
    SettingsDialog(const DetectionSettings& settings, bool localTime, QWidget* parent = nullptr);

    // What the dialog shows now, validated; false with error naming the field.
    bool readSettings(DetectionSettings& out, QString& error) const;
    // The accepted settings (valid after exec() returned Accepted).
    const DetectionSettings& settings() const { return m_result; }
    bool localTime() const;

    // The editor of one threshold, by its configuration key ("port_scan.min_failed_targets").
    QWidget* thresholdEditor(const QString& key) const;
    void setThreshold(const QString& key, double value);
    QTabWidget* tabs() const { return m_tabs; }
    QPlainTextEdit* internalNetworksEdit() const { return m_networks; }
    QTableWidget* suppressionsTable() const { return m_rules; }

    // The user's saved configuration: ~/.config/flowsift/detection.json.
    static QString configFilePath();
    // Applies the saved file over the defaults (no file: defaults). False with error on a bad file.
    static bool loadSaved(DetectionSettings& settings, QString& error);
    static bool save(const DetectionSettings& settings, QString& error);
    // The keys of settings that differ from the defaults, as a configuration object.
    static nlohmann::json differencesFromDefaults(const DetectionSettings& settings);

    void accept() override;

private:
    QWidget* createNetworksTab();
    QWidget* createAllowlistTab();
    QWidget* createIndicatorsTab();
    QWidget* createThresholdsTab();
    QWidget* createDisplayTab();
    void showSettings(const DetectionSettings& s);
    void addRuleRow(const SuppressionRule& rule, bool builtIn);
    bool buildConfig(nlohmann::json& config, QString& error) const;
    void importFile();
    void exportFile();

    QTabWidget* m_tabs = nullptr;
    QPlainTextEdit* m_networks = nullptr;
    QCheckBox* m_inferIpv6 = nullptr;
    QTableWidget* m_rules = nullptr;
    QPlainTextEdit* m_indicators = nullptr;
    QPlainTextEdit* m_indicatorFiles = nullptr;
    std::map<std::string, QWidget*> m_thresholds; // "section.key" -> editor
    QRadioButton* m_utc = nullptr;
    QRadioButton* m_local = nullptr;
    QLabel* m_error = nullptr;
    DetectionSettings m_result;
};
