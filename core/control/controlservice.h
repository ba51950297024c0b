#pragma once

#include <QJsonObject>
#include <QObject>

class QLocalSocket;

namespace manifold {

class Broker;

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
    Reply call(const QString &method, const QJsonObject &params);

private:
    void handleLine(QLocalSocket *socket, const QByteArray &line);

    Broker *m_broker;
};

} // namespace manifold
