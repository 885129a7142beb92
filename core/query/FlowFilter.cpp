#include "query/FlowFilter.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

struct FlowFilter::Node {
    enum class Kind { And, Or, Not, Any, Host, Net, Port, PortIn, Proto, Inet, Inet6, Bytes, Packets, Duration, Flags,
                      Exporter };
    enum class Dir { Either, Src, Dst };
    enum class Cmp { Eq, Gt, Lt, Ge, Le };

    Kind kind = Kind::Any;
    Dir dir = Dir::Either;
    Cmp cmp = Cmp::Eq;
    std::unique_ptr<Node> a, b;
    IpAddress lo, hi; // host (lo == hi), net (first and last address)
    uint64_t value = 0;
    std::vector<uint16_t> ports;
};

namespace {

using Node = FlowFilter::Node;
using Kind = Node::Kind;
using Dir = Node::Dir;
using Cmp = Node::Cmp;

struct Token {
    std::string text; // empty at the end
    size_t pos = 0;
};

bool isWordChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == ':' || c == '/' || c == '_' || c == '-';
}

std::vector<Token> tokenize(const std::string& s, FlowFilter::Error& error, bool& ok)
{
    std::vector<Token> out;
    size_t i = 0;
    ok = true;
    while (i < s.size()) {
        const char c = s[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
            continue;
        }
        const size_t start = i;
        if (isWordChar(c)) {
            while (i < s.size() && isWordChar(s[i]))
                ++i;
        } else if (c == '(' || c == ')' || c == '[' || c == ']') {
            ++i;
        } else if ((c == '&' || c == '|' || c == '=') && i + 1 < s.size() && s[i + 1] == c) {
            i += 2;
        } else if ((c == '>' || c == '<' || c == '!') && i + 1 < s.size() && s[i + 1] == '=' && c != '!') {
            i += 2;
        } else if (c == '>' || c == '<' || c == '=' || c == '!') {
            ++i;
        } else {
            error = {i, std::string("unexpected character '") + c + "'"};
            ok = false;
            return out;
        }
        out.push_back({s.substr(start, i - start), start});
    }
    out.push_back({std::string(), s.size()});
    return out;
}

