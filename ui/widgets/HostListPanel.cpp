#include "widgets/HostListPanel.h"

HostListPanel::HostListPanel(QWidget* parent)
    : QWidget(parent)
{
}

void HostListPanel::setCasePath(const QString& casePath)
{
    m_casePath = casePath;
}

void HostListPanel::setFindings(const std::vector<Finding>&)
{
}
