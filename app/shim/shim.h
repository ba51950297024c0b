#pragma once

#include "linesplitter.h"
#include "requesttracker.h"

#include "jsonrpc/linebuffer.h"

#include <QByteArray>
#include <QObject>

class BrokerConnector;
class QLocalSocket;
class ClientStdio;

// manifold-shim: stands in for an MCP server on a client's stdio and relays its lines unchanged
// to and from the broker session for one server. Starts the broker when none answers. When the
// broker goes away, answers what the client was waiting for with an error, reconnects (starting
// a broker again), replays the client's handshake and carries on.
class Shim final : public QObject
{
    Q_OBJECT

public:
    Shim(QString socketPath, QString serverName, QObject *parent = nullptr);
    ~Shim() override;

    void start();

signals:
    void finished(int exitCode);

private:
    void onWelcomed(QLocalSocket *socket, const QByteArray &rest, qint64 brokerPid, qint64 session);
    void onConnectFailed(const QString &message);
    // The broker closed this shim's session on purpose: answer what is open, say why, exit 1.
    void onClosedByBroker(const QString &reason);
    void onBrokerReadyRead();
    void onBrokerGone();
    void onStdinData(const QByteArray &chunk);
    void onStdinClosed();
    void fromClient(QByteArrayView data);
    void fromBroker(QByteArrayView data);
    void replayHandshake();
    void onReplayAnswered(const QByteArray &answer);
    void answerUnanswered(const QString &message);
    void refuse(const QString &message);
    void answerInitializeWithError();
    void writeStdout(QByteArrayView data);
    void finish(int exitCode);

    QString m_socketPath;
    QString m_serverName;
    BrokerConnector *m_connector = nullptr;
    QLocalSocket *m_socket = nullptr; // the welcomed connection; null while (re)connecting
    ClientStdio *m_stdio = nullptr;
    LineSplitter m_toBroker;
    LineSplitter m_toClient;
    RequestTracker m_tracker;
    QByteArray m_pendingInput; // whole client lines waiting for the broker's welcome
    bool m_everWelcomed = false;
    bool m_stdinClosed = false;
    bool m_finished = false;
    int m_reconnects = 0;
    QString m_refusal; // never welcomed: we can only answer initialize with an error
    manifold::LineBuffer m_refusalLines{16 * 1024 * 1024};
};
