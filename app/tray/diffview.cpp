#include "diffview.h"

#include "statecolors.h"

#include <algorithm>
#include <vector>

#include <QEvent>
#include <QFontDatabase>
#include <QSyntaxHighlighter>

namespace manifold {

namespace {

// TEMPORARY: a private stand-in for manifold::unifiedDiff (core/clients/unifieddiff.h, written
// on another branch). At merge, DiffView::unifiedDiff calls the real one and this goes away.
namespace stub {

QList<QByteArray> splitLines(const QByteArray &text)
{
    QList<QByteArray> lines = text.split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    for (QByteArray &line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
    }
    return lines;
}

enum class Op { Same, Removed, Added };
struct Line
{
    Op op;
    int a; // index in before (Same, Removed)
    int b; // index in after (Same, Added)
};

QList<Line> diffLines(const QList<QByteArray> &a, const QList<QByteArray> &b)
{
    int prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a.at(prefix) == b.at(prefix))
        ++prefix;
    int suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
           a.at(a.size() - 1 - suffix) == b.at(b.size() - 1 - suffix))
        ++suffix;
    const int n = int(a.size()) - prefix - suffix;
    const int m = int(b.size()) - prefix - suffix;
    QList<Line> result;
    for (int i = 0; i < prefix; ++i)
        result.append({Op::Same, i, i});
    if (qint64(n) * m <= 4'000'000) {
        // Longest common subsequence of the changed middle; setup changes few, small regions.
        std::vector<int> lcs(size_t(n + 1) * size_t(m + 1), 0);
        const auto at = [&](int i, int j) -> int & { return lcs[size_t(i) * size_t(m + 1) + j]; };
        for (int i = n - 1; i >= 0; --i) {
            for (int j = m - 1; j >= 0; --j)
                at(i, j) = a.at(prefix + i) == b.at(prefix + j)
                               ? at(i + 1, j + 1) + 1
                               : std::max(at(i + 1, j), at(i, j + 1));
        }
        int i = 0, j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a.at(prefix + i) == b.at(prefix + j)) {
                result.append({Op::Same, prefix + i++, prefix + j++});
            } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
                result.append({Op::Removed, prefix + i++, -1}); // removed lines come first
            } else {
                result.append({Op::Added, -1, prefix + j++});
            }
        }
    } else {
        for (int i = 0; i < n; ++i)
            result.append({Op::Removed, prefix + i, -1});
        for (int j = 0; j < m; ++j)
            result.append({Op::Added, -1, prefix + j});
    }
    for (int i = 0; i < suffix; ++i)
        result.append({Op::Same, prefix + n + i, prefix + m + i});
    return result;
}

QString unifiedDiff(const QByteArray &before, const QByteArray &after, const QString &fromLabel,
                    const QString &toLabel, int context)
{
    if (before == after)
        return QString();
    const QList<QByteArray> a = splitLines(before);
    const QList<QByteArray> b = splitLines(after);
    const QList<Line> lines = diffLines(a, b);
    QString out = QStringLiteral("--- %1\n+++ %2\n").arg(fromLabel, toLabel);
    int k = 0;
    while (k < lines.size()) {
        while (k < lines.size() && lines.at(k).op == Op::Same)
            ++k;
        if (k == lines.size())
            break;
        int start = std::max(0, k - context);
        int end = k; // one past the hunk's last line
        int same = 0;
        for (int i = k; i < lines.size(); ++i) {
            if (lines.at(i).op == Op::Same) {
                if (++same > 2 * context)
                    break;
            } else {
                same = 0;
                end = i + 1;
            }
        }
        end = std::min<int>(int(lines.size()), end + context);
        int aStart = 0, bStart = 0, aCount = 0, bCount = 0;
        for (int i = start; i < end; ++i) {
            const Line &line = lines.at(i);
            if (line.op != Op::Added && aCount++ == 0)
                aStart = line.a + 1;
            if (line.op != Op::Removed && bCount++ == 0)
                bStart = line.b + 1;
        }
        out +=
            QStringLiteral("@@ -%1,%2 +%3,%4 @@\n").arg(aStart).arg(aCount).arg(bStart).arg(bCount);
        for (int i = start; i < end; ++i) {
            const Line &line = lines.at(i);
            const char mark = line.op == Op::Same ? ' ' : line.op == Op::Added ? '+' : '-';
            out += QLatin1Char(mark) +
                   QString::fromUtf8(line.op == Op::Added ? b.at(line.b) : a.at(line.a)) +
                   QLatin1Char('\n');
        }
        k = end;
    }
    return out;
}

} // namespace stub

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
    setPlainText(diff);
}

void DiffView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange) {
        if (auto *highlighter = document()->findChild<DiffHighlighter *>())
            highlighter->setPalette(palette());
    }
    QPlainTextEdit::changeEvent(event);
}

QString DiffView::unifiedDiff(const QByteArray &before, const QByteArray &after,
                              const QString &fromLabel, const QString &toLabel, int context)
{
    // At merge: return manifold::unifiedDiff(before, after, fromLabel, toLabel, context);
    return stub::unifiedDiff(before, after, fromLabel, toLabel, context);
}

} // namespace manifold
