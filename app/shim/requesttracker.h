#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QList>
#include <QString>

#include <utility>

// What the shim's client is still waiting for, so that nothing it asked is left unanswered when
// the broker goes away, and the handshake the shim replays to a new broker. Looks only at each
// line's JSON-RPC envelope (one scan per line, no document is built): this runs on the relay's
// hot path.
class RequestTracker final
{
public:
    enum class Route { Relay, Swallow };

    // A complete line from the client, on its way to the broker.
    void clientLine(QByteArrayView line);
    // A complete line from the broker. Swallow: it answers one of the shim's own replayed
    // requests (see takeOwnAnswer()) or is the broker's closing notice (see closingReason()).
    Route brokerLine(QByteArrayView line);

    bool hasUnanswered() const { return !m_unanswered.isEmpty(); }
    // Raw ids of the client's unanswered requests, oldest first; forgets them.
    QList<QByteArray> takeUnanswered();

    // What to send a new broker so that it knows this client as the old one did: its
    // initialize and notifications/initialized, then its resource subscriptions and its log
    // level. Each request goes under an id of the shim's own (a JSON string starting with
    // idPrefix) whose answer the client never sees. Empty unless the client's own initialize
    // was answered with a result.
    QList<QByteArray> replayHandshake(const QByteArray &idPrefix);
    // The broker's answer to the replayed initialize, once it came; cleared when taken.
    bool hasOwnAnswer() const { return !m_ownAnswer.isEmpty(); }
    QByteArray takeOwnAnswer() { return std::exchange(m_ownAnswer, {}); }
    // The reason the broker gave for closing the session on purpose, empty if it did not.
    const QString &closingReason() const { return m_closingReason; }

    // list_changed notifications to send after a replayed initialize answered by ownAnswer:
    // one per capability (tools, prompts, resources) that the server says it announces.
    static QList<QByteArray> listChangedNotifications(QByteArrayView ownAnswer);

private:
    void clientMessage(QByteArrayView message);
    void brokerMessage(QByteArrayView message, Route *route);
    void noteSessionState(QByteArrayView message, const QByteArray &method);

    QHash<QByteArray, quint64> m_unanswered; // raw id -> order it was sent in
    quint64 m_sent = 0;
    QByteArray m_initializeLine;
    QByteArray m_initializeId;
    bool m_initializeAnswered = false;
    bool m_clientSentInitialized = false;
    QList<QByteArray> m_subscriptions; // raw uris the client subscribed to
    QByteArray m_logLevelParams;       // raw params of its last logging/setLevel
    QList<QByteArray> m_ownIds;        // the shim's replayed requests not answered yet
    QByteArray m_ownInitializeId;
    QByteArray m_ownAnswer;
    QString m_closingReason;
};
