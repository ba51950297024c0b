#pragma once

#include <QJsonObject>
#include <QObject>

#include <functional>

class QLocalSocket;

namespace manifold {

class Broker;
class EnvControl;
class SignInControl;

// Answers control connections (manifoldctl, later the GUI attached to a headless broker):
// JSON-RPC 2.0 requests, one per line, documented in docs/wire.md.
class ControlService final : public QObject
{
    Q_OBJECT

public:
    explicit ControlService(Broker *broker, QObject *parent = nullptr);

    void serve(QLocalSocket *socket, const QByteArray &alreadyRead);

    struct Reply
    {
        QJsonObject result;
        int errorCode = 0;
        QString errorMessage;
    };
    // Every method. done is called once: at once for most, later from the event loop for those
    // that wait for the secret store (add, update, remove and revealEnv of a secret variable).
    void callAsync(const QString &method, const QJsonObject &params, std::function<void(const Reply &)> done);
    // The methods that answer at once (everything but add, update, remove and revealEnv).
    Reply call(const QString &method, const QJsonObject &params);

private:
    void handleLine(QLocalSocket *socket, const QByteArray &line);
    Reply callHttp(const QString &method, const QJsonObject &params);   // http/...

    Broker *m_broker;
    EnvControl *m_env;
    SignInControl *m_signIn;
};

} // namespace manifold
