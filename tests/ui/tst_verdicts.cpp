#include "models/FindingsModel.h"
#include "store/FlowStore.h"
#include "widgets/FindingDetailsView.h"
#include "widgets/MainWindow.h"
#include "widgets/VerdictEditor.h"

#include <QFile>
#include <QLineEdit>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

namespace {

const QString kSample = QStringLiteral(FLOWSIFT_SOURCE_DIR "/resources/sample/enterprise4h__softflowd-v9.pcap");
const QString kComment = QStringLiteral("C2 over HTTPS, \"ticket\" 4711");

// RFC 4180 fields of a whole CSV text (quoted commas, quotes and line breaks).
QList<QStringList> parseCsv(const QString& text)
{
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == QLatin1Char('"') && i + 1 < text.size() && text[i + 1] == QLatin1Char('"')) {
                field += c;
                ++i;
            } else if (c == QLatin1Char('"')) {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            row << field;
            field.clear();
        } else if (c == QLatin1Char('\r') && i + 1 < text.size() && text[i + 1] == QLatin1Char('\n')) {
            row << field;
            field.clear();
            rows << row;
            row.clear();
            ++i;
        } else {
            field += c;
        }
    }
    return rows;
}

int rowOf(const FindingsModel* model, const std::string& id)
{
    for (int i = 0; i < model->rowCount(); ++i)
        if (model->findingAt(i)->id == id)
            return i;
    return -1;
}

void selectFinding(MainWindow& window, const std::string& id)
{
    QAbstractItemModel* shown = window.findingsView()->model();
    for (int r = 0; r < shown->rowCount(); ++r) {
        const int source = shown->index(r, 0).data(FindingsModel::FindingIndexRole).toInt();
        if (window.findingsModel()->findingAt(source)->id == id) {
            window.findingsView()->selectRow(r);
            return;
        }
    }
}

} // namespace

