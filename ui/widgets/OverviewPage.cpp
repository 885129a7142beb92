#include "widgets/OverviewPage.h"

#include "plots/TimelinePlot.h"
#include "widgets/FindingDetailsView.h"

#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>

OverviewPage::OverviewPage(QWidget* parent)
    : QWidget(parent)
    , m_plot(new TimelinePlot(this))
    , m_summary(new QTextBrowser(this))
{
    m_summary->setOpenExternalLinks(false);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_plot);
    split->addWidget(m_summary);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);
}

void OverviewPage::setSummaryHtml(const QString& html)
{
    m_summary->setHtml(FindingDetailsView::styleSheet() + html);
}