std::string lower(std::string s)
{
    for (char& c : s)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool parseUnsigned(const std::string& s, uint64_t& out, bool allowSuffix)
{
    if (s.empty())
        return false;
    size_t digits = s.size();
    uint64_t scale = 1;
    if (allowSuffix) {
        switch (std::tolower(static_cast<unsigned char>(s.back()))) {
        case 'k': scale = 1000; break;
        case 'm': scale = 1000 * 1000; break;
        case 'g': scale = 1000ULL * 1000 * 1000; break;
        default: break;
        }
        if (scale > 1)
            --digits;
    }
    if (digits == 0)
        return false;
    const auto r = std::from_chars(s.data(), s.data() + digits, out);
    if (r.ec != std::errc() || r.ptr != s.data() + digits)
        return false;
    if (out > UINT64_MAX / scale)
        return false;
    out *= scale;
    return true;
}

// The first and last address of a prefix over the 16-byte (v4-mapped) form.
void prefixRange(const IpAddress& base, int bits, IpAddress& lo, IpAddress& hi)
{
    std::array<uint8_t, 16> l = base.bytes(), h = base.bytes();
    for (int i = 0; i < 16; ++i) {
        const int keep = std::clamp(bits - 8 * i, 0, 8);
        const uint8_t mask = uint8_t(0xff00 >> keep);
        l[size_t(i)] &= mask;
        h[size_t(i)] = uint8_t(h[size_t(i)] | ~mask);
    }
    lo = IpAddress::fromBytes16(l.data());
    hi = IpAddress::fromBytes16(h.data());
}

// Dotted netmask (255.255.240.0) to a prefix length; -1 when not contiguous.
int maskBits(const IpAddress& mask)
{
    const uint32_t m = mask.v4();
    const int bits = __builtin_popcount(m);
    return (bits == 0 ? m == 0 : (m == ~uint32_t(0) << (32 - bits))) ? bits : -1;
}

class Parser {
public:
    Parser(std::vector<Token> tokens, FlowFilter::Error& error) : m_t(std::move(tokens)), m_error(error) {}

    std::unique_ptr<Node> parseAll()
    {
        if (atEnd())
            return fail(peek(), "the filter is empty (use 'any' for every flow)");
        auto n = parseOr();
        if (n && !atEnd())
            return fail(peek(), peek().text == ")" ? "')' without a matching '('"
                                                   : "expected 'and' or 'or' before '" + peek().text + "'");
        return n;
    }

private:
    std::vector<Token> m_t;
    size_t m_i = 0;
    FlowFilter::Error& m_error;

    const Token& peek() const { return m_t[m_i]; }
    bool atEnd() const { return m_t[m_i].text.empty(); }
    std::string word() const { return lower(m_t[m_i].text); }
    const Token& next() { return m_t[atEnd() ? m_i : m_i++]; }

    std::unique_ptr<Node> fail(const Token& at, const std::string& message)
    {
        m_error = {at.pos, message};
        return nullptr;
    }
    std::string found(const Token& t) const { return t.text.empty() ? "the end" : "'" + t.text + "'"; }

    static std::unique_ptr<Node> join(Kind k, std::unique_ptr<Node> a, std::unique_ptr<Node> b)
    {
        auto n = std::make_unique<Node>();
        n->kind = k;
        n->a = std::move(a);
        n->b = std::move(b);
        return n;
    }

    std::unique_ptr<Node> parseOr()
    {
        auto left = parseAnd();
        while (left && (word() == "or" || word() == "||")) {
            next();
            auto right = parseAnd();
            if (!right)
                return nullptr;
            left = join(Kind::Or, std::move(left), std::move(right));
        }
        return left;
    }

    std::unique_ptr<Node> parseAnd()
    {
        auto left = parseUnary();
        while (left && (word() == "and" || word() == "&&")) {
            next();
            auto right = parseUnary();
            if (!right)
                return nullptr;
            left = join(Kind::And, std::move(left), std::move(right));
        }
        return left;
    }

    std::unique_ptr<Node> parseUnary()
    {
        if (word() == "not" || word() == "!") {
            next();
            auto inner = parseUnary();
            return inner ? join(Kind::Not, std::move(inner), nullptr) : nullptr;
        }
        if (peek().text == "(") {
            const Token open = next();
            auto inner = parseOr();
            if (!inner)
                return nullptr;
            if (peek().text != ")")
                return fail(atEnd() ? open : peek(), atEnd() ? "'(' is never closed"
                                                             : "expected ')' or 'and'/'or', found " + found(peek()));
            next();
            return inner;
        }
        return parsePrimitive();
    }

    bool parseCmp(Cmp& cmp)
    {
        const std::string w = word();
        if (w == "=" || w == "==" || w == "eq")
            cmp = Cmp::Eq;
        else if (w == ">" || w == "gt")
            cmp = Cmp::Gt;
        else if (w == "<" || w == "lt")
            cmp = Cmp::Lt;
        else if (w == ">=" || w == "ge")
            cmp = Cmp::Ge;
        else if (w == "<=" || w == "le")
            cmp = Cmp::Le;
        else
            return false;
        next();
        return true;
    }

    std::unique_ptr<Node> address(std::unique_ptr<Node> n, const std::string& after)
    {
        const Token& t = next();
        auto a = IpAddress::parse(t.text);
        if (!a)
            return fail(t, "expected an IP address after '" + after + "', found " + found(t));
        n->lo = n->hi = *a;
        return n;
    }

    std::unique_ptr<Node> parsePrimitive()
    {
        auto n = std::make_unique<Node>();
        const Token& first = peek();
        std::string w = word();
        if (w == "src" || w == "dst") {
            n->dir = w == "src" ? Dir::Src : Dir::Dst;
            next();
            w = word();
            if (w != "host" && w != "ip" && w != "net" && w != "port")
                return fail(peek(), "expected host, net or port after '" + first.text + "', found " + found(peek()));
        }
        const Token& keyword = next();
        if (w == "any") {
            n->kind = Kind::Any;
            return n;
        }
        if (w == "host" || w == "ip") {
            n->kind = Kind::Host;
            return address(std::move(n), keyword.text);
        }
        if (w == "exporter") {
            n->kind = Kind::Exporter;
            return address(std::move(n), keyword.text);
        }
        if (w == "net") {
            n->kind = Kind::Net;
            const Token& t = next();
            const size_t slash = t.text.find('/');
            auto base = IpAddress::parse(t.text.substr(0, slash));
            if (!base)
                return fail(t, "expected a network such as 10.0.0.0/8 after 'net', found " + found(t));
            int bits = -1;
            if (slash != std::string::npos) {
                const std::string len = t.text.substr(slash + 1);
                const int max = base->isV4() ? 32 : 128;
                if (std::from_chars(len.data(), len.data() + len.size(), bits).ptr != len.data() + len.size()
                    || len.empty() || bits < 0 || bits > max)
                    return fail(t, "prefix length must be 0-" + std::to_string(max) + " in '" + t.text + "'");
            } else if (auto mask = IpAddress::parse(peek().text); base->isV4() && mask && mask->isV4()) {
                const Token& m = next();
                bits = maskBits(*mask);
                if (bits < 0)
                    return fail(m, "'" + m.text + "' is not a netmask");
            } else {
                return fail(peek(), "expected /LENGTH or a netmask after 'net " + t.text + "'");
            }
            prefixRange(*base, base->isV4() ? bits + 96 : bits, n->lo, n->hi);
            return n;
        }
        if (w == "port") {
            if (word() == "in") {
                next();
                n->kind = Kind::PortIn;
                if (peek().text != "[")
                    return fail(peek(), "expected '[' after 'port in', found " + found(peek()));
                next();
                while (peek().text != "]") {
                    uint64_t p = 0;
                    if (!parseUnsigned(peek().text, p, false) || p > 65535)
                        return fail(peek(), atEnd() ? "'[' is never closed" : "expected a port number, found " + found(peek()));
                    n->ports.push_back(uint16_t(p));
                    next();
                }
                next();
                if (n->ports.empty())
                    return fail(keyword, "'port in []' lists no ports");
                return n;
            }
            n->kind = Kind::Port;
            parseCmp(n->cmp);
            if (!parseUnsigned(peek().text, n->value, false) || n->value > 65535)
                return fail(peek(), "expected a port number (0-65535), found " + found(peek()));
            next();
            return n;
        }
        if (w == "proto") {
            n->kind = Kind::Proto;
            const Token& t = next();
            static const std::pair<const char*, uint8_t> names[] = {
                {"icmp", 1}, {"igmp", 2}, {"tcp", 6}, {"udp", 17}, {"gre", 47}, {"esp", 50}, {"ah", 51},
                {"icmp6", 58}, {"ipv6-icmp", 58}, {"sctp", 132}};
            const std::string name = lower(t.text);
            for (const auto& [text, number] : names)
                if (name == text)
                    n->value = number;
            if (n->value == 0 && (!parseUnsigned(t.text, n->value, false) || n->value > 255))
                return fail(t, "expected a protocol (tcp, udp, icmp, icmp6, gre, esp, sctp or 0-255), found " + found(t));
            return n;
        }
        if (w == "inet" || w == "ipv4") {
            n->kind = Kind::Inet;
            return n;
        }
        if (w == "inet6" || w == "ipv6") {
            n->kind = Kind::Inet6;
            return n;
        }
        if (w == "bytes" || w == "packets" || w == "duration") {
            n->kind = w == "bytes" ? Kind::Bytes : w == "packets" ? Kind::Packets : Kind::Duration;
            parseCmp(n->cmp);
            if (!parseUnsigned(peek().text, n->value, w != "duration") || n->value > uint64_t(INT64_MAX))
                return fail(peek(), "expected a number after '" + keyword.text + "'"
                                        + (w == "duration" ? " (milliseconds)" : " (k, m, g: thousands, millions...)")
                                        + ", found " + found(peek()));
            next();
            return n;
        }
        if (w == "flags") {
            n->kind = Kind::Flags;
            const Token& t = next();
            if (t.text.empty())
                return fail(t, "expected TCP flags (letters of UAPRSF) after 'flags'");
            for (char c : t.text) {
                const char* letters = "FSRPAU";
                const char* at = std::strchr(letters, std::toupper(static_cast<unsigned char>(c)));
                if (!at || c == 0)
                    return fail(t, std::string("'") + c + "' is not a TCP flag (U A P R S F)");
                n->value |= 1u << (at - letters);
            }
            return n;
        }
        if (keyword.text.empty())
            return fail(keyword, "the expression ends too early");
        return fail(keyword, "unknown word '" + keyword.text
                                 + "' (expected host, net, port, proto, bytes, packets, duration, flags, inet, inet6,"
                                   " exporter, any, not or '(')");
    }
};

bool compare(uint64_t v, Cmp cmp, uint64_t ref)
{
    switch (cmp) {
    case Cmp::Eq: return v == ref;
    case Cmp::Gt: return v > ref;
    case Cmp::Lt: return v < ref;
    case Cmp::Ge: return v >= ref;
    case Cmp::Le: return v <= ref;
    }
    return false;
}

const char* sqlOp(Cmp cmp)
{
    switch (cmp) {
    case Cmp::Eq: return " = ?";
    case Cmp::Gt: return " > ?";
    case Cmp::Lt: return " < ?";
    case Cmp::Ge: return " >= ?";
    case Cmp::Le: return " <= ?";
    }
    return " = ?";
}

bool inRange(const IpAddress& a, const Node& n) { return n.lo <= a && a <= n.hi; }

bool eval(const Node& n, const FlowRecord& f)
{
    auto either = [&](auto&& test, const auto& s, const auto& d) {
        return n.dir == Dir::Src ? test(s) : n.dir == Dir::Dst ? test(d) : (test(s) || test(d));
    };
    switch (n.kind) {
    case Kind::And: return eval(*n.a, f) && eval(*n.b, f);
    case Kind::Or: return eval(*n.a, f) || eval(*n.b, f);
    case Kind::Not: return !eval(*n.a, f);
    case Kind::Any: return true;
    case Kind::Host: return either([&](const IpAddress& a) { return a == n.lo; }, f.src, f.dst);
    case Kind::Net: return either([&](const IpAddress& a) { return inRange(a, n); }, f.src, f.dst);
    case Kind::Port: return either([&](uint16_t p) { return compare(p, n.cmp, n.value); }, f.srcPort, f.dstPort);
    case Kind::PortIn:
        return either([&](uint16_t p) { return std::find(n.ports.begin(), n.ports.end(), p) != n.ports.end(); },
                      f.srcPort, f.dstPort);
    case Kind::Proto: return f.protocol == n.value;
    case Kind::Inet: return f.src.isV4();
    case Kind::Inet6: return !f.src.isV4();
    case Kind::Bytes: return compare(f.bytes, n.cmp, n.value);
    case Kind::Packets: return compare(f.packets, n.cmp, n.value);
    case Kind::Duration: return compare(uint64_t(std::max<int64_t>(f.endMs - f.startMs, 0)), n.cmp, n.value);
    case Kind::Flags: return (f.tcpFlags & n.value) == n.value;
    case Kind::Exporter: return f.exporter == n.lo;
    }
    return false;
}

std::vector<uint8_t> blob(const IpAddress& a) { return {a.bytes().begin(), a.bytes().end()}; }

void sql(const Node& n, FlowFilter::Sql& out)
{
    auto column = [&](const char* srcCol, const char* dstCol, auto&& emit) {
        if (n.dir == Dir::Src) {
            emit(srcCol);
        } else if (n.dir == Dir::Dst) {
            emit(dstCol);
        } else {
            out.where += '(';
            emit(srcCol);
            out.where += " OR ";
            emit(dstCol);
            out.where += ')';
        }
    };
    switch (n.kind) {
    case Kind::And: case Kind::Or: {
        // A chain of one operator is written flat, "(a OR b OR c ...)": nested
        // pairs would nest parentheses once per term, and SQLite's parser stack
        // overflows at about a hundred (a pasted list of hosts).
        std::vector<const Node*> terms;
        std::vector<const Node*> pending{n.b.get(), n.a.get()};
        while (!pending.empty()) {
            const Node* t = pending.back();
            pending.pop_back();
            if (t->kind == n.kind) {
                pending.push_back(t->b.get());
                pending.push_back(t->a.get());
            } else {
                terms.push_back(t);
            }
        }
        out.where += '(';
        for (size_t i = 0; i < terms.size(); ++i) {
            if (i)
                out.where += n.kind == Kind::And ? " AND " : " OR ";
            sql(*terms[i], out);
        }
        out.where += ')';
        break;
    }
    case Kind::Not:
        out.where += "(NOT ";
        sql(*n.a, out);
        out.where += ')';
        break;
    case Kind::Any: out.where += "1"; break;
    case Kind::Host:
        column("src", "dst", [&](const char* c) {
            out.where += std::string(c) + " = ?";
            out.values.emplace_back(blob(n.lo));
        });
        break;
    case Kind::Net: // blobs compare bytewise: a prefix is one range
        column("src", "dst", [&](const char* c) {
            out.where += std::string(c) + " BETWEEN ? AND ?";
            out.values.emplace_back(blob(n.lo));
            out.values.emplace_back(blob(n.hi));
        });
        break;
    case Kind::Port:
        column("src_port", "dst_port", [&](const char* c) {
            out.where += std::string(c) + sqlOp(n.cmp);
            out.values.emplace_back(int64_t(n.value));
        });
        break;
    case Kind::PortIn:
        column("src_port", "dst_port", [&](const char* c) {
            out.where += std::string(c) + " IN (";
            for (size_t i = 0; i < n.ports.size(); ++i) {
                out.where += i ? ",?" : "?";
                out.values.emplace_back(int64_t(n.ports[i]));
            }
            out.where += ')';
        });
        break;
    case Kind::Proto:
        out.where += "proto = ?";
        out.values.emplace_back(int64_t(n.value));
        break;
    case Kind::Inet: case Kind::Inet6: {
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        out.where += n.kind == Kind::Inet ? "substr(src, 1, 12) = ?" : "substr(src, 1, 12) <> ?";
        out.values.emplace_back(std::vector<uint8_t>(mapped, mapped + 12));
        break;
    }
    case Kind::Bytes: case Kind::Packets: case Kind::Duration:
        out.where += n.kind == Kind::Bytes ? "bytes" : n.kind == Kind::Packets ? "packets" : "max(end_ms - start_ms, 0)";
        out.where += sqlOp(n.cmp);
        out.values.emplace_back(int64_t(n.value));
        break;
    case Kind::Flags:
        out.where += "(tcp_flags & ?) = ?";
        out.values.emplace_back(int64_t(n.value));
        out.values.emplace_back(int64_t(n.value));
        break;
    case Kind::Exporter:
        out.where += "exporter_id IN (SELECT id FROM exporters WHERE address = ?)";
        out.values.emplace_back(blob(n.lo));
        break;
    }
}

} // namespace

