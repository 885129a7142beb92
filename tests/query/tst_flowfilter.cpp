// nfdump-style filter expressions: what they match, what SQL they become (the
// same flows from the store), and errors that point at the mistake.
#include "query/FlowFilter.h"
#include "store/FlowStore.h"

#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

namespace {

FlowRecord make(const char* src, uint16_t sport, const char* dst, uint16_t dport, uint8_t proto, uint64_t bytes,
                uint64_t packets, int64_t durMs, uint8_t flags)
{
    FlowRecord r;
    r.src = *IpAddress::parse(src);
    r.dst = *IpAddress::parse(dst);
    r.srcPort = sport;
    r.dstPort = dport;
    r.protocol = proto;
    r.bytes = bytes;
    r.packets = packets;
    r.startMs = 1772438400000;
    r.endMs = r.startMs + durMs;
    r.tcpFlags = flags;
    r.exportVersion = 9;
    r.exporter = *IpAddress::parse(proto == 17 ? "192.0.2.2" : "192.0.2.1");
    r.exporterPort = 2055;
    return r;
}

std::vector<FlowRecord> sample()
{
    return {
        make("10.0.5.23", 50001, "203.0.113.77", 443, 6, 1200, 8, 400, 0x1b),       // 0 beacon
        make("203.0.113.77", 443, "10.0.5.23", 50001, 6, 4800, 6, 400, 0x1b),       // 1 its reply
        make("10.0.8.14", 40000, "10.0.0.10", 445, 6, 44, 1, 0, 0x02),              // 2 SYN probe
        make("10.0.0.53", 5353, "9.9.9.9", 53, 17, 80, 1, 10, 0),                    // 3 DNS
        make("10.0.3.7", 51000, "198.51.100.200", 443, 6, 500'000'000, 340'000, 600'000, 0x1b), // 4 upload
        make("2001:db8:10:5::23", 50002, "2001:db8:bad:c2::77", 443, 6, 900, 7, 300, 0x1b),     // 5 IPv6
        make("10.0.4.90", 123, "162.159.200.1", 123, 17, 76, 1, 0, 0),               // 6 NTP
        make("172.16.9.9", 3389, "10.1.2.3", 60000, 6, 2000, 10, 5000, 0x12),        // 7 SYN-ACK from RDP
    };
}

std::vector<int> matching(const FlowFilter& f, const std::vector<FlowRecord>& flows)
{
    std::vector<int> out;
    for (size_t i = 0; i < flows.size(); ++i)
        if (f.matches(flows[i]))
            out.push_back(int(i));
    return out;
}

} // namespace

class TestFlowFilter final : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string m_case;

