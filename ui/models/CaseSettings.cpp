#include "models/CaseSettings.h"

#include "analysis/DetectionConfig.h"
#include "store/FlowStore.h"

#include <nlohmann/json.hpp>

DetectionSettings CaseSettings::read(const FlowStore& store)
{
    // The same reading as the JSON report's host list (JsonReport::build).
    DetectionSettings settings;
    const nlohmann::json analysis = store.analysis();
    std::string ignored;
    if (analysis.is_object() && analysis.contains("configuration"))
        DetectionConfig::apply(analysis["configuration"], settings, "analysis", ignored);
    if (analysis.is_object() && analysis.contains("internal_networks_inferred"))
        for (const auto& net : analysis["internal_networks_inferred"])
            if (IpPrefix p; net.is_string() && IpPrefix::parse(net.get<std::string>(), p))
                settings.inferredNetworks.push_back(p);
    return settings;
}
