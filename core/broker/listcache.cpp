#include "listcache.h"

namespace manifold {

bool ListCache::isCacheable(QByteArrayView method)
{
    return method == "tools/list" || method == "prompts/list" || method == "resources/list" ||
           method == "resources/templates/list";
}

QByteArray ListCache::invalidatedBy(QByteArrayView listChangedMethod)
{
    if (listChangedMethod == "notifications/tools/list_changed")
        return "tools/list";
    if (listChangedMethod == "notifications/prompts/list_changed")
        return "prompts/list";
    if (listChangedMethod == "notifications/resources/list_changed")
        return "resources/";   // both resources/list and resources/templates/list
    return {};
}

QByteArray ListCache::key(QByteArrayView method, QByteArrayView cursor)
{
    QByteArray k = method.toByteArray();
    k += '\n';
    k += cursor;
    return k;
}

QByteArray ListCache::find(QByteArrayView method, QByteArrayView cursor) const
{
    return m_results.value(key(method, cursor));
}

void ListCache::store(QByteArrayView method, QByteArrayView cursor, const QByteArray &rawResult)
{
    m_results.insert(key(method, cursor), rawResult);
}

void ListCache::invalidate(QByteArrayView method)
{
    for (auto it = m_results.begin(); it != m_results.end();) {
        if (it.key().startsWith(method))
            it = m_results.erase(it);
        else
            ++it;
    }
}

} // namespace manifold
