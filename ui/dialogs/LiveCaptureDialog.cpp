#include "dialogs/LiveCaptureDialog.h"

#include <QDialogButtonBox>
#include <QPushButton>
#include <QDir>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

LiveCaptureDialog::LiveCaptureDialog(const QString& casePath, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Live Capture"));
    auto* intro = new QLabel(tr("Receive NetFlow v5/v9 and IPFIX from exporters (routers, firewalls, softflowd) "
                                "over UDP. Flows go to <b>%1</b> as they arrive.")
                                 .arg(QDir::toNativeSeparators(casePath).toHtmlEscaped()),
                             this);
    intro->setWordWrap(true);
    m_port = new QSpinBox(this);
    m_port->setRange(1, 65535);
    m_port->setValue(9995);
    m_port->setToolTip(tr("Collectors conventionally listen on 2055, 4739 (IPFIX) or 9995"));
    m_bind = new QLineEdit(this);
    m_bind->setPlaceholderText(tr("all interfaces (IPv4 and IPv6)"));
    m_bind->setToolTip(tr("Listen on one address only, e.g. 127.0.0.1 or ::1"));
    m_exporters = new QLineEdit(this);
    m_exporters->setPlaceholderText(tr("any source"));
    m_exporters->setToolTip(tr("Accept datagrams only from these networks, e.g. 10.0.0.0/8, 2001:db8::/32"));
    m_error = new QLabel(this);
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_error->setWordWrap(true);
    m_error->hide();

    auto* form = new QFormLayout;
    form->addRow(tr("UDP &port:"), m_port);
    form->addRow(tr("&Bind address:"), m_bind);
    form->addRow(tr("&Exporters:"), m_exporters);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Start"));
    connect(buttons, &QDialogButtonBox::accepted, this, &LiveCaptureDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    setMinimumWidth(440);
}

void LiveCaptureDialog::setPort(int port) { m_port->setValue(port); }

FlowCollector::Settings LiveCaptureDialog::settings() const
{
    FlowCollector::Settings s;
    s.port = quint16(m_port->value());
    s.bindAddress = m_bind->text().trimmed().toStdString();
    std::string error;
    if (!m_exporters->text().trimmed().isEmpty())
        ExporterFilter::parse(m_exporters->text().trimmed().toStdString(), s.exporters, error);
    return s;
}

bool LiveCaptureDialog::validate(QString& error) const
{
    const QString bind = m_bind->text().trimmed();
    QString bare = bind;
    if (bare.startsWith(QLatin1Char('[')) && bare.endsWith(QLatin1Char(']')))
        bare = bare.mid(1, bare.size() - 2);
    if (!bind.isEmpty() && !IpAddress::parse(bare.toStdString())) {
        error = tr("“%1” is not an IPv4 or IPv6 address.").arg(bind);
        return false;
    }
    const QString exporters = m_exporters->text().trimmed();
    ExporterFilter filter;
    std::string why;
    if (!exporters.isEmpty() && !ExporterFilter::parse(exporters.toStdString(), filter, why)) {
        error = tr("Exporters: %1").arg(QString::fromStdString(why));
        return false;
    }
    return true;
}

void LiveCaptureDialog::accept()
{
    QString error;
    if (!validate(error)) {
        m_error->setText(error);
        m_error->show();
        return;
    }
    QDialog::accept();
}
