#include "widgets/HostView.h"

HostView::HostView(const QString& casePath, const QString& address, QWidget* parent)
    : QWidget(parent)
    , m_casePath(casePath)
    , m_address(address)
{
}

void HostView::setFindings(const std::vector<Finding>&)
{
}

void HostView::setTimeRange(int64_t, int64_t)
{
}
