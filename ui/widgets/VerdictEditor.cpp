#include "widgets/VerdictEditor.h"

#include "models/FindingsModel.h"
#include "store/FlowStore.h"
#include "util/DisplayFormat.h"

#include <QDateTime>
#include <QFile>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QVBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QToolButton>
#include <QtConcurrent/QtConcurrent>

namespace {

int64_t nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

} // namespace

VerdictEditor::VerdictEditor(QWidget* parent)
    : QWidget(parent)
    , m_analyst(Verdict::defaultAnalyst())
    , m_confirmed(new QToolButton(this))
    , m_falsePositive(new QToolButton(this))
    , m_needsReview(new QToolButton(this))
    , m_comment(new QLineEdit(this))
    , m_byLine(new QLabel(this))
{
    m_writer.setMaxThreadCount(1);
    // Two rows: the status buttons, then the comment with who decided and when
    // (the pane is narrow beside the table).
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(6, 4, 6, 2);
    outer->setSpacing(4);
    auto* layout = new QHBoxLayout;
    layout->setSpacing(4);
    outer->addLayout(layout);
    auto* title = new QLabel(tr("<b>Verdict</b>"), this);
    layout->addWidget(title);
    layout->addSpacing(4);
    // Alt+C, Alt+F, Alt+N (the underlined letters) set the verdict from the keyboard.
    const struct {
        QToolButton* button;
        QString text;
        QString tip;
        Verdict::Status status;
    } buttons[] = {
        {m_confirmed, tr("&Confirmed"), tr("A real incident (Alt+C)"), Verdict::Status::Confirmed},
        {m_falsePositive, tr("&False positive"), tr("Benign: dismiss it (Alt+F)"), Verdict::Status::FalsePositive},
        {m_needsReview, tr("&Needs review"), tr("Undecided: someone should look again (Alt+N)"),
         Verdict::Status::NeedsReview},
    };
    for (const auto& b : buttons) {
        b.button->setText(b.text);
        b.button->setToolTip(b.tip + QStringLiteral("; click again to clear"));
        b.button->setCheckable(true);
        b.button->setAutoRaise(false);
        b.button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        const QColor c = FindingsModel::verdictColor(b.status);
        b.button->setStyleSheet(QStringLiteral("QToolButton { padding: 2px 5px; }"
                                               "QToolButton:checked { background: %1; color: white; border: 1px solid %1;"
                                               " border-radius: 3px; font-weight: bold; }")
                                    .arg(c.name()));
        const Verdict::Status status = b.status;
        connect(b.button, &QToolButton::clicked, this, [this, status](bool checked) { statusClicked(status, checked); });
        layout->addWidget(b.button);
    }
    m_comment->setPlaceholderText(tr("Comment (saved as you type)"));
    m_comment->setClearButtonEnabled(true);
    m_comment->setMinimumWidth(120);
    m_comment->setToolTip(tr("Why: ticket number, what was checked, who was told"));
    layout->addStretch(1);
    // Who decided and when sits beside the comment: the buttons need the first row's width.
    m_byLine->setTextFormat(Qt::PlainText);
    m_byLine->setStyleSheet(QStringLiteral("color: palette(dark);"));
    auto* second = new QHBoxLayout;
    second->setSpacing(6);
    second->addWidget(m_comment, 1);
    second->addWidget(m_byLine);
    outer->addLayout(second);

    m_commentTimer.setSingleShot(true);
    m_commentTimer.setInterval(700);
    connect(&m_commentTimer, &QTimer::timeout, this, &VerdictEditor::saveComment);
    connect(m_comment, &QLineEdit::textEdited, this, [this] { m_commentTimer.start(); });
    connect(m_comment, &QLineEdit::editingFinished, this, &VerdictEditor::saveComment);
    setEnabled(false);
    setVisible(false);
}

VerdictEditor::~VerdictEditor()
{
    // A comment typed just before the window closed is kept; no signal: the
    // window that would listen is going away too.
    if (!m_findingId.empty() && !m_casePath.isEmpty()) {
        const Verdict* old = verdictFor(m_findingId);
        const std::string comment = m_comment->text().trimmed().toStdString();
        if ((old ? old->comment : std::string()) != comment) {
            Verdict v;
            v.findingId = m_findingId;
            v.status = old ? old->status : Verdict::Status::None;
            v.comment = comment;
            v.analyst = m_analyst;
            v.updatedAtMs = nowMs();
            save(v);
        }
    }
    m_writer.waitForDone();
}

void VerdictEditor::setAnalyst(const QString& name)
{
    m_analyst = name.trimmed().isEmpty() ? Verdict::defaultAnalyst() : name.trimmed().toStdString();
}

void VerdictEditor::setCasePath(const QString& casePath)
{
    if (casePath == m_casePath)
        return;
    saveComment(); // belongs to the case it was typed in
    m_casePath = casePath;
    m_verdicts.clear();
    const quint64 generation = ++m_loadGeneration;
    showVerdict();
    if (casePath.isEmpty()) {
        emit verdictsLoaded();
        return;
    }
    auto* watcher = new QFutureWatcher<std::vector<Verdict>>(this);
    connect(watcher, &QFutureWatcher<std::vector<Verdict>>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_loadGeneration) // another case was set meanwhile
            return;
        for (Verdict& v : watcher->result())
            m_verdicts.emplace(v.findingId, std::move(v)); // saves made meanwhile win
        showVerdict();
        emit verdictsLoaded();
    });
    watcher->setFuture(QtConcurrent::run([casePath] {
        std::string error;
        auto store = FlowStore::open(QFile::encodeName(casePath).toStdString(), error, true);
        return store ? store->verdicts() : std::vector<Verdict>();
    }));
}

