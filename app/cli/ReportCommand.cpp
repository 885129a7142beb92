#include "ReportCommand.h"

#include "report/JsonReport.h"
#include "report/PdfReport.h"
#include "store/FlowStore.h"

#include <QFile>
#include <QFileInfo>
#include <QApplication>

#include <iostream>

namespace {

int fail(const std::string& message)
{
    std::cerr << "flowsift-cli: " << message << "\n";
    return 1;
}

bool sameFile(const std::string& a, const std::string& b)
{
    const QFileInfo fa(QString::fromStdString(a)), fb(QString::fromStdString(b));
    return fa.exists() && fb.exists() ? fa.canonicalFilePath() == fb.canonicalFilePath()
                                      : fa.absoluteFilePath() == fb.absoluteFilePath();
}

} // namespace

int reportCommand(int& argc, char** argv, const ReportRequest& r)
{
    if (r.db.empty())
        return fail("report needs --db CASE.flowsift");
    if (r.pdf.empty() && r.json.empty())
        return fail("report needs --pdf REPORT.pdf and/or --json REPORT.json");
    for (const std::string* out : {&r.pdf, &r.json})
        if (!out->empty() && *out != "-" && sameFile(*out, r.db))
            return fail(*out + ": is the case file; the report would overwrite it");
    if (!r.pdf.empty() && r.pdf == "-")
        return fail("--pdf needs a file name (a PDF is not written to standard output)");
    if (!QFileInfo::exists(QString::fromStdString(r.db)))
        return fail(r.db + ": no such case file");

    // No display needed: the offscreen platform lays out and paints the PDF.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // QApplication, not QGuiApplication: the finding charts are drawn through widgets (offscreen).
    QApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("Flowsift"));
    QCoreApplication::setOrganizationName(QStringLiteral("Flowsift"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FLOWSIFT_VERSION));

    std::string error;
    auto store = FlowStore::open(r.db, error, true);
    if (!store)
        return fail(error);
    const std::vector<Finding> findings = store->findings();
    if (!r.json.empty()) {
        JsonReport::Options options;
        options.analyst = r.analyst.empty() ? Verdict::defaultAnalyst() : r.analyst;
        if (!JsonReport::writeFile(*store, findings, r.json, error, options))
            return fail(error.empty() ? r.json + ": could not write the report" : error);
    }
    if (!r.pdf.empty()) {
        PdfReport::Options options;
        options.analyst = QString::fromStdString(r.analyst);
        int pages = 0;
        QString pdfError;
        const PdfReport::Content content = PdfReport::collect(*store, options, findings);
        if (!PdfReport::write(content, QFile::decodeName(QByteArray::fromStdString(r.pdf)), pdfError, &pages))
            return fail(pdfError.toStdString());
        if (!r.quiet)
            std::cerr << r.pdf << ": " << pages << (pages == 1 ? " page, " : " pages, ") << findings.size()
                      << (findings.size() == 1 ? " finding\n" : " findings\n");
    }
    if (!r.quiet && !r.json.empty() && r.json != "-")
        std::cerr << r.json << ": " << findings.size() << (findings.size() == 1 ? " finding\n" : " findings\n");
    return 0;
}