class TestVerdicts final : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // Marking findings in the detail pane saves them in the case; the table,
    // a detector re-run, the exports and a reopened case all keep them.
    void verdictsAreSavedAndKept()
    {
        QTemporaryDir dir;
        QString casePath;
        std::string beaconId;
        std::string secondId;
        {
            MainWindow window;
            window.resize(1400, 900);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            VerdictEditor* editor = window.findingDetails()->verdictEditor();
            QSignalSpy finished(&window, &MainWindow::analysisFinished);
            QSignalSpy loaded(editor, &VerdictEditor::verdictsLoaded);
            window.openCapture(kSample);
            QVERIFY(finished.wait(180'000));
            QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 10'000);
            casePath = window.casePath();
            FindingsModel* model = window.findingsModel();
            QVERIFY(model->rowCount() >= 3);
            for (const Finding& f : model->findings())
                if (f.type == "beacon" && f.src && f.src->toString() == "10.0.5.23")
                    beaconId = f.id;
            QVERIFY(!beaconId.empty());
            secondId = model->findingAt(0)->id == beaconId ? model->findingAt(1)->id : model->findingAt(0)->id;

            window.tabs()->setCurrentIndex(MainWindow::FindingsTab);
            selectFinding(window, beaconId);
            QTRY_VERIFY(editor->isVisible() && editor->isEnabled());
            QVERIFY(!editor->button(Verdict::Status::Confirmed)->isChecked());
            QSignalSpy changed(editor, &VerdictEditor::verdictChanged);
            editor->button(Verdict::Status::Confirmed)->click();
            QCOMPARE(changed.size(), 1);
            QCOMPARE(changed[0][0].toString(), QString::fromStdString(beaconId));
            editor->commentEdit()->setFocus();
            QTest::keyClicks(editor->commentEdit(), kComment);
            QTRY_VERIFY_WITH_TIMEOUT(changed.size() >= 2, 5'000); // saved a moment after typing stops
            editor->flush();
            const int beaconRow = rowOf(model, beaconId);
            QCOMPARE(model->index(beaconRow, FindingsModel::VerdictColumn).data().toString(), QStringLiteral("Confirmed"));
            QVERIFY(model->index(beaconRow, FindingsModel::VerdictColumn).data(Qt::ToolTipRole).toString().contains(
                QStringLiteral("ticket")));

            // Another finding: false positive, then needs review (one status at a time).
            selectFinding(window, secondId);
            QTRY_COMPARE(editor->commentEdit()->text(), QString());
            editor->button(Verdict::Status::FalsePositive)->click();
            editor->button(Verdict::Status::NeedsReview)->click();
            QVERIFY(!editor->button(Verdict::Status::FalsePositive)->isChecked());
            QVERIFY(editor->button(Verdict::Status::NeedsReview)->isChecked());
            editor->flush();
            {
                std::string error;
                auto store = FlowStore::open(QFile::encodeName(casePath).toStdString(), error, true);
                QVERIFY2(store, error.c_str());
                const auto v = store->verdict(beaconId);
                QVERIFY(v);
                QCOMPARE(v->status, Verdict::Status::Confirmed);
                QCOMPARE(QString::fromStdString(v->comment), kComment);
                QCOMPARE(v->analyst, Verdict::defaultAnalyst());
                QCOMPARE(store->verdict(secondId)->status, Verdict::Status::NeedsReview);
            }
            // Back on the beacon, its verdict shows again.
            selectFinding(window, beaconId);
            QTRY_COMPARE(editor->commentEdit()->text(), kComment);
            QVERIFY(editor->button(Verdict::Status::Confirmed)->isChecked());

            // The detectors run again: same ids, same verdicts.
            window.runDetectors();
            QVERIFY(finished.wait(180'000));
            QTRY_VERIFY(rowOf(window.findingsModel(), beaconId) >= 0);
            QCOMPARE(model->index(rowOf(model, beaconId), FindingsModel::VerdictColumn).data().toString(),
                     QStringLiteral("Confirmed"));
            QCOMPARE(model->index(rowOf(model, secondId), FindingsModel::VerdictColumn).data().toString(),
                     QStringLiteral("Needs review"));

            // The findings table as CSV: the rows as shown, verdicts included.
            window.tabs()->setCurrentIndex(MainWindow::FindingsTab);
            const QString csv = dir.filePath(QStringLiteral("findings.csv"));
            QSignalSpy tableDone(&window, &MainWindow::tableExported);
            window.exportTableCsv(csv);
            QCOMPARE(tableDone.size(), 1);
            QVERIFY(tableDone[0][1].toBool());
            QFile file(csv);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QList<QStringList> rows = parseCsv(QString::fromUtf8(file.readAll()));
            QAbstractItemModel* shown = window.findingsView()->model();
            QCOMPARE(rows.size(), shown->rowCount() + 1);
            QCOMPARE(rows[0].size(), int(FindingsModel::ColumnCount));
            QCOMPARE(rows[0][FindingsModel::VerdictColumn], QStringLiteral("Verdict"));
            for (int r = 0; r < shown->rowCount(); ++r)
                for (int c = 0; c < shown->columnCount(); ++c)
                    QCOMPARE(rows[r + 1][c], shown->index(r, c).data().toString());

            // The PDF report from the window carries the comment.
            const QString pdf = dir.filePath(QStringLiteral("window.pdf"));
            QSignalSpy exported(&window, &MainWindow::reportExported);
            window.exportPdfReport(pdf);
            QVERIFY(exported.wait(120'000));
            QVERIFY(exported[0][1].toBool());
            if (!QStandardPaths::findExecutable(QStringLiteral("pdftotext")).isEmpty()) {
                QProcess p;
                p.start(QStringLiteral("pdftotext"), {pdf, QStringLiteral("-")});
                QVERIFY(p.waitForFinished(60'000));
                QVERIFY(QString::fromUtf8(p.readAllStandardOutput()).simplified().contains(kComment));
            }
            const QString shot = QStringLiteral(FLOWSIFT_BINARY_DIR "/verdicts.png");
            window.grab().save(shot);
        }

        // Reopening the case shows them.
        MainWindow reopened;
        reopened.resize(1400, 900);
        reopened.show();
        VerdictEditor* editor = reopened.findingDetails()->verdictEditor();
        QSignalSpy finished(&reopened, &MainWindow::analysisFinished);
        QSignalSpy loaded(editor, &VerdictEditor::verdictsLoaded);
        reopened.openCapture(casePath);
        QVERIFY(finished.wait(60'000));
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 10'000);
        FindingsModel* model = reopened.findingsModel();
        QTRY_COMPARE(model->index(rowOf(model, beaconId), FindingsModel::VerdictColumn).data().toString(),
                     QStringLiteral("Confirmed"));
        reopened.tabs()->setCurrentIndex(MainWindow::FindingsTab);
        selectFinding(reopened, beaconId);
        QTRY_COMPARE(editor->commentEdit()->text(), kComment);
        QVERIFY(editor->button(Verdict::Status::Confirmed)->isChecked());
    }
};

QTEST_MAIN(TestVerdicts)
#include "tst_verdicts.moc"
