#pragma once

#include "jsonrpc/linebuffer.h"

#include <QByteArray>
#include <QObject>
#include <QTimer>

#include <memory>

class QLocalSocket;
class QLockFile;
class QSocketNotifier;

// manifold-shim: stands in for an MCP server on a client's stdio and relays bytes unchanged to
// and from the broker session for one server. Starts the broker when none answers.
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
    void tryConnect();
    void retryOrGiveUp(const QString &giveUpMessage);
    void onConnected();
    void onSocketReadyRead();
    void onStdinReadable();
    void onStdinClosed();
    void onSocketGone();
    void refuse(const QString &message);
    void answerInitializeWithError();
    void writeStdout(const char *data, qsizetype size);

    QString m_socketPath;
    QString m_serverName;
    QLocalSocket *m_socket = nullptr;
    QSocketNotifier *m_stdin = nullptr;
    QByteArray m_pendingInput;       // client bytes that arrived before the broker said welcome
    QByteArray m_helloReplyBuffer;
    bool m_welcomed = false;
    bool m_launched = false;
    bool m_stdinClosed = false;
    QString m_refusal;               // set when we can only answer initialize with an error
    manifold::LineBuffer m_refusalLines{16 * 1024 * 1024};
    std::unique_ptr<QLockFile> m_launchLock;
    QTimer m_retryTimer;
    int m_attempts = 0;
};
