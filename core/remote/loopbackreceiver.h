#pragma once

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>

#include <memory>

class QTcpServer;
class QTcpSocket;
class QTimer;

namespace manifold::http {
class RequestParser;
}

namespace manifold::remote {

// The redirect end of one interactive sign-in (RFC 8252 §7.3): listens on 127.0.0.1 (never any
// other address) on a port of its own, takes one GET /callback, checks its state (and iss),
// answers the browser a small page, and closes. Other paths (favicon) get 404.
class LoopbackReceiver final : public QObject
{
    Q_OBJECT

public:
    static constexpr int DefaultTimeoutMs = 10 * 60 * 1000;

    // expectedIssuer is checked against `iss` when the redirect has one, or always when
    // requireIssuer (the server advertises authorization_response_iss_parameter_supported).
    LoopbackReceiver(const QString &serverName, const QByteArray &expectedState,
                     const QString &expectedIssuer, bool requireIssuer, QObject *parent = nullptr);
    ~LoopbackReceiver() override;

    // Starts listening on 127.0.0.1:0 and the timeout; false with error if it cannot.
    bool listen(QString *error, int timeoutMs = DefaultTimeoutMs);
    quint16 port() const;
    QString redirectUri() const; // http://127.0.0.1:<port>/callback
    bool isListening() const;
    void close();

signals:
    void codeReceived(const QString &code);
    void failed(const QString &message); // the AS's error, a state or iss mismatch, the timeout

private:
    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);
    void handle(QTcpSocket *socket, const QByteArray &method, const QByteArray &path,
                const QByteArray &query);
    void answer(QTcpSocket *socket, int status, const QString &title, const QString &text);
    void finishWith(const QString &code, const QString &error);

    QString m_serverName;
    QByteArray m_state;
    QString m_issuer;
    bool m_requireIssuer;
    QTcpServer *m_server;
    QTimer *m_timeout;
    QHash<QTcpSocket *, std::shared_ptr<http::RequestParser>> m_parsers;
    bool m_done = false;
};

} // namespace manifold::remote
