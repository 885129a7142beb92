#include "analysis/DetectionConfig.h"

#include "analysis/IndicatorList.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <variant>

namespace {

using nlohmann::json;

constexpr const char* kInlineOrigin = "configuration";

// One threshold: its key in the file and where it lives in the parameters.
template <typename S>
struct Field {
    const char* key;
    std::variant<int S::*, int64_t S::*, double S::*, bool S::*> member;
    bool fraction = false; // a share or probability: 0 to 1
};

template <typename S>
const std::vector<Field<S>>& fields();

template <>
const std::vector<Field<BeaconParameters>>& fields()
{
    static const std::vector<Field<BeaconParameters>> f = {
        {"min_beats", &BeaconParameters::minBeats},
        {"min_inbound_beats", &BeaconParameters::minInboundBeats},
        {"beat_merge_ms", &BeaconParameters::beatMergeMs},
        {"common_prevalence", &BeaconParameters::commonPrevalence, true},
    };
    return f;
}

template <>
const std::vector<Field<PortScanParameters>>& fields()
{
    static const std::vector<Field<PortScanParameters>> f = {
        {"min_failed_targets", &PortScanParameters::minFailedTargets},
        {"min_failed_share", &PortScanParameters::minFailedShare, true},
        {"trw_benign_success", &PortScanParameters::trwBenignSuccess, true},
        {"trw_scanner_success", &PortScanParameters::trwScannerSuccess, true},
        {"trw_detection", &PortScanParameters::trwDetection, true},
        {"trw_false_alarm", &PortScanParameters::trwFalseAlarm, true},
        {"burst_window_ms", &PortScanParameters::burstWindowMs},
        {"min_burst_failed_targets", &PortScanParameters::minBurstFailedTargets},
        {"min_burst_failed_share", &PortScanParameters::minBurstFailedShare, true},
        {"distributed_window_ms", &PortScanParameters::distributedWindowMs},
        {"min_distributed_targets", &PortScanParameters::minDistributedTargets},
        {"min_distributed_sources", &PortScanParameters::minDistributedSources},
        {"max_single_source_share", &PortScanParameters::maxSingleSourceShare, true},
        {"min_distributed_failed_share", &PortScanParameters::minDistributedFailedShare, true},
        {"max_background_failed_share", &PortScanParameters::maxBackgroundFailedShare, true},
    };
    return f;
}

template <>
const std::vector<Field<ExfiltrationParameters>>& fields()
{
    static const std::vector<Field<ExfiltrationParameters>> f = {
        {"min_bytes", &ExfiltrationParameters::minBytes},
        {"min_producer_consumer_ratio", &ExfiltrationParameters::minProducerConsumerRatio, true},
    };
    return f;
}

template <>
const std::vector<Field<VolumetricParameters>>& fields()
{
    static const std::vector<Field<VolumetricParameters>> f = {
        {"bucket_ms", &VolumetricParameters::bucketMs},
        {"min_z", &VolumetricParameters::minZ},
        {"min_packets_per_second", &VolumetricParameters::minPacketsPerSecond},
        {"min_sources", &VolumetricParameters::minSources},
    };
    return f;
}

template <>
const std::vector<Field<LongConnectionParameters>>& fields()
{
    static const std::vector<Field<LongConnectionParameters>> f = {
        {"min_duration_ms", &LongConnectionParameters::minDurationMs},
        {"high_duration_ms", &LongConnectionParameters::highDurationMs},
        {"internal_to_internal", &LongConnectionParameters::internalToInternal},
    };
    return f;
}

template <typename S>
json sectionToJson(const S& params)
{
    json out = json::object();
    for (const Field<S>& f : fields<S>())
        std::visit([&](auto member) { out[f.key] = params.*member; }, f.member);
    return out;
}

std::string knownKeys(const std::vector<std::string>& keys)
{
    std::string s;
    for (const std::string& k : keys)
        s += (s.empty() ? "" : ", ") + k;
    return s;
}

template <typename S>
bool sectionFromJson(const json& in, S& params, const std::string& where, std::string& error)
{
    if (!in.is_object()) {
        error = where + ": must be an object";
        return false;
    }
    for (const auto& item : in.items()) {
        const std::string key = item.key();
        const auto& all = fields<S>();
        auto f = std::find_if(all.begin(), all.end(), [&](const Field<S>& x) { return key == x.key; });
        if (f == all.end()) {
            std::vector<std::string> names;
            for (const Field<S>& x : all)
                names.push_back(x.key);
            error = where + "." + key + ": unknown key (known: " + knownKeys(names) + ")";
            return false;
        }
        const std::string name = where + "." + key;
        const json& value = item.value();
        bool ok = std::visit(
            [&](auto member) {
                using T = std::remove_reference_t<decltype(params.*member)>;
                if constexpr (std::is_same_v<T, bool>) {
                    if (!value.is_boolean()) {
                        error = name + ": must be true or false";
                        return false;
                    }
                    params.*member = value.get<bool>();
                } else if constexpr (std::is_integral_v<T>) {
                    if (!value.is_number_integer() || value.get<double>() < 0
                        || value.get<double>() > double(std::numeric_limits<T>::max())) {
                        error = name + ": must be a whole number from 0";
                        return false;
                    }
                    params.*member = value.get<T>();
                } else if (f->fraction) {
                    if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() < 0
                        || value.get<double>() > 1) {
                        error = name + ": must be a share from 0 to 1, not " + value.dump();
                        return false;
                    }
                    params.*member = value.get<double>();
                } else {
                    if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() < 0) {
                        error = name + ": must be a number from 0";
                        return false;
                    }
                    params.*member = value.get<double>();
                }
                return true;
            },
            f->member);
        if (!ok)
            return false;
    }
    return true;
}

