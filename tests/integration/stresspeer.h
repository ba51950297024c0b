#pragma once

// One client session of the stress test: what it sent, and what came back filed by id.

#include "testclient.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QStringList>

#include <memory>

namespace stress {

// Canonical spelling of a JSON id, so 4 and "4" stay different keys.
inline QString idKey(const QJsonValue &id)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray{id}).toJson(QJsonDocument::Compact));
}

struct Call
{
    enum class Kind { Echo, SlowEcho, Long, Progress, Crash, Stats };
    // What may come back, decided by when and how the call was sent.
    enum class Expect {
        Result,           // exactly one: its own result
        CrashError,       // exactly one: the error naming the crash (it was in flight then)
        ResultOrCrash,    // exactly one: its own result, or the crash error (sent around the crash)
        Nothing,          // none: cancelled while the broker still had it, confirmed
        AtMostOne,        // cancelled in a race with its answer: none, or its own result
        AtMostOneOrCrash, // the same, around the crash
    };
    QJsonValue id;
    Kind kind = Kind::Echo;
    QString text;  // echo payload, unique per call
    int steps = 0; // progress notifications the server sends
    Expect expect = Expect::Result;
    bool cancelled = false;
};

struct Peer
{
    int index = 0;
    std::unique_ptr<TestClient> client;
    bool open = true;
    qsizetype receivedAtClose = -1;
    int nextCall = 0;
    QList<Call> calls;
    QHash<QString, qsizetype> callByKey;            // idKey -> index in calls
    QHash<QString, QList<QJsonObject>> responses;   // idKey -> responses with that id
    QHash<QString, QList<double>> progress;         // token key -> progress values in order
    QHash<QString, qsizetype> responseOrder;        // idKey -> position of its first response
    QHash<QString, QList<qsizetype>> progressOrder; // token key -> positions of its progress
    int listChanged = 0;                            // notifications/tools/list_changed
    QList<QJsonObject> strays;                      // anything else
    qsizetype filed = 0;

    // Files what arrived since the last call.
    void absorb()
    {
        const QList<QJsonObject> all = client->received();
        for (; filed < all.size(); ++filed) {
            const QJsonObject &message = all.at(filed);
            const QString method = message.value(QStringLiteral("method")).toString();
            if (method.isEmpty() && message.contains(QStringLiteral("id"))) {
                const QString key = idKey(message.value(QStringLiteral("id")));
                responses[key].append(message);
                responseOrder.insert(key, responseOrder.value(key, filed));
            } else if (method == QLatin1String("notifications/progress")) {
                const QJsonObject params = message.value(QStringLiteral("params")).toObject();
                const QString key = idKey(params.value(QStringLiteral("progressToken")));
                progress[key].append(params.value(QStringLiteral("progress")).toDouble());
                progressOrder[key].append(filed);
            } else if (method == QLatin1String("notifications/tools/list_changed")) {
                ++listChanged;
            } else if (!method.startsWith(QLatin1String("notifications/"))) {
                strays.append(message);
            }
        }
    }

    int repliesTo(const Call &call) const { return int(responses.value(idKey(call.id)).size()); }

    // Calls that must be answered and have not been yet; long calls only once the child crashed.
    QStringList unsettled(bool crashed) const
    {
        QStringList waiting;
        for (const Call &call : calls) {
            const bool mustAnswer = call.expect == Call::Expect::Result ||
                                    call.expect == Call::Expect::ResultOrCrash ||
                                    (call.expect == Call::Expect::CrashError && crashed);
            if (mustAnswer && repliesTo(call) == 0)
                waiting << QStringLiteral("session %1 call %2").arg(index).arg(idKey(call.id));
        }
        return waiting;
    }
};

} // namespace stress
