#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QSet>

namespace manifold {

// Who subscribed to which resource URI. The child sees one subscription per URI: the first
// subscriber's subscribe and the last one's unsubscribe.
class SubscriptionBook final
{
public:
    // True if this is the URI's first subscriber (the child must be told).
    bool subscribe(quint64 session, const QByteArray &uri);
    // True if the URI has no subscribers left (the child must be told). False if the session
    // was not subscribed or others remain.
    bool unsubscribe(quint64 session, const QByteArray &uri);
    // Drops every subscription of the session; returns the URIs left without subscribers.
    QList<QByteArray> removeSession(quint64 session);
    // Forgets the URI for everyone (the server refused it).
    void removeUri(const QByteArray &uri) { m_byUri.remove(uri); }
    bool isSubscribed(quint64 session, const QByteArray &uri) const;

    // Sessions to notify about an update of uri: subscribers of uri itself or of a resource
    // that contains it (a URI prefix ending at a path, query or fragment boundary).
    QSet<quint64> subscribersOf(const QByteArray &uri) const;
    QList<QByteArray> uris() const { return m_byUri.keys(); }

    static bool covers(const QByteArray &subscribed, const QByteArray &updated);

private:
    QMap<QByteArray, QSet<quint64>> m_byUri;
};

} // namespace manifold
