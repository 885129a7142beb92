#pragma once

#include "decode/TemplateCache.h"

#include <string>
#include <string_view>
#include <vector>

// Template field specifiers as a line of text, the form a case stores them in
// (readable with sqlite3): "8:4 12:4 1@29305:8 s1:4", one token per field:
// IE id and length, "@PEN" for an enterprise element (RFC 7011 §3.2), a
// leading "s" for a NetFlow v9 options scope field (RFC 3954 §6.1).
class TemplateText final {
public:
    static std::string format(const std::vector<RawField>& fields);
    // False (fields left empty) when the text is not a field list.
    static bool parse(std::string_view text, std::vector<RawField>& fields);
};
