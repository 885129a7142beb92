#include "report/JsonReport.h"

#include "analysis/DetectionConfig.h"
#include "detect/HostRanking.h"
#include "model/TextFormat.h"
#include "store/FlowStore.h"

#include <QSaveFile>

#include <chrono>
#include <map>
#include <cstdio>

nlohmann::json JsonReport::findingToJson(const Finding& f)
{
    nlohmann::json dst = nlohmann::json::array();
    for (const auto& d : f.dst)
        dst.push_back(d.toString());
    return {{"id", f.id},
            {"type", f.type},
            {"subtype", f.subtype},
            {"severity", severityName(f.severity)},
            {"score", f.score},
            {"src", f.src ? nlohmann::json(f.src->toString()) : nlohmann::json(nullptr)},
            {"dst", dst},
            {"dst_ports", f.dstPorts},
            {"protocol", f.protocol ? nlohmann::json(TextFormat::protocolName(f.protocol)) : nlohmann::json(nullptr)},
            {"start", TextFormat::isoTime(f.startMs)},
            {"end", TextFormat::isoTime(f.endMs)},
            {"summary", f.summary},
            {"evidence", f.evidence},
            {"attack", f.attack},
            {"filter", f.filter}};
}

nlohmann::json JsonReport::verdictToJson(const Verdict* v)
{
    if (!v)
        return {{"status", "none"}, {"comment", ""}, {"analyst", nullptr}, {"updated", nullptr}};
    return {{"status", Verdict::statusName(v->status)},
            {"comment", v->comment},
            {"analyst", v->analyst.empty() ? nlohmann::json(nullptr) : nlohmann::json(v->analyst)},
            {"updated", v->updatedAtMs ? nlohmann::json(TextFormat::isoTime(v->updatedAtMs)) : nlohmann::json(nullptr)}};
}

nlohmann::json JsonReport::describeAnalysis(const DetectionContext& context)
{
    nlohmann::json internal = nlohmann::json::array();
    const auto& nets = context.settings.internalNetworks.empty() ? DetectionSettings::defaultInternalNetworks()
                                                                 : context.settings.internalNetworks;
    for (const IpPrefix& p : nets)
        internal.push_back(p.toString());
    nlohmann::json inferred = nlohmann::json::array();
    for (const IpPrefix& p : context.settings.inferredNetworks)
        inferred.push_back(p.toString());
    return {{"configuration", DetectionConfig::toJson(context.settings)},
            {"internal_networks", internal},
            {"internal_networks_inferred", inferred},
            {"indicators_loaded", context.settings.indicators.size()},
            {"flows_analysed", context.flows},
            {"duplicate_records_ignored", context.duplicateRecords},
            {"conversations", context.conversations.size()}};
}

nlohmann::json JsonReport::build(const FlowStore& store, const std::vector<Finding>& findings,
                                 const Options& options)
{
    const FlowStore::Summary s = store.summary();
    nlohmann::json inputs = nlohmann::json::array();
    for (const auto& imp : store.imports()) {
        // The problems met while reading: a reader of the report must see them too.
        nlohmann::json issues = nlohmann::json::array();
        for (size_t i = 0; i < imp.issues.size() && i < kIssuesPerInput; ++i)
            issues.push_back({{"offset", imp.issues[i].offset >= 0 ? nlohmann::json(imp.issues[i].offset) : nullptr},
                              {"line", imp.issues[i].line >= 0 ? nlohmann::json(imp.issues[i].line) : nullptr},
                              {"reason", imp.issues[i].reason}});
        inputs.push_back({{"path", imp.path},
                          {"format", imp.format},
                          {"size", imp.size},
                          {"sha256", imp.sha256},
                          {"records_read", imp.recordsRead},
                          {"records_kept", imp.recordsKept},
                          {"records_rejected", imp.recordsRejected},
                          {"times_synthetic", imp.timesSynthetic},
                          {"issues", issues},
                          {"issues_total", imp.issues.size()}});
    }
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    nlohmann::json bySeverity = {{"critical", 0}, {"high", 0}, {"medium", 0}, {"low", 0}, {"info", 0}};
    // Every finding carries its verdict ("none" when the analyst has not judged it yet).
    std::map<std::string, Verdict> verdicts;
    for (Verdict& v : store.verdicts())
        verdicts.emplace(v.findingId, std::move(v));
    nlohmann::json list = nlohmann::json::array();
    for (const Finding& f : findings) {
        bySeverity[severityName(f.severity)] = bySeverity[severityName(f.severity)].get<int>() + 1;
        nlohmann::json j = findingToJson(f);
        const auto it = verdicts.find(f.id);
        j["verdict"] = verdictToJson(it == verdicts.end() ? nullptr : &it->second);
        list.push_back(std::move(j));
    }
    // The analysis as run now, or as stored with the case's findings.
    const nlohmann::json analysis = options.analysis.is_null() ? store.analysis() : options.analysis;
    const DetectionSettings settings = DetectionConfig::fromAnalysis(analysis);
    nlohmann::json hosts = nlohmann::json::array();
    for (const HostScore& h : HostRanking::rank(findings, settings)) {
        if (hosts.size() == kHostsListed)
            break;
        hosts.push_back({{"host", h.host.toString()},
                         {"score", h.score},
                         {"severity", severityName(h.severity)},
                         {"types", h.types},
                         {"findings", h.findingIds}});
    }
    return {{"metadata",
             {{"inputs", inputs},
              {"flows", s.flows},
              {"bytes", s.bytes},
              {"packets", s.packets},
              {"exporters", s.exporters},
              {"start", TextFormat::isoTime(s.startMs)},
              {"end", TextFormat::isoTime(s.endMs)},
              {"generated", TextFormat::isoTime(now)},
              {"version", FLOWSIFT_VERSION},
              {"case", options.temporaryCase ? nlohmann::json(nullptr) : nlohmann::json(store.path())},
              {"analysis", analysis},
              {"findings_by_severity", bySeverity},
              {"analyst", options.analyst.empty() ? nlohmann::json(nullptr) : nlohmann::json(options.analyst)}}},
            {"findings", list},
            {"hosts", hosts}};
}

bool JsonReport::writeFile(const FlowStore& store, const std::vector<Finding>& findings, const std::string& path,
                           std::string& error, const Options& options)
{
    const std::string text = build(store, findings, options).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    if (path == "-") {
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
        return true;
    }
    QSaveFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::WriteOnly)) {
        error = path + ": " + file.errorString().toStdString();
        return false;
    }
    file.write(text.data(), qint64(text.size()));
    if (!file.commit()) {
        error = path + ": " + file.errorString().toStdString();
        return false;
    }
    return true;
}
