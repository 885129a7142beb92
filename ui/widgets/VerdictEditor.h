#pragma once

#include "model/Finding.h"

#include <QWidget>

// The analyst's verdict on a finding (confirmed, false positive, needs review)
// with a comment, saved in the case file.
// (Skeleton: verdicts are being built; it shows nothing yet.)
class VerdictEditor final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VerdictEditor)
public:
    explicit VerdictEditor(QWidget* parent = nullptr);

    void setCasePath(const QString& casePath);
    void setFinding(const Finding* finding);

signals:
    // A verdict was saved for the finding with this id.
    void verdictChanged(const QString& findingId);

private:
    QString m_casePath;
};
