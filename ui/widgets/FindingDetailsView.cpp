#include "widgets/FindingDetailsView.h"

#include "models/FindingsModel.h"
#include "plots/FindingChartView.h"
#include "util/DisplayFormat.h"
#include "widgets/VerdictEditor.h"

#include <nlohmann/json.hpp>

#include <QGuiApplication>
#include <QPalette>
#include <QSplitter>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

FindingDetailsView::FindingDetailsView(QWidget* parent)
    : QWidget(parent)
    , m_text(new QTextBrowser(this))
    , m_chart(new FindingChartView(this))
    , m_verdict(new VerdictEditor(this))
{
    m_text->setOpenExternalLinks(true);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(QStringLiteral("findingDetailsSplitter")); // the window remembers its sizes
    split->addWidget(m_text);
    split->addWidget(m_chart);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_verdict);
    layout->addWidget(split, 1);
    connect(m_chart, &FindingChartView::hostActivated, this, &FindingDetailsView::hostActivated);
    connect(m_verdict, &VerdictEditor::verdictChanged, this, &FindingDetailsView::verdictChanged);
}

void FindingDetailsView::setCasePath(const QString& casePath)
{
    m_chart->setCasePath(casePath);
    m_verdict->setCasePath(casePath);
}

void FindingDetailsView::setFinding(const Finding* f)
{
    m_chart->setFinding(f);
    m_verdict->setFinding(f);
    if (f)
        m_text->setHtml(styleSheet() + findingHtml(*f));
}

void FindingDetailsView::showPage(const QString& html)
{
    m_chart->setFinding(nullptr);
    m_verdict->setFinding(nullptr);
    m_text->setHtml(styleSheet() + html);
}

const QString& FindingDetailsView::styleSheet()
{
    // Follows the application palette (light or dark), computed again when it changes.
    thread_local QString style;
    thread_local qint64 key = -1;
    // Without a GUI application (a headless report) there is no palette to follow: paper colours.
    QPalette palette;
    if (qobject_cast<QGuiApplication*>(QCoreApplication::instance())) {
        palette = QGuiApplication::palette();
    } else {
        palette.setColor(QPalette::Text, Qt::black);
        palette.setColor(QPalette::Base, Qt::white);
    }
    const qint64 now = qint64(palette.color(QPalette::Base).rgba()) << 32 | palette.color(QPalette::Text).rgba();
    if (now != key) {
        style = styleSheet(palette);
        key = now;
    }
    return style;
}

QString FindingDetailsView::styleSheet(const QPalette& palette)
{
    // Secondary text halfway between text and background reads on both themes;
    // rules and code backgrounds are faint mixes of the two.
    auto mix = [](const QColor& a, const QColor& b, double t) {
        return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t), float(a.greenF() * (1 - t) + b.greenF() * t),
                                float(a.blueF() * (1 - t) + b.blueF() * t))
            .name();
    };
    const QColor text = palette.color(QPalette::Text);
    const QColor base = palette.color(QPalette::Base);
    const QString key = mix(text, base, 0.38);
    const QString rule = mix(text, base, 0.85);
    const QString code = mix(text, base, 0.92);
    return QStringLiteral(
               "<style>"
               "body { margin: 0; }"
               "h2 { margin: 0 0 4px 0; }"
               "table.kv td { padding: 2px 8px 2px 0; vertical-align: top; }"
               "table.kv td.k { color: %1; white-space: nowrap; }"
               "table.ev { border-collapse: collapse; }"
               "table.ev td { padding: 2px 8px 2px 0; vertical-align: top; border-bottom: 1px solid %2; }"
               "table.ev td.k { color: %1; font-family: monospace; white-space: nowrap; }"
               "pre { margin: 0; }"
               "code { background: %3; }"
               "</style>")
        .arg(key, rule, code);
}

QString FindingDetailsView::findingHtml(const Finding& f)
{
    using namespace DisplayFormat;
    const QLocale locale = numberLocale();
    const QColor bg = FindingsModel::severityBackground(f.severity);
    const QColor fg = FindingsModel::severityForeground(f.severity);
    QString out;
    out += QStringLiteral("<h2>") + FindingsModel::typeText(f).toHtmlEscaped() + QStringLiteral("</h2>");
    out += QStringLiteral("<p><span style='background:%1; color:%2;'>&nbsp;<b>%3</b>&nbsp;</span>&nbsp; ")
               .arg(bg.name(), fg.name(), FindingsModel::severityText(f.severity).toHtmlEscaped())
        + tr("score <b>%1</b> / 100").arg(locale.toString(f.score, 'f', 1)) + QStringLiteral("</p>");
    out += QStringLiteral("<p>") + html(f.summary) + QStringLiteral("</p>");

    out += QStringLiteral("<table class='kv'>");
    auto kv = [&out](const QString& k, const QString& v) {
        if (!v.isEmpty())
            out += QStringLiteral("<tr><td class='k'>") + k + QStringLiteral("</td><td>") + v + QStringLiteral("</td></tr>");
    };
    kv(tr("Source"), FindingsModel::sourceText(f).toHtmlEscaped());
    kv(tr("Destinations"), FindingsModel::destinationsText(f, 12).toHtmlEscaped());
    kv(tr("Ports"), FindingsModel::portsText(f, 12).toHtmlEscaped());
    kv(tr("Time window"),
       utcRange(f.startMs, f.endMs).toHtmlEscaped() + QStringLiteral("<br>") + duration(f.endMs - f.startMs));
    if (!f.attack.empty()) {
        QStringList links;
        for (const std::string& id : f.attack) {
            // T1071.001 lives at /techniques/T1071/001/.
            QString path = QString::fromStdString(id);
            path.replace(QLatin1Char('.'), QLatin1Char('/'));
            links << QStringLiteral("<a href='https://attack.mitre.org/techniques/%1/'>%2</a>")
                         .arg(QString::fromLatin1(QUrl::toPercentEncoding(path, "/")), html(id));
        }
        kv(tr("ATT&amp;CK"), links.join(QStringLiteral(", ")));
    }
    if (!f.filter.empty())
        kv(tr("Flow filter"), QStringLiteral("<code>") + html(f.filter) + QStringLiteral("</code>"));
    kv(tr("ID"), QStringLiteral("<code>") + html(f.id) + QStringLiteral("</code>"));
    out += QStringLiteral("</table>");

    if (!f.evidence.is_null() && !f.evidence.empty()) {
        out += QStringLiteral("<h3>") + tr("Evidence") + QStringLiteral("</h3><table class='ev'>");
        evidenceRows(f.evidence, std::string(), out);
        out += QStringLiteral("</table>");
    }
    return out;
}
