#pragma once

// The per-request and GET-stream state of StreamableHttpUpstream, shared by its .cpp files.

#include "remote/sseparser.h"
#include "remote/streamablehttpupstream.h"

#include <QTimer>

#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace manifold::remote {

// One outgoing message's HTTP exchange: its POST, then (after a drop) its resume GETs.
struct StreamableHttpUpstream::Exchange
{
    Outgoing out;
    QNetworkReply *reply = nullptr;
    QNetworkAccessManager *manager = nullptr;
    QTimer headersTimer;
    QByteArray usedAuthorization;
    QByteArray usedSession;
    QByteArray wwwAuthenticate;
    QByteArray retryAfter;
    std::optional<SseParser> parser;
    QByteArray body; // a JSON answer, or an error's body (bounded)
    int status = 0;
    bool headersSeen = false;
    bool sse = false;
    bool answered = false;
    bool timedOut = false;
    bool unreadable = false; // the SSE parser refused the stream (e.g. an event over the limit)
    bool resuming = false;   // reply is a GET with Last-Event-ID
    std::optional<QByteArray> lastEventId;
    std::optional<qint64> retryMs;
    int resumes = 0;
};

// The session's GET stream: server requests and notifications not tied to a request.
struct StreamableHttpUpstream::GetStream
{
    QNetworkReply *reply = nullptr;
    std::optional<SseParser> parser;
    std::optional<QByteArray> lastEventId;
    std::optional<qint64> retryMs;
    QByteArray usedAuthorization;
    QByteArray usedSession;
    QByteArray body;
    int status = 0;
    int connectFailures = 0; // in a row
    int drops = 0;           // since the last event
    bool closedForGood = false;
    bool waitingForAuth = false;
    QTimer reconnect;
};

} // namespace manifold::remote
