#pragma once

#include "model/Finding.h"

#include <QWidget>

#include <vector>

class FindingsFilterProxy;
class QComboBox;
class QLineEdit;
class QToolButton;

// The findings table's type, severity and host filters, beside its text
// filter. Each control sets one filter of the FindingsFilterProxy, so they all
// combine; the lists show how many findings each choice holds.
class FindingsFilterBar final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FindingsFilterBar)
public:
    explicit FindingsFilterBar(FindingsFilterProxy* proxy, QWidget* parent = nullptr);

    // The findings shown in the table (for the counts and the host completer).
    void setFindings(const std::vector<Finding>& findings);
    // Back to every type, every severity, every host.
    void clearFilters();

    QComboBox* typeCombo() const { return m_type; }
    QComboBox* severityCombo() const { return m_severity; }
    QLineEdit* hostEdit() const { return m_host; }

private:
    void applyType();
    void applySeverity();
    void applyHost();
    void updateClearButton();

    FindingsFilterProxy* m_proxy = nullptr;
    QComboBox* m_type = nullptr;
    QComboBox* m_severity = nullptr;
    QLineEdit* m_host = nullptr;
    QToolButton* m_clear = nullptr;
};
