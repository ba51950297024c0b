#include "jsondetail.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTextCursor>
#include <QTextDocument>
#include <QVBoxLayout>

namespace manifold {

namespace {

enum class Key { None, Find, Next, Previous, Copy };

Key keyOf(const QKeyEvent *event)
{
    if (event->matches(QKeySequence::Find))
        return Key::Find;
    if (event->matches(QKeySequence::FindNext) || (event->key() == Qt::Key_F3 && event->modifiers() == Qt::NoModifier))
        return Key::Next;
    if (event->matches(QKeySequence::FindPrevious) ||
        (event->key() == Qt::Key_F3 && event->modifiers() == Qt::ShiftModifier))
        return Key::Previous;
    if (event->matches(QKeySequence::Copy))
        return Key::Copy;
    return Key::None;
}

} // namespace

JsonDetail::JsonDetail(QWidget *parent)
    : QWidget(parent)
    , m_editor(new QPlainTextEdit(this))
    , m_findBar(new QWidget(this))
    , m_findField(new QLineEdit(m_findBar))
    , m_findPrevious(new QPushButton(tr("&Previous"), m_findBar))
    , m_findNextButton(new QPushButton(tr("&Next"), m_findBar))
    , m_findStatus(new QLabel(m_findBar))
    , m_copy(new QPushButton(tr("C&opy"), this))
    , m_note(new QLabel(this))
{
    m_editor->setReadOnly(true);
    m_editor->setTextInteractionFlags(Qt::TextSelectableByKeyboard | Qt::TextSelectableByMouse);
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setAccessibleName(tr("Message body"));
    m_editor->installEventFilter(this);

    m_findField->setPlaceholderText(tr("Find in the message"));
    m_findField->setClearButtonEnabled(true);
    m_findField->setAccessibleName(tr("Find in the message"));
    m_findField->installEventFilter(this);
    m_findPrevious->setAccessibleName(tr("Find previous"));
    m_findPrevious->setToolTip(tr("Find the previous match (Shift+F3)"));
    m_findNextButton->setAccessibleName(tr("Find next"));
    m_findNextButton->setToolTip(tr("Find the next match (Enter, F3)"));
    m_findStatus->setAccessibleName(tr("Find result"));
    m_copy->setAccessibleName(tr("Copy the message"));
    m_copy->setToolTip(tr("Copy the selection, or the whole message when nothing is selected (Ctrl+C)"));
    m_note->setWordWrap(true);
    m_note->setAccessibleName(tr("Message note"));
    m_note->hide();

    auto *find = new QHBoxLayout(m_findBar);
    find->setContentsMargins(0, 0, 0, 0);
    auto *findLabel = new QLabel(tr("F&ind:"), m_findBar);
    findLabel->setBuddy(m_findField);
    find->addWidget(findLabel);
    find->addWidget(m_findField, 1);
    find->addWidget(m_findPrevious);
    find->addWidget(m_findNextButton);
    find->addWidget(m_findStatus);
    m_findBar->hide();

    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_note, 1);
    bottom->addStretch();
    bottom->addWidget(m_copy);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_findBar);
    layout->addWidget(m_editor, 1);
    layout->addLayout(bottom);

    connect(m_findField, &QLineEdit::returnPressed, this, [this] { findNext(); });
    connect(m_findField, &QLineEdit::textChanged, m_findStatus, &QLabel::clear);
    connect(m_findNextButton, &QPushButton::clicked, this, [this] { findNext(); });
    connect(m_findPrevious, &QPushButton::clicked, this, [this] { findNext(true); });
    connect(m_copy, &QPushButton::clicked, this, &JsonDetail::copy);
    setMessage({});
}

void JsonDetail::setBody(const QByteArray &json, bool truncated)
{
    QString text;
    if (json.size() <= MaxFormattedBytes) {
        QJsonParseError error{};
        const QJsonDocument document = QJsonDocument::fromJson(json, &error);
        if (error.error == QJsonParseError::NoError)
            text = QString::fromUtf8(document.toJson(QJsonDocument::Indented)).trimmed();
    }
    if (text.isEmpty())
        text = QString::fromUtf8(json);
    m_hasBody = true;
    m_editor->setPlainText(text);
    m_editor->setEnabled(true);
    m_copy->setEnabled(true);
    m_note->setVisible(truncated);
    m_note->setText(truncated ? tr("Only the beginning of this message was kept.") : QString());
}

void JsonDetail::setMessage(const QString &text)
{
    m_hasBody = false;
    m_editor->clear();
    m_editor->setPlaceholderText(text);
    m_copy->setEnabled(false);
    m_note->hide();
}

QString JsonDetail::bodyText() const
{
    return m_hasBody ? m_editor->toPlainText() : QString();
}

void JsonDetail::showFindBar()
{
    m_findBar->show();
    m_findField->setFocus(Qt::ShortcutFocusReason);
    m_findField->selectAll();
}

bool JsonDetail::findNext(bool backward)
{
    const QString text = m_findField->text();
    if (text.isEmpty())
        return false;
    const QTextDocument::FindFlags flags = backward ? QTextDocument::FindBackward : QTextDocument::FindFlags();
    bool found = m_editor->find(text, flags);
    if (!found) { // wrap around
        QTextCursor cursor = m_editor->textCursor();
        cursor.movePosition(backward ? QTextCursor::End : QTextCursor::Start);
        m_editor->setTextCursor(cursor);
        found = m_editor->find(text, flags);
    }
    m_findStatus->setText(found ? QString() : tr("Not found"));
    if (!found)
        QApplication::beep();
    return found;
}

void JsonDetail::copy()
{
    if (!m_hasBody)
        return;
    QString selected = m_editor->textCursor().selectedText();
    // QTextCursor marks line breaks with U+2029.
    QApplication::clipboard()->setText(selected.isEmpty() ? m_editor->toPlainText()
                                                          : selected.replace(QChar(0x2029), QLatin1Char('\n')));
}

bool JsonDetail::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() != QEvent::ShortcutOverride && event->type() != QEvent::KeyPress)
        return QWidget::eventFilter(watched, event);
    auto *key = static_cast<QKeyEvent *>(event);
    Key what = keyOf(key);
    if (watched == m_findField && what == Key::Copy)
        what = Key::None; // the field copies its own text
    if (watched == m_findField && key->key() == Qt::Key_Escape && event->type() == QEvent::KeyPress) {
        m_findBar->hide();
        m_editor->setFocus(Qt::OtherFocusReason);
        return true;
    }
    if (what == Key::None)
        return QWidget::eventFilter(watched, event);
    if (event->type() == QEvent::ShortcutOverride) {
        event->accept(); // ours, not a window shortcut's
        return true;
    }
    switch (what) {
    case Key::Find:
        showFindBar();
        break;
    case Key::Next:
    case Key::Previous:
        if (m_findField->text().isEmpty())
            showFindBar();
        else
            findNext(what == Key::Previous);
        break;
    case Key::Copy:
        copy();
        break;
    case Key::None:
        break;
    }
    return true;
}

} // namespace manifold