private slots:
    void initTestCase()
    {
        m_case = m_dir.filePath(QStringLiteral("filter.flowsift")).toStdString();
        std::string error;
        auto store = FlowStore::open(m_case, error);
        QVERIFY2(store, error.c_str());
        const int64_t id = store->beginImport({0, "f.csv", 1, "f1", "test", 0, 0, 0, 0, {}});
        QVERIFY(store->insertFlows(sample()));
        QVERIFY(store->commitImport(id, 8, 8, 0, {}));
    }

    void expressionsMatchTheRightFlows_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QList<int>>("expected");
        QTest::newRow("src host and dst port") << "src host 10.0.5.23 and dst port 443" << QList<int>{0};
        QTest::newRow("host either side") << "host 10.0.5.23" << QList<int>{0, 1};
        QTest::newRow("net cidr") << "net 10.0.0.0/8" << QList<int>{0, 1, 2, 3, 4, 6, 7};
        QTest::newRow("net netmask") << "src net 10.0.0.0 255.255.240.0" << QList<int>{0, 2, 3, 4, 6};
        QTest::newRow("net ipv6") << "dst net 2001:db8:bad::/48" << QList<int>{5};
        QTest::newRow("proto udp") << "proto udp" << QList<int>{3, 6};
        QTest::newRow("proto number") << "proto 17 and not port 53" << QList<int>{6};
        QTest::newRow("bytes with suffix") << "bytes > 1M" << QList<int>{4};
        QTest::newRow("packets ge") << "packets >= 8" << QList<int>{0, 4, 7};
        QTest::newRow("duration") << "duration > 1000" << QList<int>{4, 7};
        QTest::newRow("syn without ack") << "flags S and not flags A" << QList<int>{2};
        QTest::newRow("flags combined") << "flags SA" << QList<int>{0, 1, 4, 5, 7};
        QTest::newRow("port in list") << "dst port in [ 53 123 445 ]" << QList<int>{2, 3, 6};
        QTest::newRow("port compare") << "src port lt 1024" << QList<int>{1, 6};
        QTest::newRow("inet6") << "inet6" << QList<int>{5};
        QTest::newRow("inet") << "ipv4 and dst port 443" << QList<int>{0, 4};
        QTest::newRow("precedence") << "port 53 or port 123 and src host 10.0.4.90" << QList<int>{3, 6};
        QTest::newRow("parentheses") << "(port 53 or port 123) and src host 10.0.0.53" << QList<int>{3};
        QTest::newRow("symbols") << "!(proto tcp) && (dst port 53 || dst port 123)" << QList<int>{3, 6};
        QTest::newRow("exporter") << "exporter 192.0.2.2" << QList<int>{3, 6};
        QTest::newRow("any") << "any" << QList<int>{0, 1, 2, 3, 4, 5, 6, 7};
        QTest::newRow("case insensitive") << "SRC HOST 10.0.8.14 AND Proto TCP" << QList<int>{2};
    }

    void expressionsMatchTheRightFlows()
    {
        QFETCH(QString, expression);
        QFETCH(QList<int>, expected);
        FlowFilter::Error error;
        auto filter = FlowFilter::parse(expression.toStdString(), error);
        QVERIFY2(filter, error.toString().c_str());
        const std::vector<int> got = matching(*filter, sample());
        QCOMPARE(QList<int>(got.begin(), got.end()), expected);

        // The SQL form selects the same flows from the case (ids follow insert order).
        sqlite3* db = nullptr;
        QCOMPARE(sqlite3_open_v2(m_case.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
        const FlowFilter::Sql sql = filter->toSql();
        const std::string query = "SELECT rowid - 1 FROM flows WHERE " + sql.where + " ORDER BY rowid";
        sqlite3_stmt* st = nullptr;
        QVERIFY2(sqlite3_prepare_v2(db, query.c_str(), -1, &st, nullptr) == SQLITE_OK, sqlite3_errmsg(db));
        for (size_t i = 0; i < sql.values.size(); ++i) {
            if (const auto* n = std::get_if<int64_t>(&sql.values[i]))
                sqlite3_bind_int64(st, int(i + 1), *n);
            else {
                const auto& b = std::get<std::vector<uint8_t>>(sql.values[i]);
                sqlite3_bind_blob(st, int(i + 1), b.data(), int(b.size()), SQLITE_TRANSIENT);
            }
        }
        QList<int> fromSql;
        while (sqlite3_step(st) == SQLITE_ROW)
            fromSql.push_back(sqlite3_column_int(st, 0));
        sqlite3_finalize(st);
        sqlite3_close(db);
        QCOMPARE(fromSql, expected);
    }

    void mistakesArePointedAt_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<int>("position");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << "  " << 2 << "the filter is empty (use 'any' for every flow)";
        QTest::newRow("bad address") << "src host 10.0.5.300" << 9 << "expected an IP address after 'host', found '10.0.5.300'";
        QTest::newRow("typo") << "src hots 1.2.3.4" << 4 << "expected host, net or port after 'src', found 'hots'";
        QTest::newRow("unknown word") << "hots 1.2.3.4" << 0 << "unknown word 'hots'";
        QTest::newRow("port name") << "dst port http" << 9 << "expected a port number (0-65535), found 'http'";
        QTest::newRow("port range") << "port 70000" << 5 << "expected a port number (0-65535), found '70000'";
        QTest::newRow("missing and") << "proto tcp port 80" << 10 << "expected 'and' or 'or' before 'port'";
        QTest::newRow("dangling and") << "proto tcp and" << 13 << "the expression ends too early";
        QTest::newRow("unclosed") << "(proto tcp or proto udp" << 0 << "'(' is never closed";
        QTest::newRow("extra paren") << "proto tcp)" << 9 << "')' without a matching '('";
        QTest::newRow("prefix") << "net 10.0.0.0/40" << 4 << "prefix length must be 0-32 in '10.0.0.0/40'";
        QTest::newRow("netmask") << "net 10.0.0.0 255.0.255.0" << 13 << "'255.0.255.0' is not a netmask";
        QTest::newRow("no length") << "net 10.0.0.0" << 12 << "expected /LENGTH or a netmask after 'net 10.0.0.0'";
        QTest::newRow("flag letter") << "flags SX" << 6 << "'X' is not a TCP flag (U A P R S F)";
        QTest::newRow("proto name") << "proto bogus" << 6 << "expected a protocol";
        QTest::newRow("bytes") << "bytes > lots" << 8 << "expected a number after 'bytes'";
        QTest::newRow("character") << "port 80 $ 1" << 8 << "unexpected character '$'";
        QTest::newRow("empty list") << "port in [ ]" << 0 << "'port in []' lists no ports";
    }

    void mistakesArePointedAt()
    {
        QFETCH(QString, expression);
        QFETCH(int, position);
        QFETCH(QString, message);
        FlowFilter::Error error;
        QVERIFY(!FlowFilter::parse(expression.toStdString(), error));
        QVERIFY2(QString::fromStdString(error.message).startsWith(message), error.message.c_str());
        QCOMPARE(int(error.position), position);
    }

    void longHostListsRunInSqlAndDeepNestingIsRefused()
    {
        // A pasted list of 300 hosts: SQL nested per term would overflow SQLite's parser.
        std::string text;
        for (int i = 0; i < 300; ++i)
            text += (i ? " or host 10.9." : "host 10.9.") + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
        text += " or host " + sample().front().src.toString();
        FlowFilter::Error error;
        auto filter = FlowFilter::parse(text, error);
        QVERIFY2(filter, error.toString().c_str());
        const FlowFilter::Sql sql = filter->toSql();
        QCOMPARE(sql.values.size(), size_t(2 * 301));
        sqlite3* db = nullptr;
        QCOMPARE(sqlite3_open_v2(m_case.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
        sqlite3_stmt* st = nullptr;
        const std::string query = "SELECT count(*) FROM flows WHERE " + sql.where;
        QVERIFY2(sqlite3_prepare_v2(db, query.c_str(), -1, &st, nullptr) == SQLITE_OK, sqlite3_errmsg(db));
        for (size_t i = 0; i < sql.values.size(); ++i) {
            const auto& b = std::get<std::vector<uint8_t>>(sql.values[i]);
            sqlite3_bind_blob(st, int(i + 1), b.data(), int(b.size()), SQLITE_TRANSIENT);
        }
        QCOMPARE(sqlite3_step(st), SQLITE_ROW);
        const int fromSql = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        sqlite3_close(db);
        int expected = 0;
        for (const FlowRecord& r : sample())
            expected += filter->matches(r) ? 1 : 0;
        QVERIFY(expected > 0);
        QCOMPARE(fromSql, expected);

        // Nesting that SQL cannot take is refused by the parser, with its own message.
        std::string deep;
        for (int i = 0; i < 80; ++i)
            deep += "not ";
        QVERIFY(!FlowFilter::parse(deep + "any", error));
        QVERIFY2(error.message.find("nests") != std::string::npos, error.message.c_str());
        QVERIFY(FlowFilter::parse("not not not (port 80 and not (host 10.0.0.1 or port 53))", error));
    }

    void hostileInputIsRefusedNotCrashed()
    {
        FlowFilter::Error error;
        QVERIFY(!FlowFilter::parse(std::string(5000, '('), error));
        QVERIFY2(error.message.find("more than 4096 words") != std::string::npos, error.message.c_str());
        std::string deep;
        for (int i = 0; i < 2000; ++i)
            deep += "not ";
        // Parsed without a crash, then refused: its SQL would nest 2000 levels.
        QVERIFY(!FlowFilter::parse(deep + "any", error));
        QVERIFY2(error.message.find("nests more than 64 levels") != std::string::npos, error.message.c_str());
        auto f = FlowFilter::parse(deep.substr(0, 4 * 64) + "any", error); // even count: matches everything
        QVERIFY2(f, error.message.c_str());
        QVERIFY(f->matches(sample()[0]));
        QVERIFY(!FlowFilter::parse(std::string("port 80\0 and any", 16), error));
    }
};

QTEST_GUILESS_MAIN(TestFlowFilter)
#include "tst_flowfilter.moc"
