// The readers of every supported flow format, against the corpus and the
// labeled public logs (the latter skip when ../shared/labeled is absent).
#include "ImportFixtures.h"
#include "import/ExportCaptureSource.h"
#include "import/FlowImporter.h"
#include "import/FlowSource.h"
#include "store/FlowStore.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace {

const std::string kCorpus = FLOWSIFT_CORPUS_DIR;
const std::string kLabeled = std::string(FLOWSIFT_SHARED_DIR) + "/labeled";

bool exists(const std::string& p) { return QFile::exists(QString::fromStdString(p)); }

struct ReadAll {
    std::vector<FlowRecord> flows;
    std::string format;
    uint64_t rejected = 0;
    std::vector<ImportIssue> issues;
    bool synthetic = false;
    std::string error;
};

ReadAll readAll(const std::string& path)
{
    ReadAll r;
    auto source = openFlowSource(path, r.error);
    if (!source)
        return r;
    r.format = source->formatName();
    while (source->readBatch(r.flows, 4096)) {
    }
    r.rejected = source->rejectedCount();
    r.issues = source->issues();
    r.synthetic = source->timesSynthetic();
    return r;
}

using FlowKey = std::tuple<std::string, std::string, int, int, int, uint64_t, uint64_t, int64_t, int64_t, int, int,
                           std::string, int>;

FlowKey keyOf(const FlowRecord& f)
{
    return {f.src.toString(), f.dst.toString(), f.srcPort, f.dstPort, f.protocol, f.bytes, f.packets, f.startMs,
            f.endMs, f.tcpFlags, f.tos, f.exporter.toString(), f.exportVersion};
}

std::map<FlowKey, int> multiset(const std::vector<FlowRecord>& flows)
{
    std::map<FlowKey, int> m;
    for (const auto& f : flows)
        ++m[keyOf(f)];
    return m;
}

void writeFile(const QString& path, const std::string& text, bool gzip = false)
{
    if (gzip) {
        gzFile f = gzopen(path.toLocal8Bit().constData(), "wb");
        gzwrite(f, text.data(), unsigned(text.size()));
        gzclose(f);
        return;
    }
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text.data(), qint64(text.size()));
}


} // namespace

class TestImporters final : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString tmp(const char* name) const { return m_dir.filePath(QString::fromLatin1(name)); }

    void compareWithPcap(const char* scenario)
    {
        const std::string json = kCorpus + "/json/" + scenario + ".json.gz";
        const std::string pcap = kCorpus + "/exports/" + scenario + ".pcap";
        if (!exists(json) || !exists(pcap))
            QSKIP("corpus not available");
        const ReadAll fromJson = readAll(json);
        QVERIFY2(fromJson.error.empty(), fromJson.error.c_str());
        QCOMPARE(fromJson.format, std::string("python-netflow-json"));
        QCOMPARE(fromJson.rejected, uint64_t(0));
        ExportCaptureSource capture;
        std::string error;
        QVERIFY2(capture.open(pcap, error), error.c_str());
        std::vector<FlowRecord> fromPcap;
        while (capture.readBatch(fromPcap, 4096)) {
        }
        QCOMPARE(fromJson.flows.size(), size_t(33401));
        QCOMPARE(fromJson.flows.size(), fromPcap.size());
        const auto a = multiset(fromJson.flows);
        const auto b = multiset(fromPcap);
        if (a != b) {
            for (const auto& [k, n] : a)
                if (!b.count(k) || b.at(k) != n) {
                    const auto& [src, dst, sp, dp, pr, by, pk, st, en, fl, tos, ex, v] = k;
                    qWarning("only in JSON: %s:%d > %s:%d p%d %llu B %llu P %lld-%lld flags %d tos %d exp %s v%d",
                             src.c_str(), sp, dst.c_str(), dp, pr, (unsigned long long)by, (unsigned long long)pk,
                             (long long)st, (long long)en, fl, tos, ex.c_str(), v);
                    break;
                }
        }
        QVERIFY(a == b);
        // The exporter identity matches as well (address, source port, domain).
        QCOMPARE(fromJson.flows.front().exporterPort, fromPcap.front().exporterPort);
    }

