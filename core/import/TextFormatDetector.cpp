#include "import/TextFormatDetector.h"

#include "import/ArgusCsvSource.h"
#include "import/FlowJsonSource.h"
#include "import/NetflowCsvSource.h"
#include "import/NfdumpCsvSource.h"
#include "import/PyNetflowJsonSource.h"
#include "import/ZeekConnSource.h"

#include <zlib.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstring>

namespace {

template <typename Source, typename... Args>
TextFormatDetector::Outcome openAs(const std::string& path, std::unique_ptr<FlowSource>& out, std::string& error,
                                   Args... args)
{
    auto s = std::make_unique<Source>(args...);
    if (!s->open(path, error))
        return TextFormatDetector::Outcome::Failed;
    out = std::move(s);
    return TextFormatDetector::Outcome::Opened;
}

} // namespace

TextFormatDetector::Outcome TextFormatDetector::open(const std::string& path, std::unique_ptr<FlowSource>& source,
                                                     std::string& error)
{
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) {
        error = path + ": " + std::strerror(errno);
        return Outcome::Failed;
    }
    // The first 256 KiB decide; a smaller plain file is read whole.
    size_t headBytes = 256 * 1024;
    struct stat st {};
    if (gzdirect(f) && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode))
        headBytes = std::clamp<size_t>(size_t(st.st_size), 1, headBytes);
    std::string head(headBytes, '\0');
    const int n = gzread(f, head.data(), unsigned(head.size()));
    gzclose(f);
    if (n <= 0)
        return Outcome::NotText;
    head.resize(size_t(n));
    std::string_view text(head);
    if (text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3);
    const size_t firstChar = text.find_first_not_of(" \t\r\n");
    if (firstChar == std::string_view::npos)
        return Outcome::NotText;
    text.remove_prefix(firstChar);
    std::string_view first = text.substr(0, text.find('\n'));
    if (!first.empty() && first.back() == '\r')
        first.remove_suffix(1);

    if (ZeekConnSource::looksLikeTsv(first)) {
        // Zeek writes one log per protocol; only conn.log holds connections.
        const size_t at = text.find("\n#path");
        if (at != std::string_view::npos) {
            std::string_view kind = text.substr(at + 7);
            kind.remove_prefix(std::min(kind.find_first_not_of(" \t"), kind.size()));
            kind = kind.substr(0, kind.find_first_of("\r\n"));
            if (kind != "conn") {
                error = path + ": a Zeek " + std::string(kind) + " log, not a conn log (Flowsift reads conn.log)";
                return Outcome::Failed;
            }
        }
        return openAs<ZeekConnSource>(path, source, error, false);
    }
    if (first.front() == '{') {
        const auto j = nlohmann::json::parse(first.begin(), first.end(), nullptr, false);
        if (!j.is_discarded()) {
            if (PyNetflowJsonSource::looksLike(j))
                return openAs<PyNetflowJsonSource>(path, source, error);
            if (ZeekConnSource::looksLikeJson(j))
                return openAs<ZeekConnSource>(path, source, error, true);
            if (FlowJsonSource::looksLike(j))
                return openAs<FlowJsonSource>(path, source, error);
            error = path + ": JSON objects of an unknown kind (not python-netflow, Zeek conn or NetFlow/IPFIX-named "
                           "flows)";
            return Outcome::Failed;
        }
        // An object spread over several lines: the streaming reader copes.
        return openAs<FlowJsonSource>(path, source, error);
    }
    if (first.front() == '[')
        return openAs<FlowJsonSource>(path, source, error);
    if (NfdumpCsvSource::looksLike(first))
        return openAs<NfdumpCsvSource>(path, source, error);
    if (ArgusCsvSource::looksLike(first))
        return openAs<ArgusCsvSource>(path, source, error);
    if (NetflowCsvSource::looksLike(first))
        return openAs<NetflowCsvSource>(path, source, error);
    return Outcome::NotText;
}