json prefixesToJson(const std::vector<IpPrefix>& prefixes)
{
    json out = json::array();
    for (const IpPrefix& p : prefixes)
        out.push_back(p.toString());
    return out;
}

bool prefixesFromJson(const json& in, std::vector<IpPrefix>& out, const std::string& where, std::string& error)
{
    if (!in.is_array()) {
        error = where + ": must be a list of networks such as \"10.0.0.0/8\"";
        return false;
    }
    out.clear();
    for (size_t i = 0; i < in.size(); ++i) {
        IpPrefix p;
        if (!in[i].is_string() || !IpPrefix::parse(in[i].get<std::string>(), p)) {
            error = where + "[" + std::to_string(i) + "]: not an IP network: " + in[i].dump();
            return false;
        }
        out.push_back(p);
    }
    return true;
}

json ruleToJson(const SuppressionRule& r)
{
    return {{"name", r.name},
            {"finding_type", r.findingType},
            {"protocol", r.protocol},
            {"ports", r.ports},
            {"destinations", prefixesToJson(r.destinations)},
            {"sources", prefixesToJson(r.sources)},
            {"enabled", r.enabled}};
}

bool ruleFromJson(const json& in, SuppressionRule& r, const std::string& where, std::string& error)
{
    for (const auto& [key, value] : in.items()) {
        const std::string name = where + "." + key;
        if (key == "name") {
            continue;
        } else if (key == "finding_type") {
            // A misspelt type would make a rule that silently never matches.
            static const char* const kTypes[] = {"", "beacon", "port_scan", "exfiltration", "volumetric",
                                                 "long_connection", "indicator"};
            const std::string type = value.is_string() ? value.get<std::string>() : std::string();
            if (!value.is_string()
                || std::none_of(std::begin(kTypes), std::end(kTypes), [&type](const char* t) { return type == t; })) {
                error = name + ": not a finding type: " + value.dump()
                    + " (known: beacon, port_scan, exfiltration, volumetric, long_connection, indicator; \"\": any)";
                return false;
            }
            r.findingType = value.get<std::string>();
        } else if (key == "protocol") {
            if (!value.is_number_unsigned() || value.get<unsigned>() > 255) {
                error = name + ": must be an IP protocol number (0: any)";
                return false;
            }
            r.protocol = uint8_t(value.get<unsigned>());
        } else if (key == "ports") {
            if (!value.is_array()) {
                error = name + ": must be a list of port numbers";
                return false;
            }
            r.ports.clear();
            for (const json& p : value) {
                if (!p.is_number_unsigned() || p.get<unsigned>() > 65535) {
                    error = name + ": not a port number: " + p.dump();
                    return false;
                }
                r.ports.push_back(uint16_t(p.get<unsigned>()));
            }
        } else if (key == "destinations") {
            if (!prefixesFromJson(value, r.destinations, name, error))
                return false;
        } else if (key == "sources") {
            if (!prefixesFromJson(value, r.sources, name, error))
                return false;
        } else if (key == "enabled") {
            if (!value.is_boolean()) {
                error = name + ": must be true or false";
                return false;
            }
            r.enabled = value.get<bool>();
        } else {
            error = name + ": unknown key (known: name, finding_type, protocol, ports, destinations, sources, enabled)";
            return false;
        }
    }
    return true;
}

bool stringsFromJson(const json& in, std::vector<std::string>& out, const std::string& where, std::string& error)
{
    if (!in.is_array() || !std::all_of(in.begin(), in.end(), [](const json& v) { return v.is_string(); })) {
        error = where + ": must be a list of strings";
        return false;
    }
    out = in.get<std::vector<std::string>>();
    return true;
}

} // namespace

