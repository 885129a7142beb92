// flowsift-cli collect and replay as a user runs them: SIGTERM stores what
// arrived, the session is an import of the case, options are checked.
#include "CollectTestSupport.h"

#include "collect/ExportReplayer.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#ifndef FLOWSIFT_CORPUS_DIR
#define FLOWSIFT_CORPUS_DIR "../shared/corpus"
#endif

namespace {

const QString kCli = QStringLiteral(FLOWSIFT_CLI_PATH);
const std::string kExport = std::string(FLOWSIFT_CORPUS_DIR) + "/exports/enterprise4h__softflowd-v9.pcap";

// Waits for the collector's "collecting ... on UDP ADDR:PORT" line; 0 if it never came.
uint16_t waitForListening(QProcess& cli, QString& seen)
{
    static const QRegularExpression re(QStringLiteral("on UDP 127\\.0\\.0\\.1:(\\d+)"));
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 15000 && cli.state() != QProcess::NotRunning) {
        cli.waitForReadyRead(200);
        seen += QString::fromUtf8(cli.readAllStandardError());
        const auto m = re.match(seen);
        if (m.hasMatch())
            return uint16_t(m.captured(1).toUInt());
    }
    return 0;
}

int run(const QStringList& args, QString* err = nullptr, QString* out = nullptr)
{
    QProcess cli;
    cli.start(kCli, args);
    cli.waitForFinished(60000);
    if (err)
        *err = QString::fromUtf8(cli.readAllStandardError());
    if (out)
        *out = QString::fromUtf8(cli.readAllStandardOutput());
    return cli.exitStatus() == QProcess::NormalExit ? cli.exitCode() : -1;
}

} // namespace

class TestCollectCommand final : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }

