#pragma once

#include <QString>
#include <QStringList>

#include <functional>

class QAbstractItemModel;
class QIODevice;

// Tables as CSV (RFC 4180: fields with a comma, quote or line break are quoted,
// quotes doubled; CRLF line ends; UTF-8), the way spreadsheets read them back.
// Generic over QAbstractItemModel for what a view shows, and over a row source
// for tables too big to hold in a model (flows streamed from the store).
class CsvWriter final {
public:
    explicit CsvWriter(QIODevice* out);

    void writeRow(const QStringList& fields);
    bool ok() const;

    static QString escape(const QString& field);

    // Called with a row sink; returns false to stop (the sink returns false when writing fails).
    using RowSource = std::function<bool(const std::function<bool(const QStringList&)>& sink)>;

    // The header and every row of the model (role: DisplayRole by default, as the view shows it).
    // Written through a QSaveFile: an existing file is replaced only once all is written.
    static bool writeModel(const QAbstractItemModel& model, const QString& path, QString& error,
                           int role = Qt::DisplayRole);
    static bool writeRows(const QString& path, const QStringList& header, const RowSource& rows, QString& error);

private:
    QIODevice* m_out = nullptr;
    bool m_ok = true;
};
