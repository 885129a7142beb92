#pragma once

#include "model/Finding.h"
#include "model/Verdict.h"
#include "plots/FindingFlows.h"
#include "report/ReportChart.h"
#include "store/FlowStore.h"

#include <QString>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

class QPicture;

// The incident report as a PDF: a title page (case, inputs with sizes and
// SHA-256, time range, analyst, date, version), the findings by severity and
// verdict, then a section per finding (summary, score breakdown, chart,
// evidence, verdict and comment; informational ones in brief at the end). Laid out as a QTextDocument, so that text
// stays text (selectable, searchable), tables break across pages with their
// header row repeated, and charts are vector graphics. Needs QtGui (a
// QGuiApplication, offscreen is enough) but no widgets, and runs on any thread.
struct PdfReportOptions {
    QString analyst; // empty: the login name
    QString title;   // empty: "Network flow findings report"
};

class PdfReport final {
public:
    using Options = PdfReportOptions;

    // Everything the report shows, read from the case (collect) and then laid out (write).
    struct Content {
        QString casePath;
        FlowStore::Summary summary;
        std::vector<FlowStore::ImportRecord> imports;
        std::vector<Finding> findings; // in report order (priority)
        std::map<std::string, Verdict> verdicts;
        std::vector<ReportChart::Series> series; // one per finding: the fallback traffic chart
        // The finding's chart (histogram, fan-out, traffic; plots/FindingChartView) where one fits:
        // its flows read by collect, and drawn on the GUI thread by renderCharts or while painting.
        std::vector<std::optional<FindingFlows>> chartFlows;
        std::vector<std::shared_ptr<QPicture>> chartPictures;
        QString analyst;
        QString title;
        int64_t generatedMs = 0;
    };

    // Reads what the report needs; findings: the case's own when empty.
    static Content collect(const FlowStore& store, const Options& options, std::vector<Finding> findings = {});
    // Records the findings' charts as vector pictures. GUI thread only (the charts are
    // drawn through widgets); lets write() run on a worker thread afterwards.
    static void renderCharts(Content& content);
    // Lays the content out into a PDF at path (replaced only when complete);
    // pages gets the page count. False with error naming the file on failure.
    static bool write(const Content& content, const QString& path, QString& error, int* pages = nullptr);
    // Both steps on a case file (read-only): what `flowsift-cli report` and the window's export run.
    static bool writeFromCase(const QString& casePath, const QString& pdfPath, const Options& options,
                              QString& error, int* pages = nullptr);

    // The report's body as rich text, chart placeholders included (tests, previews).
    static QString bodyHtml(const Content& content);
    // Findings rated low or above, and any with a verdict, get a section of their
    // own; the informational rest is listed in brief in a table at the end.
    static bool hasSection(const Content& content, size_t index);
};
