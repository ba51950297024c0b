#pragma once

#include <QSortFilterProxyModel>

namespace manifold {

// The Log tab's search: keeps the LogModel lines whose text contains the search text, ignoring
// case.
class LogFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit LogFilterProxy(QObject *parent = nullptr);

    void setSearchText(const QString &text);
    QString searchText() const { return m_search; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_search;
};

} // namespace manifold
