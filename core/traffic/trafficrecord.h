#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QtGlobal>

namespace manifold {

// One message the broker relayed, as the traffic view and `manifoldctl traffic` show it.
// Metadata is always kept; the body only while body capture is on for the server.
struct TrafficRecord
{
    enum class Direction : quint8 { ToServer, FromServer };
    enum class Kind : quint8 { Request, Notification, Result, Error };

    quint64 seq = 0;              // per ring, increasing; 0 until appended
    qint64 timeUs = 0;            // wall clock, microseconds since the epoch
    quint64 session = 0;          // broker session id (0: the broker's own, or not one session's)
    Direction direction = Direction::ToServer;
    Kind kind = Kind::Request;
    bool byBroker = false;        // an answer Manifold made itself (cache, ping, refusal, failure)
    bool bodyTruncated = false;   // body holds only the first bodyLimit bytes of the message
    QByteArray client;            // the session's clientInfo.name (shared, not copied)
    QByteArray instance;          // the instance key of a per-project/per-client instance; empty: shared
    QByteArray method;            // a response carries the method of the request it answers
    QByteArray id;                // raw JSON text of the id as the client saw it; empty: none
    qint32 sizeBytes = 0;         // the message's size on the wire
    qint64 durationUs = -1;       // a response: since its request reached the broker
    quint64 requestSeq = 0;       // a response: its request's record, if it was seen
    int errorCode = 0;            // Kind::Error: the JSON-RPC error code
    QByteArray errorMessage;      // Kind::Error: its message (at most 200 bytes, unmasked)
    QByteArray body;              // empty unless body capture is on

    // What keeping it costs, for the ring's memory cap (payloads plus a fixed overhead).
    qint64 costBytes() const
    {
        return qint64(sizeof(TrafficRecord)) + id.size() + errorMessage.size() + body.size();
    }

    static const char *directionName(Direction direction);
    static const char *kindName(Kind kind);
    // One JSON Lines object (docs/wire.md, "traffic"). Strings are passed through mask first
    // (error messages; the body when withBody); the body itself is never included otherwise.
    template<typename Mask>
    QJsonObject toJson(const QString &server, Mask &&mask, bool withBody) const
    {
        QJsonObject object = metadataJson(server);
        if (kind == Kind::Error && !errorMessage.isEmpty())
            object.insert(QStringLiteral("errorMessage"), QString::fromUtf8(mask(errorMessage)));
        if (withBody && !body.isEmpty())
            object.insert(QStringLiteral("body"), QString::fromUtf8(mask(body)));
        return object;
    }

private:
    QJsonObject metadataJson(const QString &server) const;
};

} // namespace manifold
