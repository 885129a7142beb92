#pragma once

#include "model/Finding.h"

#include <QWidget>

#include <vector>

// The hosts of the case ranked by the combined score of their findings, with
// a search box (any address in the case can be searched, not only those with
// findings). Double-click or Enter opens the host's drill-down.
// (Skeleton: the list is being built.)
class HostListPanel final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HostListPanel)
public:
    explicit HostListPanel(QWidget* parent = nullptr);

    void setCasePath(const QString& casePath);
    void setFindings(const std::vector<Finding>& findings);

signals:
    void hostActivated(const QString& address);

private:
    QString m_casePath;
};
