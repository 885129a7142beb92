#include "import/FlowImporter.h"

#include "import/FlowSource.h"
#include "store/FlowStore.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <algorithm>

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
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly)) {
        error = path + ": " + file.errorString().toStdString();
        return {};
    }
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file)) {
        error = path + ": read error while hashing";
        return {};
    }
    return hash.result().toHex().toStdString();
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
