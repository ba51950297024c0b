#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace manifold {

// A message body shown read-only as indented JSON, with a find bar (Ctrl+F, Enter/F3 next,
// Shift+F3 previous) and Copy (Ctrl+C: the selection, or the whole body when nothing is selected).
class JsonDetail final : public QWidget
{
    Q_OBJECT

public:
    // Bodies larger than this are shown as they came: indenting them would stall the window.
    static constexpr qsizetype MaxFormattedBytes = 1024 * 1024;

    explicit JsonDetail(QWidget *parent = nullptr);

    // Shows a body (JSON text as on the wire); truncated: the broker kept only its beginning.
    void setBody(const QByteArray &json, bool truncated = false);
    // No body: a sentence saying why.
    void setMessage(const QString &text);
    QString bodyText() const;
    bool hasBody() const { return m_hasBody; }

    void showFindBar();
    // Finds the find field's text after (or before) the cursor, wrapping; false: not found.
    bool findNext(bool backward = false);
    void copy();

    QPlainTextEdit *editor() const { return m_editor; }
    QLineEdit *findField() const { return m_findField; }
    QLabel *findStatus() const { return m_findStatus; }
    QPushButton *copyButton() const { return m_copy; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QPlainTextEdit *m_editor;
    QWidget *m_findBar;
    QLineEdit *m_findField;
    QPushButton *m_findPrevious;
    QPushButton *m_findNextButton;
    QLabel *m_findStatus;
    QPushButton *m_copy;
    QLabel *m_note;
    bool m_hasBody = false;
};

} // namespace manifold
