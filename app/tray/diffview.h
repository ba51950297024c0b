#pragma once

#include <QPlainTextEdit>

class QByteArray;

namespace manifold {

// A read-only, monospace view of a unified diff with added, removed and hunk lines coloured from
// the palette (readable in light and dark themes).
class DiffView final : public QPlainTextEdit
{
    Q_OBJECT

public:
    explicit DiffView(QWidget *parent = nullptr);

    void setDiff(const QString &diff);

    // The unified diff of two file versions (context lines around each change).
    static QString unifiedDiff(const QByteArray &before, const QByteArray &after,
                               const QString &fromLabel, const QString &toLabel, int context = 3);

protected:
    void changeEvent(QEvent *event) override;
};

} // namespace manifold
