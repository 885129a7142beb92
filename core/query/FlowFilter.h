#pragma once

#include "model/FlowRecord.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

// A flow filter in nfdump's expression language, the one analysts already
// type: `src host 10.0.5.23 and dst port 443`, `net 10.0.0.0/8`, `proto udp`,
// `bytes > 1M`, `not (port 53 or port 123)`, `flags S and not flags A`.
//
// Primitives: [src|dst] host|ip ADDR, [src|dst] net CIDR | ADDR MASK,
// [src|dst] port [CMP] N, port in [N N ...], proto NAME|N, inet, inet6,
// bytes|packets [CMP] N[k|m|g], duration [CMP] MS, flags LETTERS (UAPRSF),
// exporter ADDR, any. CMP: = == eq > gt < lt >= ge <= le (default =).
// Combined with and/&&, or/||, not/!, parentheses; and binds tighter than or.
// Counters are the exported (raw) values, as nfdump shows them.
class FlowFilter final {
public:
    struct Error {
        size_t position = 0; // byte offset into the expression
        std::string message;
        std::string toString() const; // "at 12: expected a port number, found 'http'"
    };
    // One bound value of a SQL clause: an integer or a 16-byte address.
    using SqlValue = std::variant<int64_t, std::vector<uint8_t>>;
    struct Sql {
        std::string where; // over the flows table's columns, with ? placeholders
        std::vector<SqlValue> values;
    };

    static std::optional<FlowFilter> parse(const std::string& text, Error& error);

    FlowFilter(FlowFilter&&) noexcept;
    FlowFilter& operator=(FlowFilter&&) noexcept;
    ~FlowFilter();

    bool matches(const FlowRecord& flow) const;
    Sql toSql() const;
    const std::string& text() const { return m_text; }

    struct Node;

private:
    FlowFilter(std::string text, std::unique_ptr<Node> root);
    std::string m_text;
    std::unique_ptr<Node> m_root;
};
