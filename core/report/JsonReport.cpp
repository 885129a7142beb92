#include "report/JsonReport.h"

#include "model/TextFormat.h"
#include "store/FlowStore.h"

#include <QSaveFile>

#include <chrono>
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
    nlohmann::json list = nlohmann::json::array();
    for (const Finding& f : findings) {
        bySeverity[severityName(f.severity)] = bySeverity[severityName(f.severity)].get<int>() + 1;
        list.push_back(findingToJson(f));
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
              {"analysis", options.analysis},
              {"findings_by_severity", bySeverity}}},
            {"findings", list}};
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
