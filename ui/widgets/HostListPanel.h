#pragma once

#include "model/Finding.h"

#include <QWidget>

#include <cstdint>
#include <vector>

class HostListModel;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

// The hosts of the case ranked by the combined score of their findings, with
// a search box (any address in the case can be searched, not only those with
// findings). Double-click or Enter opens the host's drill-down.
class HostListPanel final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HostListPanel)
public:
    explicit HostListPanel(QWidget* parent = nullptr);

    void setCasePath(const QString& casePath);
    void setFindings(const std::vector<Finding>& findings);

    HostListModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QLineEdit* searchEdit() const { return m_search; }
    QLabel* messageLabel() const { return m_message; }
    // Wide enough for the address, score, count, severity and network columns without scrolling.
    QSize sizeHint() const override;

public slots:
    // Opens the search box's text: an address of the case (checked off the UI
    // thread), or else the first listed host matching it.
    void openSearch();

signals:
    void hostActivated(const QString& address);
    // The searched address has no flows in the case.
    void searchNotFound(const QString& text);

private:
    void activateRow(int proxyRow);
    void updateCount();

    HostListModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QTableView* m_table = nullptr;
    QLineEdit* m_search = nullptr;
    QLabel* m_count = nullptr;
    QLabel* m_message = nullptr;
    QString m_casePath;
    quint64 m_generation = 0; // discards case reads for a case no longer shown
};
