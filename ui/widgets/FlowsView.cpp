#include "widgets/FlowsView.h"

FlowsView::FlowsView(QWidget* parent)
    : QWidget(parent)
{
}

void FlowsView::setCasePath(const QString& casePath)
{
    m_casePath = casePath;
}

void FlowsView::setBaseFilter(const QString&)
{
}

void FlowsView::setTimeRange(int64_t, int64_t)
{
}

void FlowsView::setFilterText(const QString&)
{
}