json DetectionConfig::toJson(const DetectionSettings& s)
{
    json rules = json::array();
    for (const SuppressionRule& r : s.suppressions)
        rules.push_back(ruleToJson(r));
    json inlineIndicators = json::array();
    for (const Indicator& i : s.indicators)
        if (i.origin == kInlineOrigin)
            inlineIndicators.push_back(i.prefix.toString() + (i.label.empty() ? "" : " " + i.label));
    const DetectorThresholds& t = s.thresholds;
    return {{"internal_networks", prefixesToJson(s.internalNetworks)},
            {"infer_internal_ipv6", s.inferInternalIpv6},
            {"suppressions", rules},
            {"indicators", inlineIndicators},
            {"indicator_files", s.indicatorFiles},
            {"beacon", sectionToJson(t.beacon)},
            {"port_scan", sectionToJson(t.portScan)},
            {"exfiltration", sectionToJson(t.exfiltration)},
            {"volumetric", sectionToJson(t.volumetric)},
            {"long_connection", sectionToJson(t.longConnection)}};
}

bool DetectionConfig::apply(const json& config, DetectionSettings& s, const std::string& where, std::string& error)
{
    if (!config.is_object()) {
        error = where + ": the configuration must be a JSON object";
        return false;
    }
    DetectionSettings next = s; // all or nothing: a bad key leaves the settings as they were
    for (const auto& [key, value] : config.items()) {
        const std::string name = where + ": " + key;
        bool ok = true;
        if (key == "internal_networks") {
            ok = prefixesFromJson(value, next.internalNetworks, name, error);
        } else if (key == "infer_internal_ipv6") {
            ok = value.is_boolean();
            if (ok)
                next.inferInternalIpv6 = value.get<bool>();
            else
                error = name + ": must be true or false";
        } else if (key == "suppressions") {
            if (!value.is_array()) {
                error = name + ": must be a list of rules";
                return false;
            }
            for (size_t i = 0; i < value.size() && ok; ++i) {
                const json& rule = value[i];
                const std::string at = name + "[" + std::to_string(i) + "]";
                if (!rule.is_object() || !rule.contains("name") || !rule["name"].is_string()
                    || rule["name"].get<std::string>().empty()) {
                    error = at + ": a rule needs a \"name\" (a built-in rule's name changes that rule)";
                    return false;
                }
                const std::string ruleName = rule["name"].get<std::string>();
                auto existing = std::find_if(next.suppressions.begin(), next.suppressions.end(),
                                             [&](const SuppressionRule& r) { return r.name == ruleName; });
                if (existing == next.suppressions.end()) {
                    SuppressionRule r;
                    r.name = ruleName;
                    ok = ruleFromJson(rule, r, at, error);
                    next.suppressions.push_back(r);
                } else {
                    ok = ruleFromJson(rule, *existing, at, error);
                }
            }
        } else if (key == "indicators") {
            std::vector<std::string> lines;
            ok = stringsFromJson(value, lines, name, error);
            if (ok) {
                std::erase_if(next.indicators, [](const Indicator& i) { return i.origin == kInlineOrigin; });
                std::vector<std::string> problems;
                std::string text;
                for (const std::string& l : lines)
                    text += l + "\n";
                std::vector<Indicator> parsed;
                IndicatorList::parse(text, kInlineOrigin, parsed, problems);
                if (!problems.empty()) {
                    error = name + ": " + problems.front();
                    return false;
                }
                for (Indicator& i : parsed)
                    i.origin = kInlineOrigin;
                next.indicators.insert(next.indicators.begin(), parsed.begin(), parsed.end());
            }
        } else if (key == "indicator_files") {
            ok = stringsFromJson(value, next.indicatorFiles, name, error);
            next.indicatorFileSources.assign(next.indicatorFiles.size(), where);
        } else if (key == "beacon") {
            ok = sectionFromJson(value, next.thresholds.beacon, where + ": beacon", error);
        } else if (key == "port_scan") {
            ok = sectionFromJson(value, next.thresholds.portScan, where + ": port_scan", error);
        } else if (key == "exfiltration") {
            ok = sectionFromJson(value, next.thresholds.exfiltration, where + ": exfiltration", error);
        } else if (key == "volumetric") {
            ok = sectionFromJson(value, next.thresholds.volumetric, where + ": volumetric", error);
        } else if (key == "long_connection") {
            ok = sectionFromJson(value, next.thresholds.longConnection, where + ": long_connection", error);
        } else {
            error = name + ": unknown key (known: internal_networks, infer_internal_ipv6, suppressions, indicators,"
                           " indicator_files, beacon, port_scan, exfiltration, volumetric, long_connection)";
            return false;
        }
        if (!ok)
            return false;
    }
    const PortScanParameters& ps = next.thresholds.portScan;
    // The walk's thresholds are log(detection / false_alarm) and log((1 - detection) / (1 - false_alarm)),
    // and each step log(scanner / benign success): none of them may be 0 or 1.
    for (const auto& [key, v] : {std::pair{"trw_detection", ps.trwDetection}, {"trw_false_alarm", ps.trwFalseAlarm},
                                 {"trw_benign_success", ps.trwBenignSuccess},
                                 {"trw_scanner_success", ps.trwScannerSuccess}})
        if (v <= 0 || v >= 1) {
            error = where + ": port_scan." + key + " must be between 0 and 1 (not 0 or 1 itself)";
            return false;
        }
    if (next.thresholds.volumetric.bucketMs < 1000) {
        error = where + ": volumetric.bucket_ms must be at least 1000";
        return false;
    }
    if (next.thresholds.longConnection.minDurationMs < 1000) {
        error = where + ": long_connection.min_duration_ms must be at least 1000";
        return false;
    }
    s = std::move(next);
    return true;
}