void VerdictEditor::setFinding(const Finding* finding)
{
    const std::string id = finding ? finding->id : std::string();
    if (id == m_findingId && isHidden() == !finding)
        return;
    saveComment(); // a comment typed for the previous finding stays with it
    m_findingId = id;
    setVisible(finding != nullptr);
    showVerdict();
}

std::vector<Verdict> VerdictEditor::verdicts() const
{
    std::vector<Verdict> out;
    out.reserve(m_verdicts.size());
    for (const auto& [id, v] : m_verdicts)
        out.push_back(v);
    return out;
}

const Verdict* VerdictEditor::verdictFor(const std::string& findingId) const
{
    const auto it = m_verdicts.find(findingId);
    return it == m_verdicts.end() ? nullptr : &it->second;
}

QToolButton* VerdictEditor::button(Verdict::Status status) const
{
    switch (status) {
    case Verdict::Status::Confirmed: return m_confirmed;
    case Verdict::Status::FalsePositive: return m_falsePositive;
    case Verdict::Status::NeedsReview: return m_needsReview;
    case Verdict::Status::None: break;
    }
    return nullptr;
}

void VerdictEditor::statusClicked(Verdict::Status status, bool checked)
{
    if (m_findingId.empty())
        return;
    m_commentTimer.stop();
    // Clicking the checked button again clears the status; the comment stays.
    setVerdict(m_findingId, checked ? status : Verdict::Status::None, m_comment->text().trimmed().toStdString());
}

void VerdictEditor::saveComment()
{
    m_commentTimer.stop();
    if (m_findingId.empty() || m_casePath.isEmpty())
        return;
    const std::string comment = m_comment->text().trimmed().toStdString();
    const Verdict* old = verdictFor(m_findingId);
    if ((old ? old->comment : std::string()) == comment)
        return;
    setVerdict(m_findingId, old ? old->status : Verdict::Status::None, comment);
}

void VerdictEditor::setVerdict(const std::string& findingId, Verdict::Status status, const std::string& comment)
{
    if (findingId.empty() || m_casePath.isEmpty())
        return;
    Verdict v;
    v.findingId = findingId;
    v.status = status;
    v.comment = comment;
    v.analyst = m_analyst;
    v.updatedAtMs = nowMs();
    if (v.isEmpty())
        m_verdicts.erase(findingId);
    else
        m_verdicts[findingId] = v;
    save(v);
    if (findingId == m_findingId)
        showVerdict();
    emit verdictChanged(QString::fromStdString(findingId));
}

void VerdictEditor::save(const Verdict& v)
{
    const QString casePath = m_casePath;
    QPointer<VerdictEditor> self(this);
    // A tiny write, but the case may be busy with an import or a detector run:
    // never on the UI thread. One writer thread keeps the saves in order.
    static_cast<void>(QtConcurrent::run(&m_writer, [casePath, v, self] {
        std::string error;
        auto store = FlowStore::open(QFile::encodeName(casePath).toStdString(), error);
        if (store && !store->saveVerdict(v))
            error = casePath.toStdString() + ": cannot save the verdict: " + store->lastError();
        if (!error.empty() && self)
            QMetaObject::invokeMethod(self.data(), [self, error] {
                if (self)
                    emit self->saveFailed(QString::fromStdString(error));
            }, Qt::QueuedConnection);
    })); // flush() and the destructor wait for the pool, not for this future
}

void VerdictEditor::flush()
{
    saveComment();
    m_writer.waitForDone();
}

void VerdictEditor::showVerdict()
{
    const Verdict* v = m_findingId.empty() ? nullptr : verdictFor(m_findingId);
    const Verdict::Status status = v ? v->status : Verdict::Status::None;
    setEnabled(!m_findingId.empty() && !m_casePath.isEmpty());
    m_confirmed->setChecked(status == Verdict::Status::Confirmed);
    m_falsePositive->setChecked(status == Verdict::Status::FalsePositive);
    m_needsReview->setChecked(status == Verdict::Status::NeedsReview);
    const QString comment = v ? QString::fromStdString(v->comment) : QString();
    if (m_comment->text().trimmed() != comment) // leaves the cursor alone while the analyst types
        m_comment->setText(comment);
    if (v && v->updatedAtMs > 0) {
        const QString who = v->analyst.empty() ? QString() : QString::fromStdString(v->analyst) + QStringLiteral(", ");
        m_byLine->setText(who + DisplayFormat::utcTime(v->updatedAtMs).left(16)); // to the minute; the tooltip has it all
        m_byLine->setToolTip(tr("Last changed by %1 at %2 UTC")
                                 .arg(v->analyst.empty() ? tr("an unknown analyst") : QString::fromStdString(v->analyst),
                                      DisplayFormat::utcTime(v->updatedAtMs)));
    } else {
        m_byLine->clear();
        m_byLine->setToolTip({});
    }
}
