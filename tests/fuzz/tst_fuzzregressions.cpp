// Every input kept in tests/data/fuzz-regressions/<target>/ (crashes, leaks
// and hangs the fuzzers found, and hand-made hostile inputs) goes through the
// same entry point as its libFuzzer target, in the normal build and in the
// sanitizer build. An input that breaks a reader's invariant aborts the test.
#include "FuzzTargets.h"

#include <QDir>
#include <QFile>
#include <QtTest>

#include <functional>

namespace {

struct Target {
    const char* name;
    std::function<int(const uint8_t*, size_t)> entry;
};

const Target kTargets[] = {
    {"export_decoder", fuzzExportDecoder}, {"capture_reader", fuzzCaptureReader}, {"json_lines", fuzzJsonLines},
    {"csv", fuzzCsv},                      {"nfdump_file", fuzzNfdumpFile},       {"flow_filter", fuzzFlowFilter},
};

} // namespace

class TestFuzzRegressions : public QObject {
    Q_OBJECT

private slots:
    void replay_data()
    {
        QTest::addColumn<int>("target");
        QTest::addColumn<QString>("path");
        const QDir root(QStringLiteral(FLOWSIFT_TEST_DATA_DIR "/fuzz-regressions"));
        for (int t = 0; t < int(std::size(kTargets)); ++t) {
            const QDir dir(root.filePath(QString::fromLatin1(kTargets[t].name)));
            for (const QString& f : dir.entryList(QDir::Files, QDir::Name)) {
                const QByteArray row = QByteArray(kTargets[t].name) + '/' + f.toUtf8();
                QTest::newRow(row.constData()) << t << dir.filePath(f);
            }
        }
    }

    void replay()
    {
        if (!QTest::currentDataTag())
            QSKIP("no inputs kept (everyTargetHasInputs fails)");
        QFETCH(int, target);
        QFETCH(QString, path);
        QFile f(path);
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
        const QByteArray bytes = f.readAll();
        QCOMPARE(kTargets[target].entry(reinterpret_cast<const uint8_t*>(bytes.constData()), size_t(bytes.size())), 0);
    }

    // Each target keeps at least one input, so that a renamed folder cannot
    // leave a target silently without its regressions.
    void everyTargetHasInputs()
    {
        const QDir root(QStringLiteral(FLOWSIFT_TEST_DATA_DIR "/fuzz-regressions"));
        for (const Target& t : kTargets)
            QVERIFY2(!QDir(root.filePath(QString::fromLatin1(t.name))).entryList(QDir::Files).isEmpty(), t.name);
    }
};

QTEST_GUILESS_MAIN(TestFuzzRegressions)
#include "tst_fuzzregressions.moc"
