#pragma once

#include <QLocalSocket>
#include <QObject>
#include <QTimer>

#include <memory>

class QLockFile;

// Reaches the broker for one shim: connects to the socket, starts the broker when none answers
// (one shim at a time, under a launch lock next to the socket), says hello and reads the answer.
// Used at startup and again whenever the broker went away. With the default socket it also
// looks at the other places the rendezvous rule can give this user before starting a broker.
class BrokerConnector final : public QObject
{
    Q_OBJECT

public:
    BrokerConnector(QString socketPath, QString serverName, QObject *parent = nullptr);
    ~BrokerConnector() override;

    // Starts an attempt with a fresh time budget (MaxWaitForBrokerMs).
    void start();
    // A reconnect: the hello names the session this shim had at that broker.
    void setResume(qint64 brokerPid, qint64 session)
    {
        m_resumeBrokerPid = brokerPid;
        m_resumeSession = session;
    }

signals:
    // The broker said welcome. The receiver owns socket from now on; rest holds the bytes that
    // followed the welcome line.
    void welcomed(QLocalSocket *socket, const QByteArray &rest, qint64 brokerPid, qint64 session);
    // The broker refused, or none answered in time.
    void failed(const QString &message);
    // The broker refused a reconnect: it had closed that session on purpose, for this reason.
    void closedByBroker(const QString &reason);

private:
    void tryConnect();
    void retryOrGiveUp(const QString &giveUpMessage);
    void onError(QLocalSocket::LocalSocketError error);
    void onConnected();
    void onReadyRead();
    void onGone();
    void fail(const QString &message);
    void stopAttempt();   // no more tries, the launch lock released
    void dropSocket();

    QStringList m_candidates;   // where to look, the socket to start a broker on first
    qsizetype m_candidate = 0;
    QString m_socketPath;       // the one being tried
    QString m_serverName;
    QLocalSocket *m_socket = nullptr;
    QByteArray m_replyBuffer;
    std::unique_ptr<QLockFile> m_launchLock;
    QTimer m_retryTimer;
    int m_attempts = 0;
    qint64 m_resumeBrokerPid = -1;
    qint64 m_resumeSession = -1;
    bool m_active = false;
    bool m_launched = false;
};
