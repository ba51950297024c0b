#pragma once

#include <QByteArray>
#include <QHash>

namespace manifold {

// Results of tools/list, prompts/list, resources/list and resources/templates/list per cursor,
// so sessions that connect later are answered without waiting for the child.
class ListCache final
{
public:
    static bool isCacheable(QByteArrayView method);
    // The list_changed notification method that invalidates method's results.
    static QByteArray invalidatedBy(QByteArrayView listChangedMethod);   // e.g. "tools/list"

    QByteArray find(QByteArrayView method, QByteArrayView cursor) const;   // raw result or empty
    void store(QByteArrayView method, QByteArrayView cursor, const QByteArray &rawResult);
    void invalidate(QByteArrayView method);   // every cursor of method
    void clear() { m_results.clear(); }
    int size() const { return int(m_results.size()); }

private:
    static QByteArray key(QByteArrayView method, QByteArrayView cursor);
    QHash<QByteArray, QByteArray> m_results;
};

} // namespace manifold