bool DetectionConfig::applyFile(const std::string& path, DetectionSettings& settings, std::string& error)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = path + ": cannot read the configuration file";
        return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    json config;
    // JSON leaves duplicate keys undefined and nlohmann keeps the last: a
    // threshold written twice would silently lose one. Track the keys of each
    // open object while parsing.
    struct Frame {
        bool object = false;
        std::string key; // the key whose value is being read (objects)
        std::vector<std::string> keys;
    };
    std::vector<Frame> frames;
    std::string duplicate;
    const json::parser_callback_t noDuplicates = [&](int, json::parse_event_t event, json& parsed) {
        switch (event) {
        case json::parse_event_t::object_start:
        case json::parse_event_t::array_start:
            frames.push_back({event == json::parse_event_t::object_start, {}, {}});
            break;
        case json::parse_event_t::object_end:
        case json::parse_event_t::array_end:
            if (!frames.empty())
                frames.pop_back();
            break;
        case json::parse_event_t::key:
            if (!frames.empty() && parsed.is_string()) {
                Frame& f = frames.back();
                f.key = parsed.get<std::string>();
                if (std::find(f.keys.begin(), f.keys.end(), f.key) != f.keys.end()) {
                    if (duplicate.empty())
                        for (const Frame& o : frames)
                            duplicate += o.object ? (duplicate.empty() ? "" : ".") + o.key : std::string("[]");
                } else {
                    f.keys.push_back(f.key);
                }
            }
            break;
        case json::parse_event_t::value:
            break;
        }
        return true;
    };
    try {
        config = json::parse(text.str(), noDuplicates, true, /*ignore_comments=*/true);
    } catch (const json::parse_error& e) {
        // what() is "[json.exception.parse_error.101] parse error at line 3, column 5: ...".
        const std::string what = e.what();
        const size_t text = what.find("] ");
        error = path + ": not valid JSON: " + (text == std::string::npos ? what : what.substr(text + 2));
        return false;
    }
    if (!duplicate.empty()) {
        error = path + ": key " + duplicate + " appears twice (which one is meant?)";
        return false;
    }
    const size_t before = settings.indicatorFiles.size();
    DetectionSettings next = settings;
    if (!apply(config, next, path, error))
        return false;
    // Indicator lists named in a file are found next to it.
    const QDir folder = QFileInfo(QString::fromStdString(path)).absoluteDir();
    for (size_t i = config.contains("indicator_files") ? 0 : before; i < next.indicatorFiles.size(); ++i)
        if (QFileInfo(QString::fromStdString(next.indicatorFiles[i])).isRelative())
            next.indicatorFiles[i] = folder.filePath(QString::fromStdString(next.indicatorFiles[i])).toStdString();
    settings = std::move(next);
    return true;
}

bool DetectionConfig::loadIndicatorFiles(DetectionSettings& settings, std::vector<std::string>& problems,
                                         std::string& error)
{
    std::erase_if(settings.indicators, [](const Indicator& i) { return i.origin != kInlineOrigin; });
    for (size_t i = 0; i < settings.indicatorFiles.size(); ++i)
        if (!IndicatorList::loadFile(settings.indicatorFiles[i], settings.indicators, problems, error)) {
            // A path that is wrong is fixed where it was written.
            if (i < settings.indicatorFileSources.size() && !settings.indicatorFileSources[i].empty())
                error += " (listed in indicator_files of " + settings.indicatorFileSources[i] + ")";
            return false;
        }
    return true;
}

DetectionSettings DetectionConfig::fromAnalysis(const nlohmann::json& analysis)
{
    DetectionSettings settings;
    std::string ignored;
    if (analysis.is_object() && analysis.contains("configuration"))
        apply(analysis["configuration"], settings, "analysis", ignored);
    if (analysis.is_object() && analysis.contains("internal_networks_inferred"))
        for (const auto& net : analysis["internal_networks_inferred"])
            if (IpPrefix p; net.is_string() && IpPrefix::parse(net.get<std::string>(), p))
                settings.inferredNetworks.push_back(p);
    return settings;
}