private slots:
    void pyNetflowV9EqualsPcapDecode() { compareWithPcap("enterprise4h__softflowd-v9"); }
    void pyNetflowIpfixEqualsPcapDecode() { compareWithPcap("enterprise4h__softflowd-ipfix"); }

    void pyNetflowIpfixWaitsForSystemInit()
    {
        // Data before the options record that times it: held, then placed.
        const auto [line1, line2, line3] = fixtureWaitLines();
        writeFile(tmp("wait.json"), line1 + "\n" + line2 + "\n" + line3 + "\n");
        const ReadAll r = readAll(tmp("wait.json").toStdString());
        QVERIFY2(r.error.empty(), r.error.c_str());
        QCOMPARE(r.flows.size(), size_t(1));
        QCOMPARE(r.flows[0].startMs, int64_t(1772438401000));
        QCOMPARE(r.flows[0].endMs, int64_t(1772438401500));
        QCOMPARE(r.flows[0].src.toString(), std::string("10.0.0.1"));
        QCOMPARE(r.flows[0].observationDomain, uint32_t(7));
        // The other exporter never sent its system init time.
        QCOMPARE(r.rejected, uint64_t(1));
        QCOMPARE(r.issues.size(), size_t(1));
        QCOMPARE(r.issues[0].line, int64_t(3));
    }

    // "Up to maxRecords": a python-netflow line holds many flows; those past
    // the batch come first in the next call, in order (found by fuzz_json_lines).
    void batchesNeverExceedWhatWasAskedFor()
    {
        // (no raw string literals here: moc reads this file)
        std::string flows;
        for (int i = 1; i <= 5; ++i)
            flows += std::string(i > 1 ? "," : "") + "{\"IPV4_SRC_ADDR\": \"10.0.0." + std::to_string(i)
                + "\", \"IPV4_DST_ADDR\": \"10.0.0.99\", \"L4_SRC_PORT\": 1, \"L4_DST_PORT\": 2, \"PROTOCOL\": 6,"
                  " \"IN_BYTES\": " + std::to_string(i)
                + ", \"IN_PKTS\": 1, \"FIRST_SWITCHED\": 1000, \"LAST_SWITCHED\": 2000}";
        const std::string line = "{\"1772438400.0\": {\"client\": [\"192.0.2.1\", 2055], \"header\": {\"version\": 9,"
                                 " \"uptime\": 5000, \"timestamp\": 1772438400, \"source_id\": 0}, \"flows\": ["
            + flows + "]}}";
        writeFile(tmp("five.json"), line + "\n" + line + "\n");
        std::string error;
        auto source = openFlowSource(tmp("five.json").toStdString(), error);
        QVERIFY2(source, error.c_str());
        QCOMPARE(source->formatName(), std::string("python-netflow-json"));
        std::vector<FlowRecord> all;
        for (bool more = true; more;) {
            std::vector<FlowRecord> batch;
            more = source->readBatch(batch, 2);
            QVERIFY(batch.size() <= 2);
            all.insert(all.end(), batch.begin(), batch.end());
        }
        QCOMPARE(all.size(), size_t(10));
        for (size_t i = 0; i < all.size(); ++i)
            QCOMPARE(all[i].bytes, uint64_t(i % 5 + 1));
    }

    // Durations and times far outside any real flow (found by fuzz_csv: an
    // nfdump td of 2^64/1000 s overflowed int64_t) are refused, never added.
    void hugeDurationsAreRefusedNotOverflowed()
    {
        writeFile(tmp("huge-td.csv"), "ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt\n"
                                      "2026-03-02 08:00:06,2026-03-02 08:00:07,18446744073709552.000,10.0.0.1,"
                                      "10.0.0.2,1,2,TCP,...AP.SF,0,0,6,300\n");
        ReadAll r = readAll(tmp("huge-td.csv").toStdString());
        QCOMPARE(r.flows.size(), size_t(1));
        QCOMPARE(r.flows[0].startMs, int64_t(1772438406000));
        QCOMPARE(r.flows[0].endMs, int64_t(1772438407000)); // te, since td is no duration
        writeFile(tmp("huge-dur.binetflow"), "StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,sTos,TotPkts,"
                                             "TotBytes\n2019/04/04 16:24:47.672448,1e300,tcp,10.8.0.69,56101,   ->,"
                                             "14.1.11.113,999,S0,0,31,8764\n");
        r = readAll(tmp("huge-dur.binetflow").toStdString());
        QCOMPARE(r.flows.size(), size_t(0));
        QCOMPARE(r.issues.at(0).reason, std::string("bad Dur '1e300'"));
        writeFile(tmp("huge-ts.log"), "#separator \\x09\n#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto"
                                      "\tduration\n1e300\t10.0.0.9\t1\t10.0.0.1\t2\ttcp\t1\n"
                                      "1.5\t10.0.0.9\t1\t10.0.0.1\t2\ttcp\t9.3e18\n");
        r = readAll(tmp("huge-ts.log").toStdString());
        QCOMPARE(r.flows.size(), size_t(0));
        QCOMPARE(r.issues.size(), size_t(2));
        QCOMPARE(r.issues[0].reason, std::string("bad ts '1e300'"));
        QCOMPARE(r.issues[1].reason, std::string("bad duration '9.3e18'"));
    }

    void nfdumpCsvMatchesReference()
    {
        const std::string csv = kCorpus + "/reference/enterprise4h__softflowd-v9.nfdump.csv.gz";
        const std::string pcap = kCorpus + "/exports/enterprise4h__softflowd-v9.pcap";
        if (!exists(csv) || !exists(pcap))
            QSKIP("corpus not available");
        const ReadAll r = readAll(csv);
        QVERIFY2(r.error.empty(), r.error.c_str());
        QCOMPARE(r.format, std::string("nfdump-csv"));
        QCOMPARE(r.rejected, uint64_t(0));
        QCOMPARE(r.flows.size(), size_t(33401)); // 33,402 lines with the header
        // First row: 2026-03-02 08:00:06,…,0.656,10.0.0.80,13.107.213.73,80,38640,TCP,...AP.SF,0,0,6,30225,…,127.0.0.1
        const FlowRecord& f = r.flows.front();
        QCOMPARE(f.startMs, int64_t(1772438406000));
        QCOMPARE(f.endMs, int64_t(1772438406656));
        QCOMPARE(f.src.toString(), std::string("10.0.0.80"));
        QCOMPARE(f.dst.toString(), std::string("13.107.213.73"));
        QCOMPARE(f.srcPort, uint16_t(80));
        QCOMPARE(f.dstPort, uint16_t(38640));
        QCOMPARE(f.protocol, IpProtocol::Tcp);
        QCOMPARE(f.tcpFlags, uint8_t(0x1b));
        QCOMPARE(f.packets, uint64_t(6));
        QCOMPARE(f.bytes, uint64_t(30225));
        QCOMPARE(f.exporter.toString(), std::string("127.0.0.1"));
        // Every flow equals one decoded from the same datagrams (nfdump keeps
        // whole seconds of the start and the duration in ms).
        ExportCaptureSource capture;
        std::string error;
        QVERIFY2(capture.open(pcap, error), error.c_str());
        std::vector<FlowRecord> fromPcap;
        while (capture.readBatch(fromPcap, 4096)) {
        }
        using K = std::tuple<std::string, std::string, int, int, int, uint64_t, uint64_t, int64_t, int64_t, int>;
        auto key = [](const FlowRecord& x) {
            return K{x.src.toString(), x.dst.toString(), x.srcPort, x.dstPort, x.protocol, x.bytes, x.packets,
                     x.startMs / 1000, x.endMs - x.startMs, x.tcpFlags};
        };
        std::map<K, int> a, b;
        for (const auto& x : r.flows)
            ++a[key(x)];
        for (const auto& x : fromPcap)
            ++b[key(x)];
        QVERIFY(a == b);
    }

    void flowJsonArrayWithV9Names()
    {
        // One line, an array; a nested object and an escaped brace in a string
        // must not confuse the object splitter; element 3 lacks an address.
        const std::string text = fixtureV9Array();
        writeFile(tmp("v9.json"), text);
        const ReadAll r = readAll(tmp("v9.json").toStdString());
        QVERIFY2(r.error.empty(), r.error.c_str());
        QCOMPARE(r.format, std::string("flow-json"));
        QCOMPARE(r.flows.size(), size_t(2));
        QCOMPARE(r.flows[0].dstPort, uint16_t(53));
        QCOMPARE(r.flows[0].revBytes, uint64_t(120));
        QCOMPARE(r.flows[0].startMs, int64_t(1700000000123));
        QCOMPARE(r.flows[0].endMs, int64_t(1700000000200));
        QCOMPARE(r.flows[0].extra, std::string("{\"note\":{\"x\":\"}{\\\"}\"}}"));
        QCOMPARE(r.flows[1].src.toString(), std::string("2001:db8::1"));
        QCOMPARE(r.flows[1].tcpFlags, uint8_t(0x12));
        QCOMPARE(r.flows[1].startMs, int64_t(1700000001000)); // standalone FIRST_SWITCHED: epoch seconds
        QCOMPARE(r.rejected, uint64_t(1));
        QCOMPARE(r.issues.at(0).reason, std::string("flow has only one of source and destination address"));
    }

    void flowJsonLinesWithIpfixNamesGzip()
    {
        const std::string text = fixtureIpfixLines();
        writeFile(tmp("ipfix.jsonl.gz"), text, true);
        const ReadAll r = readAll(tmp("ipfix.jsonl.gz").toStdString());
        QVERIFY2(r.error.empty(), r.error.c_str());
        QCOMPARE(r.format, std::string("flow-json"));
        QCOMPARE(r.flows.size(), size_t(3));
        QCOMPARE(r.flows[2].src.toString(), std::string("192.168.0.3"));
        QCOMPARE(r.flows[2].bytes, uint64_t(3000));
        QCOMPARE(r.flows[2].startMs, int64_t(1772438402250));
        QCOMPARE(r.flows[2].endMs, int64_t(1772438410000));
        QCOMPARE(r.rejected, uint64_t(1));
        QCOMPARE(r.issues.at(0).line, int64_t(4));
    }

    void netflowCsvWithoutTimestamps()
    {
        // NF-UNSW-NB15 layout (first rows as that dataset has them, addresses changed).
        const std::string text =
            "IPV4_SRC_ADDR,L4_SRC_PORT,IPV4_DST_ADDR,L4_DST_PORT,PROTOCOL,L7_PROTO,IN_BYTES,OUT_BYTES,IN_PKTS,"
            "OUT_PKTS,TCP_FLAGS,FLOW_DURATION_MILLISECONDS,Label,Attack\n"
            "149.171.126.0,62073,59.166.0.5,56082,6,0.0,9672,416,11,8,25,15,0,Benign\n"
            "149.171.126.2,32284,59.166.0.5,1526,6,0.0,1776,104,6,2,25,0,0,Benign\n"
            "175.45.176.1,0,149.171.126.16,0,1,0.0,200,0,2,0,0,4000,1,Reconnaissance\n";
        writeFile(tmp("nf-unsw.csv"), text);
        const ReadAll r = readAll(tmp("nf-unsw.csv").toStdString());
        QVERIFY2(r.error.empty(), r.error.c_str());
        QCOMPARE(r.format, std::string("netflow-csv"));
        QVERIFY(r.synthetic);
        QCOMPARE(r.flows.size(), size_t(3));
        QCOMPARE(r.rejected, uint64_t(0));
        QCOMPARE(r.issues.size(), size_t(1)); // the synthetic-time caveat, on the header line
        QCOMPARE(r.issues[0].line, int64_t(1));
        QCOMPARE(r.flows[0].bytes, uint64_t(9672));
        QCOMPARE(r.flows[0].revBytes, uint64_t(416));
        QCOMPARE(r.flows[0].packets, uint64_t(11));
        QCOMPARE(r.flows[0].revPackets, uint64_t(8));
        QCOMPARE(r.flows[0].tcpFlags, uint8_t(25));
        QCOMPARE(r.flows[0].startMs, int64_t(0));
        QCOMPARE(r.flows[0].endMs, int64_t(15));
        QCOMPARE(r.flows[2].startMs, int64_t(2));
        QCOMPARE(r.flows[2].endMs, int64_t(4002));
        QCOMPARE(r.flows[2].extra, std::string("{\"Attack\":\"Reconnaissance\",\"L7_PROTO\":\"0.0\",\"Label\":\"1\"}"));
    }

    void zeekTsvDirectoryRitaMissingHost()
    {
        const std::string dir = kLabeled + "/rita_missing_host";
        if (!exists(dir))
            QSKIP("../shared/labeled not available");
        const auto files = FlowImporter::expandInputs({dir});
        QCOMPARE(files.size(), size_t(72));
        size_t total = 0, beacon = 0, beaconHttp = 0;
        FlowRecord firstBeacon;
        for (const auto& f : files) {
            const ReadAll r = readAll(f);
            QVERIFY2(r.error.empty(), r.error.c_str());
            QCOMPARE(r.format, std::string("zeek-conn-tsv"));
            QCOMPARE(r.rejected, uint64_t(0));
            total += r.flows.size();
            for (const auto& x : r.flows)
                if (x.src.toString() == "73.54.23.243" && x.dst.toString() == "64.225.56.201") {
                    ++beacon;
                    if (x.dstPort == 80 && !beaconHttp++)
                        firstBeacon = x;
                }
        }
        QCOMPARE(total, size_t(105918));
        QCOMPARE(beacon, size_t(951)); // the README's 951 beacon-pair flows, 950 of them to port 80
        QCOMPARE(beaconHttp, size_t(950));
        QCOMPARE(firstBeacon.protocol, IpProtocol::Tcp);
    }

    void zeekTsvSlipsHorizontalScan()
    {
        const std::string file = kLabeled + "/slips/port-scans/horizontal/conn.log";
        if (!exists(file))
            QSKIP("../shared/labeled not available");
        const ReadAll r = readAll(file);
        QCOMPARE(r.format, std::string("zeek-conn-tsv"));
        QCOMPARE(r.flows.size(), size_t(41));
        QCOMPARE(r.rejected, uint64_t(0));
        // 928.943457 Cxl7TP23vZQ4RolkJf 10.0.2.112 49168 195.113.214.219 80 tcp http 0.055687 261 1077 SF - - 0
        // ShADadfF 5 473 5 1281
        const FlowRecord& f = r.flows.front();
        QCOMPARE(f.startMs, int64_t(928943));
        QCOMPARE(f.endMs, int64_t(928943 + 56));
        QCOMPARE(f.src.toString(), std::string("10.0.2.112"));
        QCOMPARE(f.srcPort, uint16_t(49168));
        QCOMPARE(f.dst.toString(), std::string("195.113.214.219"));
        QCOMPARE(f.dstPort, uint16_t(80));
        QCOMPARE(f.bytes, uint64_t(473));   // orig_ip_bytes
        QCOMPARE(f.packets, uint64_t(5));
        QCOMPARE(f.revBytes, uint64_t(1281)); // resp_ip_bytes
        QCOMPARE(f.revPackets, uint64_t(5));
        QCOMPARE(f.tcpFlags, uint8_t(TcpFlag::Syn | TcpFlag::Ack | TcpFlag::Fin));
        const auto extra = nlohmann::json::parse(f.extra);
        QCOMPARE(extra.value("uid", ""), std::string("Cxl7TP23vZQ4RolkJf"));
        QCOMPARE(extra.value("conn_state", ""), std::string("SF"));
        QCOMPARE(extra.value("orig_bytes", 0), 261);
        int sf = 0, s0 = 0;
        for (const auto& x : r.flows) {
            const auto e = nlohmann::json::parse(x.extra);
            sf += e.value("conn_state", "") == "SF";
            s0 += e.value("conn_state", "") == "S0";
        }
        QCOMPARE(sf, 26);
        QCOMPARE(s0, 11);
    }

    void zeekJsonSlipsVerticalScan()
    {
        const std::string file = kLabeled + "/slips/port-scans/vertical/conn.log";
        if (!exists(file))
            QSKIP("../shared/labeled not available");
        const ReadAll r = readAll(file);
        QCOMPARE(r.format, std::string("zeek-conn-json"));
        QCOMPARE(r.flows.size(), size_t(50));
        QCOMPARE(r.rejected, uint64_t(0));
        const FlowRecord& f = r.flows.front();
        QCOMPARE(f.startMs, int64_t(1700828217314));
        QCOMPARE(f.endMs, int64_t(1700828217314 + 207));
        QCOMPARE(f.src.toString(), std::string("192.168.1.9"));
        QCOMPARE(f.dst.toString(), std::string("45.33.32.156"));
        QCOMPARE(f.dstPort, uint16_t(443));
        QCOMPARE(f.bytes, uint64_t(60));
        QCOMPARE(f.revBytes, uint64_t(40));
        QCOMPARE(f.tcpFlags, uint8_t(TcpFlag::Syn | TcpFlag::Rst));
        std::set<uint16_t> ports;
        for (const auto& x : r.flows)
            ports.insert(x.dstPort);
        QCOMPARE(ports.size(), size_t(44)); // 50 probes, 44 distinct ports
    }

    void argusBinetflow()
    {
        const std::string file = kLabeled + "/slips/test11-portscan.binetflow";
        const std::string mixed = kLabeled + "/slips/test5-mixed.binetflow";
        if (!exists(file) || !exists(mixed))
            QSKIP("../shared/labeled not available");
        const ReadAll r = readAll(file);
        QCOMPARE(r.format, std::string("argus-csv"));
        QCOMPARE(r.flows.size(), size_t(66));
        QCOMPARE(r.rejected, uint64_t(0));
        // 2019/04/04 16:24:47.672448,63.822830,tcp,10.8.0.69,56101,   ->,14.1.11.113,999,S0,0,0,31,8764,1887,15,
        const FlowRecord& f = r.flows.front();
        QCOMPARE(f.startMs, int64_t(1554395087672));
        QCOMPARE(f.endMs, int64_t(1554395087672 + 63823));
        QCOMPARE(f.src.toString(), std::string("10.8.0.69"));
        QCOMPARE(f.dstPort, uint16_t(999));
        QCOMPARE(f.bytes, uint64_t(1887));
        QCOMPARE(f.revBytes, uint64_t(8764 - 1887));
        QCOMPARE(f.packets, uint64_t(15));
        QCOMPARE(f.revPackets, uint64_t(16));
        QCOMPARE(nlohmann::json::parse(f.extra).value("state", ""), std::string("S0"));
        // Tab-separated, with Argus management and ARP/LLC records (not IP flows).
        const ReadAll m = readAll(mixed);
        QCOMPARE(m.format, std::string("argus-csv"));
        QCOMPARE(m.flows.size() + m.rejected, size_t(300));
        QCOMPARE(m.issues.at(0).line, int64_t(2));
        QCOMPARE(m.issues.at(0).reason, std::string("not an IP flow (protocol 'man')"));
    }

    void formatComesFromContentNotName()
    {
        // A Zeek log named like a pcap, and an nfdump CSV named .json.
        QFile::copy(QString::fromStdString(kCorpus + "/reference/baseline2h__softflowd-v9.nfdump.csv.gz"),
                    tmp("misnamed.json"));
        if (!exists(tmp("misnamed.json").toStdString()))
            QSKIP("corpus not available");
        QCOMPARE(readAll(tmp("misnamed.json").toStdString()).format, std::string("nfdump-csv"));
        writeFile(tmp("unknown.txt"), "hello,world\n1,2\n");
        const ReadAll u = readAll(tmp("unknown.txt").toStdString());
        QVERIFY(u.error.find("unrecognised format") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestImporters)
#include "tst_importers.moc"
