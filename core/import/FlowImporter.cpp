#include "import/FlowImporter.h"

#include "import/FlowSource.h"
#include "store/FlowStore.h"

#include <QDirIterator>
#include <QFileInfo>

#include <openssl/evp.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace {
constexpr size_t kBatchRecords = 8192;
}

std::vector<std::string> FlowImporter::expandInputs(const std::vector<std::string>& paths)
{
    std::vector<std::string> out;
    for (const std::string& p : paths) {
        const QString path = QString::fromStdString(p);
        if (!QFileInfo(path).isDir()) {
            out.push_back(p);
            continue;
        }
        std::vector<std::string> files;
        QDirIterator it(path, QDir::Files | QDir::Readable, QDirIterator::Subdirectories);
        while (it.hasNext())
            files.push_back(it.next().toStdString());
        std::sort(files.begin(), files.end());
        out.insert(out.end(), files.begin(), files.end());
    }
    return out;
}

std::string FlowImporter::sha256OfFile(const std::string& path, std::string& error)
{
    // OpenSSL's SHA-256 uses the CPU's SHA extensions where present: several
    // times QCryptographicHash's speed, and the hash reads the whole input
    // before the import starts.
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
    if (!file) {
        error = path + ": " + std::strerror(errno);
        return {};
    }
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
        error = path + ": SHA-256 is not available";
        return {};
    }
    std::vector<unsigned char> buffer(1 << 20);
    size_t n;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), file.get())) > 0)
        EVP_DigestUpdate(ctx.get(), buffer.data(), n);
    if (std::ferror(file.get())) {
        error = path + ": read error while hashing";
        return {};
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx.get(), digest, &length);
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

ImportResult FlowImporter::importFile(FlowStore& store, const std::string& path, bool force, const Progress& progress,
                                      const std::atomic_bool& cancel)
{
    ImportResult result;
    std::unique_ptr<FlowSource> source = openFlowSource(path, result.error);
    if (!source)
        return result;
    result.format = source->formatName();

    FlowStore::ImportRecord meta;
    meta.path = path;
    meta.size = source->bytesTotal();
    meta.format = result.format;
    meta.sha256 = sha256OfFile(path, result.error);
    if (meta.sha256.empty())
        return result;
    if (!force) {
        if (auto previous = store.findImportBySha256(meta.sha256)) {
            result.ok = true;
            result.duplicate = true;
            result.importId = previous->id;
            result.recordsRead = previous->recordsRead;
            result.recordsKept = previous->recordsKept;
            result.recordsRejected = previous->recordsRejected;
            return result;
        }
    }

    result.importId = store.beginImport(meta);
    if (!result.importId) {
        result.error = store.path() + ": cannot start import: " + store.lastError();
        return result;
    }
    std::vector<FlowRecord> batch;
    batch.reserve(kBatchRecords);
    bool more = true;
    while (more) {
        if (cancel.load(std::memory_order_relaxed)) {
            store.rollbackImport();
            result.cancelled = true;
            result.error = path + ": import cancelled";
            return result;
        }
        batch.clear();
        more = source->readBatch(batch, kBatchRecords);
        if (!store.insertFlows(batch)) {
            result.error = store.path() + ": cannot store flows: " + store.lastError();
            store.rollbackImport();
            return result;
        }
        result.recordsKept += batch.size();
        if (progress)
            progress(source->bytesRead(), source->bytesTotal());
    }
    result.timesSynthetic = source->timesSynthetic();
    if (result.timesSynthetic && !store.markImportTimesSynthetic()) {
        result.error = store.path() + ": cannot store import: " + store.lastError();
        store.rollbackImport();
        return result;
    }
    result.recordsRejected = source->rejectedCount();
    result.recordsRead = result.recordsKept + result.recordsRejected;
    result.issues = source->issues();
    if (!store.commitImport(result.importId, result.recordsRead, result.recordsKept, result.recordsRejected,
                            result.issues)) {
        result.error = store.path() + ": cannot commit import: " + store.lastError();
        return result;
    }
    result.ok = true;
    return result;
}
