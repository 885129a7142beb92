#pragma once

#include "import/FlowSource.h"

#include <memory>
#include <string>

// Recognises the text flow formats (plain or gzip) from their first line or
// first JSON object, never from the file name, and opens the matching reader.
class TextFormatDetector final {
public:
    enum class Outcome { Opened, NotText, Failed };

    // Opened: source set. NotText: nothing recognised (error untouched, the
    // caller tries other formats). Failed: recognised or unreadable, error says why.
    static Outcome open(const std::string& path, std::unique_ptr<FlowSource>& source, std::string& error);
};
