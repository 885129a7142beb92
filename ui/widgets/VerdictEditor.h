#pragma once

#include "model/Finding.h"
#include "model/Verdict.h"

#include <QThreadPool>
#include <QTimer>
#include <QWidget>

#include <string>
#include <unordered_map>
#include <vector>

class QButtonGroup;
class QLabel;
class QLineEdit;
class QToolButton;

// The analyst's verdict on a finding (confirmed, false positive, needs review)
// with a comment, saved in the case file as soon as it changes (the comment a
// moment after typing stops). The case's verdicts are read once, off the UI
// thread, when the case is set; saves run in order on a thread of their own.
class VerdictEditor final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VerdictEditor)
public:
    explicit VerdictEditor(QWidget* parent = nullptr);
    ~VerdictEditor() override;

    void setCasePath(const QString& casePath);
    void setFinding(const Finding* finding);

    // Who the verdicts are recorded for (default: the login name).
    void setAnalyst(const QString& name);
    QString analyst() const { return QString::fromStdString(m_analyst); }
    // The verdicts of the case as known here (those read plus those saved since).
    std::vector<Verdict> verdicts() const;
    const Verdict* verdictFor(const std::string& findingId) const;
    // Saves a verdict for a finding of the case (also what the buttons do).
    void setVerdict(const std::string& findingId, Verdict::Status status, const std::string& comment);
    // Saves a pending comment and waits for every save to reach the case (before a report is written).
    void flush();

    QToolButton* button(Verdict::Status status) const;
    QLineEdit* commentEdit() const { return m_comment; }

signals:
    // A verdict was saved for the finding with this id.
    void verdictChanged(const QString& findingId);
    // The case's verdicts were read (after setCasePath).
    void verdictsLoaded();
    // A save failed (the case is read-only, gone, ...).
    void saveFailed(const QString& message);

private:
    void statusClicked(Verdict::Status status, bool checked);
    void saveComment();
    void showVerdict();
    void save(const Verdict& v);

    QString m_casePath;
    std::string m_findingId; // empty: no finding shown
    std::string m_analyst;
    std::unordered_map<std::string, Verdict> m_verdicts;
    quint64 m_loadGeneration = 0;
    QToolButton* m_confirmed = nullptr;
    QToolButton* m_falsePositive = nullptr;
    QToolButton* m_needsReview = nullptr;
    QLineEdit* m_comment = nullptr;
    QLabel* m_byLine = nullptr;
    QTimer m_commentTimer;
    QThreadPool m_writer; // one thread: saves reach the case in the order made
};
