// The detection configuration file and indicator lists: defaults, overrides,
// errors that name the key or line, and the round trip through a report.
#include "analysis/DetectionConfig.h"
#include "analysis/IndicatorList.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

class TestDetectionConfig final : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string write(const char* name, const QByteArray& text)
    {
        const QString path = m_dir.filePath(QString::fromLatin1(name));
        QFile f(path);
        f.open(QIODevice::WriteOnly);
        f.write(text);
        return path.toStdString();
    }

private slots:
    void defaultsAreWhatTheDetectorsUse()
    {
        const nlohmann::json j = DetectionConfig::toJson(DetectionSettings{});
        QCOMPARE(j["beacon"]["min_beats"].get<int>(), 8);
        QCOMPARE(j["beacon"]["min_inbound_beats"].get<int>(), 48);
        QCOMPARE(j["port_scan"]["min_failed_targets"].get<int>(), 15);
        QCOMPARE(j["exfiltration"]["min_bytes"].get<double>(), 10e6);
        QCOMPARE(j["volumetric"]["bucket_ms"].get<int64_t>(), int64_t(60'000));
        QCOMPARE(j["long_connection"]["min_duration_ms"].get<int64_t>(), int64_t(1'500'000));
        QCOMPARE(j["suppressions"].size(), size_t(4));
        QCOMPARE(j["suppressions"][2]["name"].get<std::string>(), std::string("dns-session"));
        QCOMPARE(j["suppressions"][2]["finding_type"].get<std::string>(), std::string("long_connection"));
        QCOMPARE(j["suppressions"][0]["name"].get<std::string>(), std::string("ntp"));
        QVERIFY(j["suppressions"][0]["ports"] == nlohmann::json({123}));
    }

    void fileOverridesOnlyWhatItNames()
    {
        write("blocklist.txt", "203.0.113.77 c2 panel\n# comment\n\n198.51.100.0/24, bad hosting\nnot-an-ip\n");
        const std::string path = write("config.json", R"({
  // stricter scans, the DNS rule off, one more rule, a list next to this file
  "internal_networks": ["10.0.0.0/8", "2001:db8:10::/48"],
  "port_scan": {"min_failed_targets": 30},
  "long_connection": {"internal_to_internal": true},
  "suppressions": [{"name": "dns", "enabled": false},
                   {"name": "backup", "finding_type": "exfiltration", "destinations": ["198.51.100.200/32"],
                    "sources": ["10.0.3.0/24"]}],
  "indicators": ["192.0.2.1 inline one"],
  "indicator_files": ["blocklist.txt"]
})");
        DetectionSettings s;
        std::string error;
        QVERIFY2(DetectionConfig::applyFile(path, s, error), error.c_str());
        QCOMPARE(s.thresholds.portScan.minFailedTargets, 30);
        QCOMPARE(s.thresholds.portScan.minFailedShare, 0.3); // untouched
        QVERIFY(s.thresholds.longConnection.internalToInternal);
        QCOMPARE(s.internalNetworks.size(), size_t(2));
        QCOMPARE(s.internalNetworks[1].toString(), std::string("2001:db8:10::/48"));
        QCOMPARE(s.suppressions.size(), size_t(5));
        QVERIFY(s.suppressions[0].enabled);  // ntp
        QVERIFY(!s.suppressions[1].enabled); // dns, turned off
        QCOMPARE(s.suppressions[1].ports, std::vector<uint16_t>{53}); // the rest of the built-in rule kept
        QCOMPARE(s.suppressions[4].name, std::string("backup"));
        QCOMPARE(s.suppressions[4].sources.at(0).toString(), std::string("10.0.3.0/24"));
        QCOMPARE(s.indicatorFiles.size(), size_t(1));
        QCOMPARE(s.indicatorFiles[0], m_dir.filePath(QStringLiteral("blocklist.txt")).toStdString());

        std::vector<std::string> problems;
        QVERIFY2(DetectionConfig::loadIndicatorFiles(s, problems, error), error.c_str());
        QCOMPARE(s.indicators.size(), size_t(3));
        QCOMPARE(s.indicators[0].label, std::string("inline one"));
        QCOMPARE(s.indicators[1].prefix.toString(), std::string("203.0.113.77/32"));
        QCOMPARE(s.indicators[1].label, std::string("c2 panel"));
        QCOMPARE(s.indicators[2].label, std::string("bad hosting"));
        QVERIFY(QByteArray::fromStdString(s.indicators[2].origin).endsWith("blocklist.txt:4"));
        QCOMPARE(problems.size(), size_t(1));
        QVERIFY2(QByteArray::fromStdString(problems[0]).endsWith("blocklist.txt:5: not an IP address or network: 'not-an-ip'"),
                 problems[0].c_str());

        // What a report records reads back to the same settings.
        const nlohmann::json recorded = DetectionConfig::toJson(s);
        QVERIFY2(recorded["indicators"] == nlohmann::json({"192.0.2.1/32 inline one"}), recorded.dump().c_str());
        DetectionSettings again;
        QVERIFY2(DetectionConfig::apply(recorded, again, "recorded", error), error.c_str());
        QVERIFY(DetectionConfig::toJson(again) == recorded);
    }

    void mistakesNameTheKeyAndChangeNothing()
    {
        struct Case {
            const char* text;
            const char* error;
        };
        const Case cases[] = {
            {R"({"port_scan": {"min_failed_target": 3}})", "port_scan.min_failed_target: unknown key (known: min_failed_targets, min_failed_share, trw_benign_success"},
            {R"({"beacon": {"min_beats": 2.5}})", "beacon.min_beats: must be a whole number from 0"},
            {R"({"beacon": {"min_beats": -1}})", "beacon.min_beats: must be a whole number from 0"},
            {R"({"exfiltration": {"min_bytes": "10MB"}})", "exfiltration.min_bytes: must be a number from 0"},
            {R"({"long_connection": {"internal_to_internal": 1}})", "long_connection.internal_to_internal: must be true or false"},
            {R"({"internal_networks": ["10.0.0.0/33"]})", "internal_networks[0]: not an IP network: \"10.0.0.0/33\""},
            {R"({"suppressions": [{"finding_type": "beacon"}]})", "suppressions[0]: a rule needs a \"name\""},
            {R"({"suppressions": [{"name": "ntp", "port": [1]}]})", "suppressions[0].port: unknown key"},
            {R"({"indicators": ["example.com"]})", "indicators: configuration:1: not an IP address or network: 'example.com'"},
            {R"({"volumetric": {"bucket_ms": 10}})", "volumetric.bucket_ms must be at least 1000"},
            {R"({"thresholds": {}})", "thresholds: unknown key"},
            {R"([1, 2])", "the configuration must be a JSON object"},
            {R"({"port_scan": {"min_failed_share": 1.5}})", "port_scan.min_failed_share: must be a share from 0 to 1, not 1.5"},
            {R"({"beacon": {"common_prevalence": 5}})", "beacon.common_prevalence: must be a share from 0 to 1, not 5"},
            {R"({"port_scan": {"trw_false_alarm": 2}})", "port_scan.trw_false_alarm: must be a share from 0 to 1, not 2"},
            {R"({"port_scan": {"trw_detection": 1}})", "port_scan.trw_detection must be between 0 and 1 (not 0 or 1 itself)"},
            {R"({"port_scan": {"trw_false_alarm": 0}})", "port_scan.trw_false_alarm must be between 0 and 1"},
            {R"({"exfiltration": {"min_producer_consumer_ratio": 1.01}})", "exfiltration.min_producer_consumer_ratio: must be a share from 0 to 1"},
            {R"({"suppressions": [{"name": "x", "finding_type": "beacons"}]})", "suppressions[0].finding_type: not a finding type: \"beacons\" (known: beacon, port_scan"},
        };
        for (const Case& c : cases) {
            DetectionSettings s;
            std::string error;
            QVERIFY2(!DetectionConfig::apply(nlohmann::json::parse(c.text), s, "cfg", error), c.text);
            QVERIFY2(QByteArray::fromStdString(error).contains(c.error), (error + " <- " + c.text).c_str());
            QVERIFY(DetectionConfig::toJson(s) == DetectionConfig::toJson(DetectionSettings{})); // all or nothing
        }
        DetectionSettings s;
        std::string error;
        const std::string bad = write("bad.json", "{\n  \"beacon\": {\"min_beats\": 8,}\n}\n");
        QVERIFY(!DetectionConfig::applyFile(bad, s, error));
        QVERIFY2(QByteArray::fromStdString(error).contains("bad.json: not valid JSON: parse error at line 2"),
                 error.c_str());
        std::vector<Indicator> none;
        std::vector<std::string> problems;
        QVERIFY(!IndicatorList::loadFile(m_dir.path().toStdString(), none, problems, error));
        QVERIFY2(QByteArray::fromStdString(error).endsWith(": is a folder, not an indicator list"), error.c_str());
        QVERIFY(!DetectionConfig::applyFile(m_dir.filePath(QStringLiteral("none.json")).toStdString(), s, error));
        QVERIFY2(QByteArray::fromStdString(error).contains("none.json: cannot read"), error.c_str());
    }

    void sharesAtTheirBoundsAreAccepted()
    {
        DetectionSettings s;
        std::string error;
        QVERIFY2(DetectionConfig::apply(nlohmann::json::parse(R"({"port_scan": {"min_failed_share": 1, "max_single_source_share": 0},
                                                                 "suppressions": [{"name": "x", "finding_type": "indicator"}]})"),
                                        s, "cfg", error), error.c_str());
        QCOMPARE(s.thresholds.portScan.minFailedShare, 1.0);
        QCOMPARE(s.thresholds.portScan.maxSingleSourceShare, 0.0);
        QCOMPARE(s.suppressions.back().findingType, std::string("indicator"));
    }

    // nlohmann keeps the last of two equal keys: a threshold written twice would lose one silently.
    void duplicateKeysAreRefusedByName()
    {
        DetectionSettings s;
        std::string error;
        const std::string twice = write("twice.json", "{\"port_scan\": {\"min_failed_targets\": 30,\n"
                                                      "  \"min_failed_targets\": 5}}\n");
        QVERIFY(!DetectionConfig::applyFile(twice, s, error));
        QCOMPARE(error, twice + ": key port_scan.min_failed_targets appears twice (which one is meant?)");
        const std::string top = write("top.json", "{\"beacon\": {}, \"beacon\": {\"min_beats\": 3}}");
        QVERIFY(!DetectionConfig::applyFile(top, s, error));
        QCOMPARE(error, top + ": key beacon appears twice (which one is meant?)");
        const std::string inRule = write("rule.json", R"({"suppressions": [{"name": "a", "name": "b"}]})");
        QVERIFY(!DetectionConfig::applyFile(inRule, s, error));
        QCOMPARE(error, inRule + ": key suppressions[].name appears twice (which one is meant?)");
        QVERIFY(DetectionConfig::toJson(s) == DetectionConfig::toJson(DetectionSettings{}));
        // The same key in two different objects is fine.
        const std::string apart = write("apart.json", R"({"suppressions": [{"name": "a"}, {"name": "b"}],
                                                         "beacon": {"min_beats": 9}, "port_scan": {"min_failed_targets": 9}})");
        QVERIFY2(DetectionConfig::applyFile(apart, s, error), error.c_str());
        QCOMPARE(s.thresholds.beacon.minBeats, 9);
    }

    void indicatorFileProblemsNameTheirSource()
    {
        // A missing list names the configuration that listed it.
        const std::string cfg = write("lists.json", R"({"indicator_files": ["gone.txt"]})");
        DetectionSettings s;
        std::string error;
        QVERIFY2(DetectionConfig::applyFile(cfg, s, error), error.c_str());
        std::vector<std::string> problems;
        QVERIFY(!DetectionConfig::loadIndicatorFiles(s, problems, error));
        QCOMPARE(error, m_dir.filePath(QStringLiteral("gone.txt")).toStdString()
                            + ": cannot read the indicator list (listed in indicator_files of " + cfg + ")");
        // Given on the command line, there is no configuration to name.
        DetectionSettings cli;
        cli.indicatorFiles.push_back(m_dir.filePath(QStringLiteral("gone.txt")).toStdString());
        QVERIFY(!DetectionConfig::loadIndicatorFiles(cli, problems, error));
        QVERIFY2(QByteArray::fromStdString(error).endsWith("gone.txt: cannot read the indicator list"), error.c_str());

        // A list that yields nothing is an error, and its bytes are shown escaped.
        const std::string binary = write("binary.txt", QByteArray("\x7f" "ELF\x02\x01\x1b[31m\n\xff\xfe\n"));
        std::vector<Indicator> out;
        problems.clear();
        QVERIFY(!IndicatorList::loadFile(binary, out, problems, error));
        QCOMPARE(error, binary + ": no addresses or networks in the indicator list (" + binary
                            + ":1: not an IP address or network: '\\x7fELF\\x02\\x01\\x1b[31m')");
        QVERIFY(out.empty());
        QVERIFY(problems.empty());
        const std::string comments = write("comments.txt", "# nothing yet\n\n");
        QVERIFY(!IndicatorList::loadFile(comments, out, problems, error));
        QCOMPARE(error, comments + ": no addresses or networks in the indicator list");

        // Host bits set: kept (as the network it says), with a warning.
        const std::string hosts = write("hosts.txt", "10.0.0.1/8 c2\n192.0.2.0/24\n2001:db8::1/32\n198.51.100.7\n");
        problems.clear();
        QVERIFY2(IndicatorList::loadFile(hosts, out, problems, error), error.c_str());
        QCOMPARE(out.size(), size_t(4));
        QVERIFY(out[0].prefix.contains(*IpAddress::parse("10.200.0.1")));
        QCOMPARE(problems.size(), size_t(2));
        QCOMPARE(problems[0], hosts + ":1: 10.0.0.1/8 has host bits set: it matches all of 10.0.0.0/8 (write "
                                      "10.0.0.0/8, or 10.0.0.1 for the one host)");
        QCOMPARE(problems[1], hosts + ":3: 2001:db8::1/32 has host bits set: it matches all of 2001:db8::/32 (write "
                                      "2001:db8::/32, or 2001:db8::1 for the one host)");
    }

    void indicatorListKeepsGoodLinesAroundBadOnes()
    {
        std::string text;
        for (int i = 0; i < 30; ++i)
            text += "garbage" + std::to_string(i) + "\n";
        text += "2001:db8:bad::/48\t# IPv6 hoster\n10.1.2.3;sinkhole\n";
        std::vector<Indicator> out;
        std::vector<std::string> problems;
        IndicatorList::parse(text, "list.txt", out, problems);
        QCOMPARE(out.size(), size_t(2));
        QCOMPARE(out[0].prefix.toString(), std::string("2001:db8:bad::/48"));
        QCOMPARE(out[0].label, std::string("IPv6 hoster"));
        QCOMPARE(out[0].origin, std::string("list.txt:31"));
        QCOMPARE(out[1].label, std::string("sinkhole"));
        QCOMPARE(problems.size(), IndicatorList::kMaxProblems + 1);
        QCOMPARE(problems[0], std::string("list.txt:1: not an IP address or network: 'garbage0'"));
        QCOMPARE(problems.back(), std::string("list.txt: 10 more lines that are not addresses"));
    }
};

QTEST_GUILESS_MAIN(TestDetectionConfig)
#include "tst_detectionconfig.moc"
