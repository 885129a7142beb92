#pragma once

#include "model/FlowRecord.h"

#include <QAbstractTableModel>
#include <QThreadPool>

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

// Every flow of a selection (a filter expression and a time range) as a
// virtual table: it never holds more than a few pages of rows. The case is
// read on one worker thread with its own connection, which keeps the
// selection's order as a temporary table (FlowStore::buildFlowOrder), so any
// page, however deep, is a short range read. Pages are read on demand as the
// view paints them and kept in a small LRU cache; results of a selection or
// sort that was replaced meanwhile are dropped.
class FlowsTableModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FlowsTableModel)
public:
    enum Column {
        StartColumn,
        DurationColumn,
        ProtocolColumn,
        SourceColumn,
        SourcePortColumn,
        DestinationColumn,
        DestinationPortColumn,
        FlagsColumn,
        PacketsColumn,
        BytesColumn,
        ExporterColumn,
        ColumnCount
    };
    enum Role {
        RawValueRole = Qt::UserRole + 1, // numbers as numbers, addresses as text
        FlowIdRole,                      // the flow's row id in the case
        FilterRole,                      // an expression selecting this cell's value ("dst port 443")
        AddressRole,                     // the address of an address cell, else empty
    };
    static constexpr int kPageRows = 500;
    static constexpr size_t kCachedPages = 64;

    explicit FlowsTableModel(QObject* parent = nullptr);
    ~FlowsTableModel() override;

    // The case to read; empty clears the table.
    void setCasePath(const QString& casePath);
    // Shows the flows matching expression (a valid FlowFilter text; empty: all)
    // that overlap [startMs, endMs) (0, 0: any time).
    void setSelection(const QString& expression, int64_t startMs, int64_t endMs);
    QString expression() const { return m_expression; }
    bool isLoading() const { return m_loading; }
    quint64 totalRows() const { return m_rows; }
    // The flow at a row, or nullptr while its page is being read.
    const FlowRecord* flowAt(int row) const;
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }
    // Pages held in memory (for tests and the benchmark).
    size_t cachedPages() const { return m_cache.size(); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    // Pushed down to SQL: builds the new order on the worker, the table keeps
    // showing the old one until it is ready.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    static QString columnName(int column);
    // An expression that selects the value of one column of a flow ("src host 10.0.5.23").
    static QString filterFor(const FlowRecord& flow, int column);
    static QString displayText(const FlowRecord& flow, int column);

    // Every flow of the current selection in the current order as CSV, read
    // from the case on its own connection (not the pages the view holds), so
    // that a table of millions exports whole. Blocking: call it off the UI thread.
    struct Export {
        QString casePath;
        QString expression;
        int64_t startMs = 0;
        int64_t endMs = 0;
        int sortColumn = StartColumn;
        Qt::SortOrder sortOrder = Qt::AscendingOrder;
    };
    Export currentExport() const;
    static bool writeCsv(const Export& selection, const QString& path, QString& error);

signals:
    void loadingChanged(bool loading);
    // The new selection or order is in place: rowCount() is its number of flows.
    void selectionLoaded(quint64 rows);
    void loadFailed(const QString& message);
    void pageLoaded(int page);

private:
    struct Reader;
    struct Page {
        std::vector<FlowRecord> flows;
        std::vector<int64_t> ids;
        uint64_t lastUse = 0;
    };
    struct OrderResult;
    struct PageResult;

    void reload();
    void setLoading(bool loading);
    void requestPage(int page) const;
    void applyPage(PageResult&& result);
    const Page* page(int row) const;

    QThreadPool m_pool; // one thread: the connection's temporary order is the thread's state
    std::shared_ptr<Reader> m_reader;
    QString m_casePath;
    QString m_expression;
    int64_t m_startMs = 0;
    int64_t m_endMs = 0;
    int m_sortColumn = StartColumn;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    quint64 m_generation = 0; // the selection shown; older results are dropped
    quint64 m_shownGeneration = 0;
    quint64 m_rows = 0;
    bool m_loading = false;
    mutable std::unordered_map<int, Page> m_cache;
    mutable std::unordered_set<int> m_pending;
    mutable uint64_t m_useClock = 0;
};
