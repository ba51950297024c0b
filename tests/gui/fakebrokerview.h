#pragma once

#include "control/brokerview.h"

#include <QJsonArray>
#include <QList>
#include <QTimer>

// A BrokerView the tests script by hand: it keeps a status() object in step with the signals
// it emits, and answers call() on the event loop with a result the test chose.
class FakeBrokerView final : public manifold::BrokerView
{
public:
    struct Call
    {
        QString method;
        QJsonObject params;
        Reply reply;
    };

    using BrokerView::BrokerView;

    QJsonObject status() const override
    {
        return {{QStringLiteral("broker"), QJsonObject{}},
                {QStringLiteral("servers"), m_servers},
                {QStringLiteral("sessions"), m_sessions}};
    }
    bool isConnected() const override { return true; }
    void call(const QString &method, const QJsonObject &params, Reply reply) override
    {
        m_calls.append(Call{method, params, std::move(reply)});
    }

    // Answers the oldest pending call, later on the event loop like a real view.
    void answer(bool ok, const QJsonObject &result, const QString &error = {})
    {
        const Call call = m_calls.takeFirst();
        if (call.reply)
            QTimer::singleShot(0, this,
                               [call, ok, result, error] { call.reply(ok, result, error); });
    }
    const QList<Call> &calls() const { return m_calls; }

    void addServer(const QJsonObject &server)
    {
        m_servers.append(server);
        emit serverAdded(server);
    }
    void changeServer(const QJsonObject &server)
    {
        replace(m_servers, QStringLiteral("name"), server.value(QStringLiteral("name")), server);
        emit serverChanged(server);
    }
    void removeServer(const QString &name)
    {
        replace(m_servers, QStringLiteral("name"), name, {});
        emit serverRemoved(name);
    }
    void openSession(const QJsonObject &session)
    {
        m_sessions.append(session);
        emit sessionOpened(session);
    }
    void changeSession(const QJsonObject &session)
    {
        replace(m_sessions, QStringLiteral("id"), session.value(QStringLiteral("id")), session);
        emit sessionChanged(session);
    }
    void closeSession(qint64 id)
    {
        replace(m_sessions, QStringLiteral("id"), id, {});
        emit sessionClosed(id);
    }
    void appendLog(const QString &server, const QJsonObject &line)
    {
        emit logAppended(server, line);
    }
    // Changes status() without signals, as if the view missed them while disconnected.
    void setStatusQuietly(const QJsonArray &servers, const QJsonArray &sessions)
    {
        m_servers = servers;
        m_sessions = sessions;
    }
    void reconnect() { emit connected(); }

private:
    static void replace(QJsonArray &array, const QString &key, const QJsonValue &value,
                        const QJsonObject &with)
    {
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (array.at(i).toObject().value(key) == value) {
                if (with.isEmpty())
                    array.removeAt(i);
                else
                    array.replace(i, with);
                return;
            }
        }
    }

    QJsonArray m_servers;
    QJsonArray m_sessions;
    QList<Call> m_calls;

public:
    // The pending calls of one method, oldest first.
    QList<Call> pendingCalls(const QString &method) const
    {
        QList<Call> found;
        for (const Call &call : m_calls) {
            if (call.method == method)
                found.append(call);
        }
        return found;
    }
    // Answers the oldest pending call of this method (others stay pending), later on the event
    // loop; false if none is pending.
    bool answerCall(const QString &method, bool ok, const QJsonObject &result, const QString &error = {})
    {
        for (qsizetype i = 0; i < m_calls.size(); ++i) {
            if (m_calls.at(i).method != method)
                continue;
            const Call call = m_calls.takeAt(i);
            if (call.reply)
                QTimer::singleShot(0, this, [call, ok, result, error] { call.reply(ok, result, error); });
            return true;
        }
        return false;
    }
};
