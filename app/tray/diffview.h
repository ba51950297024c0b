#pragma once

#include <QPlainTextEdit>

namespace manifold {

// A read-only, monospace view of a unified diff with added, removed and hunk lines coloured from
// the palette (readable in light and dark themes).
class DiffView final : public QPlainTextEdit
{
    Q_OBJECT

public:
    explicit DiffView(QWidget *parent = nullptr);

    void setDiff(const QString &diff);

protected:
    void changeEvent(QEvent *event) override;
};

} // namespace manifold
