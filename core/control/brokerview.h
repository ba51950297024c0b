#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <functional>

namespace manifold {

// What a front end (the tray window, manifoldctl watch) sees of a broker, whether the broker
// runs in this process (LocalBrokerView) or in another one reached through the control socket
// (RemoteBrokerView). Servers and sessions are the same JSON objects `manifoldctl status --json`
// prints; changes arrive as targeted signals carrying the changed object, never as "reload all".
class BrokerView : public QObject
{
    Q_OBJECT

public:
    using Reply = std::function<void(bool ok, const QJsonObject &result, const QString &error)>;

    using QObject::QObject;

    // The last known state: {"broker":{...},"servers":[...],"sessions":[...]}.
    virtual QJsonObject status() const = 0;
    virtual bool isConnected() const = 0;
    // Any control method (docs/wire.md): start, stop, restart, kill, add, remove, set, logs,
    // disconnect, reload, ... The reply comes later, on the event loop.
    virtual void call(const QString &method, const QJsonObject &params, Reply reply = {}) = 0;

signals:
    void connected();
    void disconnected();                                    // remote broker gone
    void serverAdded(const QJsonObject &server);
    void serverChanged(const QJsonObject &server);          // state, pid, counts, queue, ...
    void serverRemoved(const QString &name);
    void sessionOpened(const QJsonObject &session);
    void sessionChanged(const QJsonObject &session);        // client name, requests served, ...
    void sessionClosed(qint64 id);
    // One line of a server's log: {"time","source":"stderr"|"broker","text"}.
    void logAppended(const QString &server, const QJsonObject &line);
    // A server gave up restarting (crash loop) or could not start.
    void serverFailed(const QString &name, const QStringList &lastStderr);
    // A session was disconnected because its client stopped reading; message says which and why,
    // reason only why (what the shim was told).
    void sessionCutOff(const QString &server, qint64 session, const QString &message, const QString &reason);
};

} // namespace manifold
