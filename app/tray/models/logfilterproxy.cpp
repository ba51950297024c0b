#include "logfilterproxy.h"

#include "logmodel.h"

namespace manifold {

LogFilterProxy::LogFilterProxy(QObject *parent) : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true);
}

void LogFilterProxy::setSearchText(const QString &text)
{
    if (text == m_search)
        return;
    m_search = text;
    invalidateFilter();
}

bool LogFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_search.isEmpty())
        return true;
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    const QVariant text = index.data(LogModel::TextRole);
    // Any other list model: search what it displays.
    const QString haystack =
        text.isValid() ? text.toString() : index.data(Qt::DisplayRole).toString();
    return haystack.contains(m_search, Qt::CaseInsensitive);
}

} // namespace manifold
