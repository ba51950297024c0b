#pragma once

#include <QJsonObject>
#include <QLocalSocket>
#include <QString>

// A blocking client of the broker's control protocol, for the command line.
class ControlClient final
{
public:
    explicit ControlClient(QString socketPath) : m_socketPath(std::move(socketPath)) {}

    bool connectToBroker(QString *error);
    // Sends one request and waits for its response. False with *error on transport or RPC error.
    bool call(const QString &method, const QJsonObject &params, QJsonObject *result, QString *error,
              int timeoutMs = 15000);

private:
    bool readLine(QByteArray *line, int timeoutMs);

    QString m_socketPath;
    QLocalSocket m_socket;
    QByteArray m_buffer;
    int m_nextId = 1;
};
