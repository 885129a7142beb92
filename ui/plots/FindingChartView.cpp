#include "plots/FindingChartView.h"

FindingChartView::FindingChartView(QWidget* parent)
    : QWidget(parent)
{
    setVisible(false);
}

void FindingChartView::setCasePath(const QString& casePath)
{
    m_casePath = casePath;
}

void FindingChartView::setFinding(const Finding* finding)
{
    setVisible(finding != nullptr && false);
}
