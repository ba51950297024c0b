#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QtGlobal>

namespace manifold {

// One message the broker relayed, as the traffic view and `manifoldctl traffic` show it.
// Metadata is always kept; the body only while body capture is on for the server.
struct TrafficRecord
{
    enum class Direction : quint8 { ToServer, FromServer };
    enum class Kind : quint8 { Request, Notification, Result, Error };

    quint64 seq = 0;              // per ring, increasing; 0 until appended
    qint64 timeMs = 0;            // wall clock, ms since the epoch
    quint64 session = 0;          // broker session id (0: the broker's own traffic)
    Direction direction = Direction::ToServer;
    Kind kind = Kind::Request;
    QByteArray method;            // a response carries the method of the request it answers
    QByteArray id;                // raw JSON text of the id as the client saw it; empty: none
    qint32 sizeBytes = 0;         // the message's size on the wire
    qint64 durationMs = -1;       // a response: since its request went to the server
    int errorCode = 0;            // Kind::Error: the JSON-RPC error code
    QByteArray body;              // empty unless body capture is on

    // What keeping it costs, for the ring's memory cap (payloads plus a fixed overhead).
    qint64 costBytes() const { return qint64(sizeof(TrafficRecord)) + method.size() + id.size() + body.size(); }

    static const char *directionName(Direction direction);
    static const char *kindName(Kind kind);
    // One JSON Lines object; the body (if any) as "body", already masked by the caller.
    QJsonObject toJson() const;
};

} // namespace manifold
