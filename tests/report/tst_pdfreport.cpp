#include "report/PdfReport.h"
#include "store/FlowStore.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString kSample = QStringLiteral(FLOWSIFT_SOURCE_DIR "/resources/sample/enterprise4h__softflowd-v9.pcap");
const QString kComment = QStringLiteral("Escalated to IR, ticket \"4711\"; host isolated at 10:05");

struct Run {
    int code = -1;
    QString out;
    QString err;
};

Run run(const QString& program, const QStringList& args, const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(240'000))
        return r;
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

// pdftotext's words joined by single spaces: line breaks in the PDF are layout, not text.
QString pdfText(const QString& pdf, int firstPage = 0, int lastPage = 0)
{
    QStringList args;
    if (firstPage > 0)
        args << QStringLiteral("-f") << QString::number(firstPage) << QStringLiteral("-l") << QString::number(lastPage);
    args << pdf << QStringLiteral("-");
    const Run r = run(QStringLiteral("pdftotext"), args);
    // The body text: without the running header and footer, which pdftotext puts
    // in the middle of a table row that continues on the next page.
    static const QRegularExpression furniture(QStringLiteral(
        "^(Page \\d+ of \\d+|Flowsift \\S+ · analyst: .*|.* findings report · .*|\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC)$"));
    QStringList lines = r.out.split(QLatin1Char('\n'));
    lines.removeIf([](const QString& line) { return furniture.match(line.trimmed().remove(QLatin1Char('\f'))).hasMatch(); });
    QString text = lines.join(QLatin1Char(' ')).simplified();
    // Should a font still join letters, the text means the same.
    text.replace(QChar(0xFB00), QStringLiteral("ff")).replace(QChar(0xFB01), QStringLiteral("fi"))
        .replace(QChar(0xFB02), QStringLiteral("fl")).replace(QChar(0xFB03), QStringLiteral("ffi"))
        .replace(QChar(0xFB04), QStringLiteral("ffl"));
    return text;
}

int pdfPages(const QString& pdf)
{
    const Run r = run(QStringLiteral("pdfinfo"), {pdf});
    const auto m = QRegularExpression(QStringLiteral("Pages:\\s+(\\d+)")).match(r.out);
    return m.hasMatch() ? m.captured(1).toInt() : -1;
}

} // namespace

class TestPdfReport final : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("pdftotext")).isEmpty())
            QSKIP("pdftotext (poppler-utils) is not installed: tools/bootstrap.sh installs it");
        QVERIFY(m_dir.isValid());
        m_case = m_dir.filePath(QStringLiteral("sample.flowsift"));
        const Run r = run(QStringLiteral(FLOWSIFT_CLI_PATH),
                          {QStringLiteral("analyze"), QStringLiteral("--flow-file"), kSample, QStringLiteral("--db"), m_case,
                           QStringLiteral("--output"), m_dir.filePath(QStringLiteral("analyze.json")), QStringLiteral("--quiet")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        std::string error;
        auto store = FlowStore::open(QFile::encodeName(m_case).toStdString(), error);
        QVERIFY2(store, error.c_str());
        m_findings = store->findings();
        QVERIFY(m_findings.size() >= 4);
        Verdict v;
        v.findingId = m_findings[0].id;
        v.status = Verdict::Status::Confirmed;
        v.comment = kComment.toStdString();
        v.analyst = "fox.mulder";
        QVERIFY(store->saveVerdict(v));
        v.findingId = m_findings[1].id;
        v.status = Verdict::Status::FalsePositive;
        v.comment = "Backup job to the offsite NAS";
        QVERIFY(store->saveVerdict(v));
    }

    // Every finding's summary is in the text, the verdicts and comments too,
    // one section per finding after the title and summary pages, page numbers in the footer.
    void reportHoldsEveryFindingAndVerdict()
    {
        const QString pdf = m_dir.filePath(QStringLiteral("report.pdf"));
        PdfReport::Options options;
        options.analyst = QStringLiteral("Dana Scully");
        QString error;
        int pages = 0;
        QVERIFY2(PdfReport::writeFromCase(m_case, pdf, options, error, &pages), qPrintable(error));
        QCOMPARE(pdfPages(pdf), pages);
        // Title page, summary (one page or more), a page or more per finding of low severity or
        // above or with a verdict, the informational ones in brief.
        int sections = 0;
        for (const Finding& f : m_findings)
            sections += f.severity >= Severity::Low || &f == &m_findings[0] || &f == &m_findings[1];
        QVERIFY(sections < int(m_findings.size())); // the sample has info findings
        QVERIFY2(pages >= sections + 3, qPrintable(QString::number(pages)));
        QVERIFY2(pages <= 3 * sections + 6, qPrintable(QString::number(pages)));
        const QString text = pdfText(pdf);
        for (const Finding& f : m_findings)
            QVERIFY2(text.contains(QString::fromStdString(f.summary).simplified()), f.summary.c_str());
        QVERIFY(text.contains(kComment));
        QVERIFY(text.contains(QStringLiteral("Backup job to the offsite NAS")));
        QVERIFY(text.contains(QStringLiteral("fox.mulder")));
        QVERIFY(text.contains(QStringLiteral("Dana Scully")));
        const QString footers = run(QStringLiteral("pdftotext"), {pdf, QStringLiteral("-")}).out;
        QVERIFY(footers.contains(QStringLiteral("Page 1 of %1").arg(pages)));
        QVERIFY(footers.contains(QStringLiteral("Page %1 of %1").arg(pages)));
        QCOMPARE(footers.count(QStringLiteral("Dana Scully")), pages + 1); // each footer, and the title page

        // The title page: the input with its size and SHA-256, the case, the version.
        std::string openError;
        auto store = FlowStore::open(QFile::encodeName(m_case).toStdString(), openError, true);
        const auto imports = store->imports();
        QCOMPARE(imports.size(), size_t(1));
        const QString title = pdfText(pdf, 1, 1);
        QVERIFY(title.contains(QString::fromStdString(imports[0].sha256)));
        QVERIFY(title.contains(QStringLiteral("enterprise4h__softflowd-v9.pcap")));
        QVERIFY(title.contains(QStringLiteral("Flowsift " FLOWSIFT_VERSION)));
        QVERIFY(title.contains(QStringLiteral("sample.flowsift")));

        // The first finding's section: its verdict and chart labels are text on the page.
        const QString all = pdfText(pdf);
        QVERIFY(all.contains(QStringLiteral("FINDING 1 OF %1").arg(m_findings.size())));
        QVERIFY(all.contains(QStringLiteral("Chart")));
        QVERIFY(all.contains(QStringLiteral("10.0.8.14 probed 1024 tcp ports")));
        QVERIFY(all.contains(QStringLiteral("Score breakdown")));

        // Charts are vector graphics: the PDF holds no raster image at all.
        const Run images = run(QStringLiteral("pdfimages"), {QStringLiteral("-list"), pdf});
        if (images.code == 0)
            QCOMPARE(images.out.trimmed().split(QLatin1Char('\n')).size(), 2); // the header lines only
    }

    // A table longer than a page continues on the next one under its header row.
    void longTablesRepeatTheirHeader()
    {
        PdfReport::Content content;
        content.casePath = QStringLiteral("/cases/big.flowsift");
        content.analyst = QStringLiteral("tester");
        content.title = QStringLiteral("Long table");
        content.generatedMs = 1772438400000;
        for (int i = 0; i < 150; ++i) {
            Finding f;
            f.id = "beacon:10.0.0." + std::to_string(i) + ">203.0.113.9";
            f.type = "beacon";
            f.score = 90 - i * 0.5;
            f.severity = severityForScore(f.score);
            f.src = IpAddress::parse("10.0.0." + std::to_string(i));
            f.dst = {*IpAddress::parse("203.0.113.9")};
            f.startMs = 1772438400000 + i * 1000;
            f.endMs = f.startMs + 3600000;
            f.summary = "Synthetic beacon number " + std::to_string(i);
            f.attack = {"T1071"};
            content.findings.push_back(f);
            content.series.emplace_back();
        }
        const QString pdf = m_dir.filePath(QStringLiteral("long.pdf"));
        QString error;
        int pages = 0;
        QVERIFY2(PdfReport::write(content, pdf, error, &pages), qPrintable(error));
        QVERIFY(pages >= 141 + 3); // scores 90 down to 20 (low) have sections
        // The list of all findings starts on page 2 and runs over page 3: both pages carry the header row.
        const QString page2 = pdfText(pdf, 2, 2);
        const QString page3 = pdfText(pdf, 3, 3);
        QVERIFY(page2.contains(QStringLiteral("All findings, by priority")));
        QVERIFY(page3.contains(QStringLiteral("Hosts Start (UTC) Verdict")));
        QVERIFY2(page3.contains(QStringLiteral("10.0.0.40 → 203.0.113.9")), qPrintable(page3.left(400)));
        QVERIFY(!page3.contains(QStringLiteral("All findings, by priority")));
        QVERIFY(pdfText(pdf).contains(QStringLiteral("Synthetic beacon number 149")));
    }

    void writeErrorsNameTheFile()
    {
        PdfReport::Content content;
        QString error;
        const QString bad = m_dir.filePath(QStringLiteral("missing/dir/report.pdf"));
        QVERIFY(!PdfReport::write(content, bad, error));
        QVERIFY2(error.startsWith(bad), qPrintable(error));
        QVERIFY(!PdfReport::writeFromCase(m_dir.filePath(QStringLiteral("nope.flowsift")), bad, {}, error));
        QVERIFY(error.contains(QStringLiteral("nope.flowsift")));
    }

    // flowsift-cli report: the same PDF and the JSON report with verdicts, no display.
    void cliReportEndToEnd()
    {
        const QString pdf = m_dir.filePath(QStringLiteral("cli.pdf"));
        const QString json = m_dir.filePath(QStringLiteral("cli.json"));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        const Run r = run(QStringLiteral(FLOWSIFT_CLI_PATH),
                          {QStringLiteral("report"), QStringLiteral("--db"), m_case, QStringLiteral("--pdf"), pdf,
                           QStringLiteral("--json"), json, QStringLiteral("--analyst"), QStringLiteral("Walter Skinner")},
                          env);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.err.contains(QStringLiteral("pages")));
        const int pages = pdfPages(pdf);
        QVERIFY(pages >= 8);
        const QString text = pdfText(pdf);
        QVERIFY(text.contains(QStringLiteral("Walter Skinner")));
        QVERIFY(text.contains(kComment));
        for (const Finding& f : m_findings)
            QVERIFY2(text.contains(QString::fromStdString(f.summary).simplified()), f.summary.c_str());

        QFile in(json);
        QVERIFY(in.open(QIODevice::ReadOnly));
        const nlohmann::json report = nlohmann::json::parse(in.readAll().toStdString());
        QCOMPARE(report["metadata"]["analyst"].get<std::string>(), std::string("Walter Skinner"));
        QCOMPARE(report["findings"].size(), m_findings.size());
        const auto& first = report["findings"][0];
        QCOMPARE(first["id"].get<std::string>(), m_findings[0].id);
        QCOMPARE(first["verdict"]["status"].get<std::string>(), std::string("confirmed"));
        QCOMPARE(first["verdict"]["comment"].get<std::string>(), kComment.toStdString());
        QCOMPARE(first["verdict"]["analyst"].get<std::string>(), std::string("fox.mulder"));
        QVERIFY(first["verdict"]["updated"].is_string());
        QCOMPARE(report["findings"][1]["verdict"]["status"].get<std::string>(), std::string("false_positive"));
        QCOMPARE(report["findings"][2]["verdict"]["status"].get<std::string>(), std::string("none"));
        QVERIFY(report["findings"][2]["verdict"]["analyst"].is_null());

        // It validates against the schema (python3-jsonschema).
        const Run check = run(QStringLiteral("/usr/bin/python3"),
                              {QStringLiteral(FLOWSIFT_SOURCE_DIR "/tests/report/check_report_schema.py"),
                               QStringLiteral(FLOWSIFT_SOURCE_DIR "/resources/schema/report.schema.json"), json});
        QVERIFY2(check.code == 0, qPrintable(check.out + check.err));
    }

    void cliReportErrors()
    {
        const QString cli = QStringLiteral(FLOWSIFT_CLI_PATH);
        Run r = run(cli, {QStringLiteral("report"), QStringLiteral("--db"), m_dir.filePath(QStringLiteral("gone.flowsift")),
                          QStringLiteral("--pdf"), m_dir.filePath(QStringLiteral("x.pdf"))});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("gone.flowsift")), qPrintable(r.err));
        r = run(cli, {QStringLiteral("report"), QStringLiteral("--db"), m_case});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains(QStringLiteral("--pdf")));
        r = run(cli, {QStringLiteral("report"), QStringLiteral("--db"), m_case, QStringLiteral("--pdf"), m_case});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains(QStringLiteral("overwrite")));
        const QString bad = m_dir.filePath(QStringLiteral("no/such/dir/r.pdf"));
        r = run(cli, {QStringLiteral("report"), QStringLiteral("--db"), m_case, QStringLiteral("--pdf"), bad});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(bad), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(bad));
    }

    // The other commands never touch QtGui: analyze runs with a platform that cannot start.
    void analyzeNeedsNoDisplay()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
        env.remove(QStringLiteral("DISPLAY"));
        const Run r = run(QStringLiteral(FLOWSIFT_CLI_PATH),
                          {QStringLiteral("analyze"), QStringLiteral("--flow-file"), kSample, QStringLiteral("--output"),
                           m_dir.filePath(QStringLiteral("nodisplay.json")), QStringLiteral("--quiet")},
                          env);
        QVERIFY2(r.code == 0, qPrintable(r.err));
    }

private:
    QTemporaryDir m_dir;
    QString m_case;
    std::vector<Finding> m_findings;
};

QTEST_MAIN(TestPdfReport)
#include "tst_pdfreport.moc"
