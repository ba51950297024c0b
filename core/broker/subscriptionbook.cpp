#include "subscriptionbook.h"

namespace manifold {

bool SubscriptionBook::subscribe(quint64 session, const QByteArray &uri)
{
    QSet<quint64> &sessions = m_byUri[uri];
    const bool first = sessions.isEmpty();
    sessions.insert(session);
    return first;
}

bool SubscriptionBook::unsubscribe(quint64 session, const QByteArray &uri)
{
    auto it = m_byUri.find(uri);
    if (it == m_byUri.end() || !it->remove(session))
        return false;
    if (!it->isEmpty())
        return false;
    m_byUri.erase(it);
    return true;
}

QList<QByteArray> SubscriptionBook::removeSession(quint64 session)
{
    QList<QByteArray> orphaned;
    for (auto it = m_byUri.begin(); it != m_byUri.end();) {
        if (it->remove(session) && it->isEmpty()) {
            orphaned.append(it.key());
            it = m_byUri.erase(it);
        } else {
            ++it;
        }
    }
    return orphaned;
}

bool SubscriptionBook::isSubscribed(quint64 session, const QByteArray &uri) const
{
    return m_byUri.value(uri).contains(session);
}

QSet<quint64> SubscriptionBook::subscribersOf(const QByteArray &uri) const
{
    QSet<quint64> sessions;
    for (auto it = m_byUri.cbegin(); it != m_byUri.cend(); ++it) {
        if (covers(it.key(), uri))
            sessions.unite(*it);
    }
    return sessions;
}

bool SubscriptionBook::covers(const QByteArray &subscribed, const QByteArray &updated)
{
    if (updated == subscribed)
        return true;
    if (subscribed.isEmpty() || !updated.startsWith(subscribed))
        return false;
    // "file:///a" covers "file:///a/b" and "file:///a?x", not "file:///ab".
    const char last = subscribed.back();
    const char next = updated.at(subscribed.size());
    return last == '/' || next == '/' || next == '?' || next == '#';
}

} // namespace manifold
