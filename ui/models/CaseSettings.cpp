#include "models/CaseSettings.h"

#include "analysis/DetectionConfig.h"
#include "store/FlowStore.h"

#include <nlohmann/json.hpp>

DetectionSettings CaseSettings::read(const FlowStore& store)
{
    return DetectionConfig::fromAnalysis(store.analysis());
}
