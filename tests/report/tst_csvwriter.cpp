#include "report/CsvWriter.h"

#include <QBuffer>
#include <QFile>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTest>

class TestCsvWriter final : public QObject {
    Q_OBJECT
private slots:
    void quotesOnlyWhatNeedsIt()
    {
        QCOMPARE(CsvWriter::escape(QStringLiteral("10.0.5.23")), QStringLiteral("10.0.5.23"));
        QCOMPARE(CsvWriter::escape(QStringLiteral("a,b")), QStringLiteral("\"a,b\""));
        QCOMPARE(CsvWriter::escape(QStringLiteral("say \"hi\"")), QStringLiteral("\"say \"\"hi\"\"\""));
        QCOMPARE(CsvWriter::escape(QStringLiteral("two\nlines")), QStringLiteral("\"two\nlines\""));
        QCOMPARE(CsvWriter::escape(QStringLiteral("cr\r")), QStringLiteral("\"cr\r\""));
        QCOMPARE(CsvWriter::escape(QStringLiteral(" padded")), QStringLiteral("\" padded\""));
        QCOMPARE(CsvWriter::escape(QString()), QString());
    }

    void writesTheModelAsShown()
    {
        QStandardItemModel model(3, 3);
        model.setHorizontalHeaderLabels({QStringLiteral("Source"), QStringLiteral("Summary, short"), QStringLiteral("Bytes")});
        const QString rows[3][3] = {
            {QStringLiteral("10.0.5.23"), QStringLiteral("Beacon every 60 s, jitter 2 %"), QStringLiteral("1,234")},
            {QStringLiteral("10.0.8.14"), QStringLiteral("He said \"scan\"\nthen left"), QStringLiteral("0")},
            {QStringLiteral("2001:db8::1"), QStringLiteral("Grüße ✓"), QString()},
        };
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 3; ++c)
                model.setItem(r, c, new QStandardItem(rows[r][c]));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("t.csv"));
        QString error;
        QVERIFY2(CsvWriter::writeModel(model, path, error), qPrintable(error));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray expected =
            "Source,\"Summary, short\",Bytes\r\n"
            "10.0.5.23,\"Beacon every 60 s, jitter 2 %\",\"1,234\"\r\n"
            "10.0.8.14,\"He said \"\"scan\"\"\nthen left\",0\r\n"
            "2001:db8::1,Gr\xc3\xbc\xc3\x9f\x65 \xe2\x9c\x93,\r\n";
        QCOMPARE(f.readAll(), expected);
    }

    void streamsRowsAndStopsCleanly()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.csv"));
        QString error;
        QVERIFY(CsvWriter::writeRows(path, {QStringLiteral("n")}, [](const auto& sink) {
            for (int i = 0; i < 1000; ++i)
                if (!sink({QString::number(i)}))
                    return false;
            return true;
        }, error));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().split('\n');
        QCOMPARE(lines.size(), 1002); // header, 1000 rows, nothing after the last CRLF
        QCOMPARE(lines[1000], QByteArray("999\r"));
        f.close();
        // A source that stops leaves the old file as it was.
        QVERIFY(!CsvWriter::writeRows(path, {QStringLiteral("n")}, [](const auto& sink) {
            sink({QStringLiteral("x")});
            return false;
        }, error));
        QVERIFY(error.contains(path));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll().count('\n'), 1001);
        // An unwritable place is an error naming the file.
        const QString bad = dir.filePath(QStringLiteral("no/such/dir/t.csv"));
        QVERIFY(!CsvWriter::writeRows(bad, {QStringLiteral("n")}, [](const auto&) { return true; }, error));
        QVERIFY(error.startsWith(bad));
    }
};

QTEST_GUILESS_MAIN(TestCsvWriter)
#include "tst_csvwriter.moc"
