#include "diffview.h"

#include "statecolors.h"

#include <QEvent>
#include <QFontDatabase>
#include <QSyntaxHighlighter>

namespace manifold {

namespace {

class DiffHighlighter final : public QSyntaxHighlighter
{
public:
    explicit DiffHighlighter(QTextDocument *document) : QSyntaxHighlighter(document) {}

    void setPalette(const QPalette &palette)
    {
        const auto tinted = [&](const QColor &tone) {
            const QColor base = palette.color(QPalette::Base);
            QTextCharFormat format;
            format.setForeground(palette.color(QPalette::Text));
            format.setBackground(QColor::fromRgbF(base.redF() * 0.8f + tone.redF() * 0.2f,
                                                  base.greenF() * 0.8f + tone.greenF() * 0.2f,
                                                  base.blueF() * 0.8f + tone.blueF() * 0.2f));
            return format;
        };
        m_added = tinted(StateColors::forState(QStringLiteral("running"), false, palette));
        m_removed = tinted(StateColors::forState(QStringLiteral("failed"), false, palette));
        m_hunk.setForeground(palette.color(QPalette::Disabled, QPalette::Text));
        m_header.setFontWeight(QFont::Bold);
        rehighlight();
    }

protected:
    void highlightBlock(const QString &text) override
    {
        if (text.startsWith(QLatin1String("+++ ")) || text.startsWith(QLatin1String("--- ")))
            setFormat(0, int(text.size()), m_header);
        else if (text.startsWith(QLatin1Char('+')))
            setFormat(0, int(text.size()), m_added);
        else if (text.startsWith(QLatin1Char('-')))
            setFormat(0, int(text.size()), m_removed);
        else if (text.startsWith(QLatin1String("@@")))
            setFormat(0, int(text.size()), m_hunk);
    }

private:
    QTextCharFormat m_added;
    QTextCharFormat m_removed;
    QTextCharFormat m_hunk;
    QTextCharFormat m_header;
};

} // namespace

DiffView::DiffView(QWidget *parent) : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    auto *highlighter = new DiffHighlighter(document());
    highlighter->setPalette(palette());
}

void DiffView::setDiff(const QString &diff)
{
    // CRLF files diff with '\r' kept in their lines; on screen it would only show as a glyph.
    QString text = diff;
    text.replace(QLatin1String("\r\n"), QLatin1String("\n"));
    setPlainText(text);
}

void DiffView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange) {
        if (auto *highlighter = document()->findChild<DiffHighlighter *>())
            highlighter->setPalette(palette());
    }
    QPlainTextEdit::changeEvent(event);
}

} // namespace manifold
