#include "report/CsvWriter.h"

#include <QAbstractItemModel>
#include <QSaveFile>

CsvWriter::CsvWriter(QIODevice* out)
    : m_out(out)
{
}

QString CsvWriter::escape(const QString& field)
{
    const bool quote = field.contains(QLatin1Char(',')) || field.contains(QLatin1Char('"'))
        || field.contains(QLatin1Char('\n')) || field.contains(QLatin1Char('\r'))
        || field.startsWith(QLatin1Char(' ')) || field.endsWith(QLatin1Char(' '));
    if (!quote)
        return field;
    QString out = field;
    out.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + out + QLatin1Char('"');
}

void CsvWriter::writeRow(const QStringList& fields)
{
    QString line;
    for (int i = 0; i < fields.size(); ++i) {
        if (i > 0)
            line += QLatin1Char(',');
        line += escape(fields[i]);
    }
    line += QStringLiteral("\r\n");
    const QByteArray bytes = line.toUtf8();
    if (m_ok && m_out->write(bytes) != bytes.size())
        m_ok = false;
}

bool CsvWriter::ok() const { return m_ok; }

bool CsvWriter::writeRows(const QString& path, const QStringList& header, const RowSource& rows, QString& error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        error = path + QStringLiteral(": ") + file.errorString();
        return false;
    }
    CsvWriter csv(&file);
    csv.writeRow(header);
    const bool complete = rows([&csv](const QStringList& row) {
        csv.writeRow(row);
        return csv.ok();
    });
    if (!csv.ok() || !complete) {
        error = path + QStringLiteral(": ") + (csv.ok() ? QStringLiteral("stopped before the last row") : file.errorString());
        file.cancelWriting();
        return false;
    }
    if (!file.commit()) {
        error = path + QStringLiteral(": ") + file.errorString();
        return false;
    }
    return true;
}

bool CsvWriter::writeModel(const QAbstractItemModel& model, const QString& path, QString& error, int role)
{
    QStringList header;
    const int columns = model.columnCount();
    for (int c = 0; c < columns; ++c)
        header << model.headerData(c, Qt::Horizontal, Qt::DisplayRole).toString();
    return writeRows(path, header, [&](const std::function<bool(const QStringList&)>& sink) {
        for (int r = 0; r < model.rowCount(); ++r) {
            QStringList row;
            for (int c = 0; c < columns; ++c)
                row << model.index(r, c).data(role).toString();
            if (!sink(row))
                return false;
        }
        return true;
    }, error);
}
