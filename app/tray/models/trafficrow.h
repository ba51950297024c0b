#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMetaType>
#include <QString>

namespace manifold {

// One traffic record as the window keeps it: parsed once from the broker's `traffic` Record
// JSON (docs/wire.md), plus what pairing with its answer adds to a request.
struct TrafficRow
{
    enum class Kind : quint8 { Request, Notification, Result, Error };

    QString server;
    qint64 seq = 0;
    qint64 timeUs = 0;            // epoch µs
    QString instance;             // "" unless the server is shared per project or per client
    qint64 session = 0;           // 0: the broker's own traffic
    QString client;               // clientInfo.name of the session, "" if unknown
    bool toServer = true;
    Kind kind = Kind::Request;
    QString method;
    QJsonValue id;                // Undefined for notifications
    qint64 size = 0;
    double durationMs = -1;       // result/error: request -> response
    qint64 requestSeq = 0;        // result/error: its request's seq, 0 if unknown
    int errorCode = 0;
    QString errorMessage;
    bool byBroker = false;
    bool hasBody = false;
    // A request, once its answer arrived (pairing): how long it took and how it ended.
    bool answered = false;
    double answerMs = -1;
    int answerErrorCode = 0;      // 0: a result
    QString answerErrorMessage;

    bool isAnswer() const { return kind == Kind::Result || kind == Kind::Error; }
    bool isError() const { return kind == Kind::Error; }
    // A request still waiting for its answer.
    bool isPending() const { return kind == Kind::Request && !id.isUndefined() && !answered; }
    // The duration a cell shows: the record's own, or a request's from its answer; -1: none.
    double shownDurationMs() const { return kind == Kind::Request ? answerMs : durationMs; }
    // Answered slower than the threshold, or (a request) still waiting longer than it at nowUs.
    bool isSlow(double thresholdMs, qint64 nowUs) const
    {
        if (shownDurationMs() >= 0)
            return shownDurationMs() >= thresholdMs;
        return isPending() && double(nowUs - timeUs) / 1000.0 >= thresholdMs;
    }
    // Pairing: copies what the answer says into this request.
    void takeAnswer(const TrafficRow &answer)
    {
        answered = true;
        answerMs = answer.durationMs;
        answerErrorCode = answer.kind == Kind::Error ? answer.errorCode : 0;
        answerErrorMessage = answer.errorMessage;
    }

    static TrafficRow fromJson(const QJsonObject &record);
    // The Record object again (as `traffic` returns it, without "body"), for JSON Lines export.
    QJsonObject toJson() const;
    static QString kindName(Kind kind);
};

using TrafficRows = QList<TrafficRow>;

} // namespace manifold

Q_DECLARE_METATYPE(manifold::TrafficRow)
