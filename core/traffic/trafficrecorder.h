#pragma once

#include "traffic/secretmask.h"
#include "traffic/traffichealth.h"
#include "traffic/trafficring.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QPair>
#include <QSet>
#include <QString>

namespace manifold {

// What one server's traffic looks like to the traffic view, for all of its instances: a ring of
// records (memory-capped), the last hour's health, and the secret values to hide in bodies.
// The Router calls the record* methods as it relays; nothing here sends or changes a message.
// Plain C++ on the broker's thread: no locks, no signals; readers pull by sequence number.
class TrafficRecorder final
{
public:
    // Bodies are kept up to this many bytes each (the rest is cut, the record says so).
    static constexpr qsizetype BodyLimit = 64 * 1024;
    // Secret values are remembered for the broker's life (a rotated one stays masked in what
    // was captured before), up to this many.
    static constexpr int MaxSecrets = 256;
    // Requests waiting for their answer that are remembered for pairing; beyond it (a client
    // that never gets answers, cancelled calls) the oldest are forgotten.
    static constexpr int MaxPending = 50000;

    TrafficRecorder(QString server, qint64 capBytes);

    const QString &server() const { return m_server; }
    void setCaptureBodies(bool on) { m_captureBodies = on; }
    bool capturesBodies() const { return m_captureBodies; }
    void setCapBytes(qint64 capBytes) { m_ring.setCapBytes(capBytes); }
    void addSecrets(const QList<QByteArray> &values);
    void clear();

    // Wall-clock microseconds: one epoch reading at creation plus a monotonic offset.
    qint64 nowUs() const { return m_epochUs + m_clock.nsecsElapsed() / 1000; }

    struct Origin
    {
        quint64 session = 0;
        QByteArray client;
        QByteArray instance;
    };
    // A client's message to the server (requests, notifications, its answers to the server's
    // requests). invalid: not a JSON-RPC message at all (it is refused).
    void recordFromClient(const Origin &origin, TrafficRecord::Kind kind, const QByteArray &method,
                          QByteArrayView rawId, QByteArrayView line);
    // The server's requests and notifications on their way to clients (origin: the one session
    // it went to, or session 0 for several or none).
    // A request (rawId: the id the session sees) is remembered so that the session's answer is
    // paired with it; byBroker: the broker's own (roots/list), not the server's.
    void recordFromServer(const Origin &origin, TrafficRecord::Kind kind, const QByteArray &method,
                          QByteArrayView line, QByteArrayView rawId = {}, bool byBroker = false);
    // The answer a session gets to its request rawId: from the server, or made by the broker.
    struct Answer
    {
        bool byBroker = false;
        bool isError = false;
        int errorCode = 0;
        QByteArray errorMessage;
    };
    void recordAnswer(const Origin &origin, QByteArrayView rawId, const Answer &answer, QByteArrayView line);
    void sessionClosed(quint64 session);

    const TrafficRing &ring() const { return m_ring; }
    TrafficHealth &health() { return m_health; }
    const TrafficHealth &health() const { return m_health; }
    quint64 dropped() const { return m_ring.firstSeq() - 1; }
    // Secret values replaced by SecretMask::Placeholder: everything shown or exported goes through it.
    QByteArray masked(const QByteArray &text) const { return m_mask.apply(text); }
    const TrafficRecord *find(quint64 seq) const;
    QJsonObject statusJson() const;

private:
    struct Pending
    {
        quint64 seq = 0;
        qint64 timeUs = 0;
        QByteArray method;
    };
    void keepBody(TrafficRecord &record, QByteArrayView line) const;
    // A record of line with what every kind has: time, origin, direction, size, body.
    TrafficRecord begin(const Origin &origin, TrafficRecord::Direction direction, QByteArrayView line) const;
    // One shared copy per method name (up to MaxMethods), not one per record.
    QByteArray internMethod(const QByteArray &method);
    static constexpr int MaxMethods = 1024;

    QString m_server;
    TrafficRing m_ring;
    TrafficHealth m_health;
    SecretMask m_mask;
    QList<QByteArray> m_secrets;
    bool m_captureBodies = false;
    QElapsedTimer m_clock;
    qint64 m_epochUs = 0;
    QHash<QPair<quint64, QByteArray>, Pending> m_pending;          // clients' requests
    QHash<QPair<quint64, QByteArray>, Pending> m_serverPending;    // the server's requests to clients
    void remember(QHash<QPair<quint64, QByteArray>, Pending> &pending, quint64 session, QByteArrayView rawId,
                  quint64 seq, qint64 timeUs, const QByteArray &method);
    // The record answering a pending request: its method, its request's seq and the time between.
    bool pair(QHash<QPair<quint64, QByteArray>, Pending> &pending, TrafficRecord &answer);
    QSet<QByteArray> m_methods;
};

} // namespace manifold