std::string FlowFilter::Error::toString() const { return "at " + std::to_string(position) + ": " + message; }

FlowFilter::FlowFilter(std::string text, std::unique_ptr<Node> root) : m_text(std::move(text)), m_root(std::move(root)) {}
FlowFilter::FlowFilter(FlowFilter&&) noexcept = default;
FlowFilter& FlowFilter::operator=(FlowFilter&&) noexcept = default;
FlowFilter::~FlowFilter() = default;

namespace {

// How deep the SQL form nests: a chain of one operator is written flat
// (see sql()), every other operator adds a level.
int sqlDepth(const FlowFilter::Node& n, FlowFilter::Node::Kind parent = FlowFilter::Node::Kind::Any)
{
    using Kind = FlowFilter::Node::Kind;
    switch (n.kind) {
    case Kind::And: case Kind::Or: {
        const int own = n.kind == parent ? 0 : 1;
        return own + std::max(sqlDepth(*n.a, n.kind), sqlDepth(*n.b, n.kind));
    }
    case Kind::Not: return 1 + sqlDepth(*n.a);
    default: return 0;
    }
}

} // namespace

std::optional<FlowFilter> FlowFilter::parse(const std::string& text, Error& error)
{
    if (text.size() > 64 * 1024) {
        error = {0, "the filter is longer than 64 KiB"};
        return std::nullopt;
    }
    bool ok = false;
    std::vector<Token> tokens = tokenize(text, error, ok);
    if (!ok)
        return std::nullopt;
    if (tokens.size() > 4096) {
        error = {tokens[4096].pos, "the filter has more than 4096 words"};
        return std::nullopt;
    }
    // Nesting is bounded by the word count above, so recursion depth is too.
    Parser parser(std::move(tokens), error);
    std::unique_ptr<Node> root = parser.parseAll();
    if (!root)
        return std::nullopt;
    // SQLite's parser gives up at about a hundred nested levels.
    if (sqlDepth(*root) > 64) {
        error = {0, "the filter nests more than 64 levels deep (not and parentheses)"};
        return std::nullopt;
    }
    return FlowFilter(text, std::move(root));
}

bool FlowFilter::matches(const FlowRecord& flow) const { return eval(*m_root, flow); }

FlowFilter::Sql FlowFilter::toSql() const
{
    Sql out;
    sql(*m_root, out);
    return out;
}
