#pragma once

#include "collect/FlowCollector.h"

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

// Where to listen for exporters: UDP port, optional bind address and
// accepted exporter networks. Checks what it can before accepting.
class LiveCaptureDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LiveCaptureDialog)
public:
    explicit LiveCaptureDialog(const QString& casePath, QWidget* parent = nullptr);

    void setPort(int port);
    // Port, bind address and exporter filter as entered (casePath left empty).
    FlowCollector::Settings settings() const;

public slots:
    void accept() override;

private:
    bool validate(QString& error) const;

    QSpinBox* m_port = nullptr;
    QLineEdit* m_bind = nullptr;
    QLineEdit* m_exporters = nullptr;
    QLabel* m_error = nullptr;
};