private slots:
    // The datagrams are sent and SIGTERM follows at once, before the writer's
    // first periodic commit: only the flush at exit can have stored them.
    void sigtermStoresEverythingReceived()
    {
        if (!QFileInfo::exists(QString::fromStdString(kExport)))
            QSKIP("reference corpus not present");
        const QString db = path(QStringLiteral("term.flowsift"));
        const QString capture = path(QStringLiteral("term.pcap"));
        QProcess cli;
        cli.start(kCli, {QStringLiteral("collect"), QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                         QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--db"), db,
                         QStringLiteral("--pcap"), capture, QStringLiteral("--status"), QStringLiteral("0")});
        QVERIFY(cli.waitForStarted());
        QString log;
        const uint16_t port = waitForListening(cli, log);
        QVERIFY2(port != 0, qPrintable(log));

        ExportReplayer replayer;
        std::string error;
        QVERIFY2(replayer.load(kExport, error), error.c_str());
        ExportReplayer::Settings rs;
        rs.target = "127.0.0.1:" + std::to_string(port);
        rs.datagramsPerSecond = 20000; // 54 ms: no burst a small socket buffer (not root) would overflow
        QVERIFY2(replayer.open(rs, error), error.c_str());
        std::atomic_bool cancel{false};
        const ExportReplayer::Result sent = replayer.run(cancel);
        QCOMPARE(sent.datagrams, uint64_t(1070));
        cli.terminate(); // SIGTERM
        QVERIFY(cli.waitForFinished(30000));
        log += QString::fromUtf8(cli.readAllStandardError());
        const QString out = QString::fromUtf8(cli.readAllStandardOutput());
        QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
        QCOMPARE(cli.exitCode(), 130); // as analyze and decode exit when interrupted
        QVERIFY2(log.contains(QStringLiteral("storing what was received")), qPrintable(log));
        QVERIFY2(out.contains(QStringLiteral("collected 33401 flows from 1070 datagrams")), qPrintable(out + log));

        const CaseFlows c = readCase(db.toStdString());
        QCOMPARE(c.flows.size(), size_t(33401)); // corpus README: enterprise4h, 33,401 records
        QCOMPARE(c.bytes, uint64_t(4878383524));
        std::string e2;
        auto store = FlowStore::open(db.toStdString(), e2, true);
        QVERIFY(store);
        const auto imports = store->imports();
        QCOMPARE(imports.size(), size_t(1));
        QCOMPARE(imports[0].path, "udp://127.0.0.1:" + std::to_string(port));
        QCOMPARE(imports[0].format, std::string("udp-netflow"));
        QCOMPARE(imports[0].recordsKept, uint64_t(33401));
        QVERIFY(!store->templates().empty());

        // The capture the collector wrote imports like any export capture.
        QString importOut;
        QCOMPARE(run({QStringLiteral("import"), capture, QStringLiteral("--db"), path(QStringLiteral("re.flowsift"))},
                     nullptr, &importOut), 0);
        QVERIFY2(importOut.contains(QStringLiteral("33401 flows in the case")), qPrintable(importOut));
    }

    void durationEndsWithZeroAndAllInterfacesAreNamed()
    {
        QString err, out;
        const QString db = path(QStringLiteral("quiet.flowsift"));
        QCOMPARE(run({QStringLiteral("collect"), QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--db"),
                      db, QStringLiteral("--duration"), QStringLiteral("0.3")}, &err, &out), 0);
        QVERIFY2(err.contains(QStringLiteral("(all interfaces)")), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("0.0.0.0:")), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("receive buffer: 32.0 MB requested, kernel granted")), qPrintable(err));
        QVERIFY2(out.contains(QStringLiteral("collected 0 flows from 0 datagrams")), qPrintable(out));
        std::string e2;
        QCOMPARE(FlowStore::open(db.toStdString(), e2, true)->imports().size(), size_t(1));
    }

    void badOptionsAreRefusedWithAReason()
    {
        QString err;
        QCOMPARE(run({QStringLiteral("collect"), QStringLiteral("--port"), QStringLiteral("70000")}, &err), 2);
        QVERIFY2(err.contains(QStringLiteral("--port must be a number from 0 to 65535")), qPrintable(err));
        QCOMPARE(run({QStringLiteral("collect"), QStringLiteral("--exporters"), QStringLiteral("10.0.0.0/8,bogus")},
                     &err), 2);
        QVERIFY2(err.contains(QStringLiteral("'bogus'")), qPrintable(err));
        QCOMPARE(run({QStringLiteral("collect"), QStringLiteral("--bind"), QStringLiteral("300.1.1.1"),
                      QStringLiteral("--db"), path(QStringLiteral("b.flowsift"))}, &err), 1);
        QVERIFY2(err.contains(QStringLiteral("300.1.1.1")), qPrintable(err));
        // An existing --pcap is not replaced without --force.
        QFile keep(path(QStringLiteral("keep.pcap")));
        QVERIFY(keep.open(QIODevice::WriteOnly));
        keep.write("precious");
        keep.close();
        QCOMPARE(run({QStringLiteral("collect"), QStringLiteral("--pcap"), keep.fileName(), QStringLiteral("--db"),
                      path(QStringLiteral("c.flowsift"))}, &err), 1);
        QVERIFY2(err.contains(QStringLiteral("use --force")), qPrintable(err));
        QVERIFY(keep.open(QIODevice::ReadOnly));
        QCOMPARE(keep.readAll(), QByteArray("precious"));
        // The replayer stays on loopback unless told otherwise.
        if (QFileInfo::exists(QString::fromStdString(kExport))) {
            QCOMPARE(run({QStringLiteral("replay"), QString::fromStdString(kExport), QStringLiteral("--to"),
                          QStringLiteral("198.51.100.1:2055")}, &err), 1);
            QVERIFY2(err.contains(QStringLiteral("--allow-remote")), qPrintable(err));
            QCOMPARE(run({QStringLiteral("replay"), QString::fromStdString(kExport), QStringLiteral("--to"),
                          QStringLiteral("127.0.0.1:2055"), QStringLiteral("--loop")}, &err), 2);
        }
        QCOMPARE(run({QStringLiteral("replay"), path(QStringLiteral("missing.pcap")), QStringLiteral("--to"),
                      QStringLiteral("127.0.0.1:2055")}, &err), 1);
        QVERIFY2(err.contains(QStringLiteral("missing.pcap")), qPrintable(err));
    }

    // Datagrams that could not be sent are flows no collector has: replay says how many and fails.
    void replayFailsWhenSendsFail()
    {
        if (!QFileInfo::exists(QString::fromStdString(kExport)))
            QSKIP("reference corpus not present");
        uint16_t closed = 0;
        {
            UdpSender probe("127.0.0.1", 0);
            QVERIFY(probe.ok());
            closed = probe.port();
        } // closed: the kernel answers port unreachable, later sends fail with ECONNREFUSED
        QString err, out;
        QCOMPARE(run({QStringLiteral("replay"), QString::fromStdString(kExport), QStringLiteral("--to"),
                      QStringLiteral("127.0.0.1:%1").arg(closed), QStringLiteral("--pps"), QStringLiteral("2000"),
                      QStringLiteral("--count"), QStringLiteral("100")}, &err, &out), 1);
        static const QRegularExpression failed(QStringLiteral("flowsift-cli: (\\d+) of (\\d+) sends failed \\(last: "
                                                              "Connection refused\\); is a collector listening on "
                                                              "127\\.0\\.0\\.1:\\d+\\?"));
        const auto m = failed.match(err);
        QVERIFY2(m.hasMatch(), qPrintable(err + out));
        QVERIFY(m.captured(1).toInt() > 0);
        QVERIFY2(out.contains(QStringLiteral("send errors ") + m.captured(1)), qPrintable(out));
    }

    // A usage mistake is one line and a pointer to the command's help, not the whole manual.
    void usageErrorsAreOneLine()
    {
        QString err, out;
        QCOMPARE(run({QStringLiteral("collect"), QStringLiteral("--port"), QStringLiteral("x")}, &err), 2);
        QCOMPARE(err, QStringLiteral("flowsift-cli: --port must be a number from 0 to 65535, not 'x'\n"
                                     "see flowsift-cli collect --help\n"));
        QCOMPARE(run({QStringLiteral("collect"), QStringLiteral("--exporter-idle-timeout"), QStringLiteral("-1")}, &err), 2);
        QVERIFY2(err.startsWith(QStringLiteral("flowsift-cli: --exporter-idle-timeout must be a number from 0")),
                 qPrintable(err));
        QCOMPARE(run({QStringLiteral("bogus")}, &err), 2);
        QCOMPARE(err, QStringLiteral("flowsift-cli: unknown command bogus\nsee flowsift-cli --help\n"));
        QCOMPARE(run({QStringLiteral("analyze"), QStringLiteral("--nope")}, &err), 2);
        QCOMPARE(err, QStringLiteral("flowsift-cli: unknown option --nope\nsee flowsift-cli analyze --help\n"));
        // COMMAND --help is that command's part of the usage, and says how replay sends.
        QCOMPARE(run({QStringLiteral("replay"), QStringLiteral("--help")}, &err, &out), 0);
        QVERIFY2(out.startsWith(QStringLiteral("Usage:\n  flowsift-cli replay FILE --to HOST:PORT")), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("127.0.0.2, 127.0.0.3")) && out.contains(QStringLiteral("--from ADDR")),
                 qPrintable(out));
        QVERIFY2(!out.contains(QStringLiteral("flowsift-cli collect")), qPrintable(out));
        QCOMPARE(run({QStringLiteral("collect"), QStringLiteral("--help")}, &err, &out), 0);
        QVERIFY2(out.contains(QStringLiteral("--exporter-idle-timeout")), qPrintable(out));
        QCOMPARE(run({QStringLiteral("--help")}, &err, &out), 0);
        QVERIFY2(out.contains(QStringLiteral("flowsift-cli analyze")) && out.contains(QStringLiteral("flowsift-cli replay")),
                 qPrintable(out));
    }

    void replayCommandPacesAndCounts()
    {
        if (!QFileInfo::exists(QString::fromStdString(kExport)))
            QSKIP("reference corpus not present");
        // Nobody listens on this port: what matters is what was sent and how fast.
        UdpSender sink("127.0.0.1", 0);
        QVERIFY(sink.ok());
        QString err, out;
        QElapsedTimer t;
        t.start();
        QCOMPARE(run({QStringLiteral("replay"), QString::fromStdString(kExport), QStringLiteral("--to"),
                      QStringLiteral("127.0.0.1:%1").arg(sink.port()), QStringLiteral("--pps"), QStringLiteral("500"),
                      QStringLiteral("--count"), QStringLiteral("200")}, &err, &out), 0);
        QVERIFY2(out.startsWith(QStringLiteral("replayed 200 datagrams")), qPrintable(out + err));
        QVERIFY2(t.elapsed() >= 350, qPrintable(QString::number(t.elapsed()))); // 200 at 500/s: 0.4 s
        QCOMPARE(run({QStringLiteral("replay"), QString::fromStdString(kExport), QStringLiteral("--to"),
                      QStringLiteral("127.0.0.1:%1").arg(sink.port()), QStringLiteral("--loop"), QStringLiteral("--count"),
                      QStringLiteral("2500")}, &err, &out), 0);
        QVERIFY2(out.startsWith(QStringLiteral("replayed 2500 datagrams")), qPrintable(out + err));
    }
};

QTEST_GUILESS_MAIN(TestCollectCommand)
#include "tst_collectcommand.moc"
