#pragma once

#include "http/httpconnection.h"
#include "http/originpolicy.h"
#include "http/tokenstore.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QPointer>

class QTcpServer;
class QTcpSocket;

namespace manifold {
class Broker;
struct Hello;
}

namespace manifold::http {

class StreamableSession;
class LegacySseSession;

// The HTTP front door: every server of the broker at http://ADDRESS:PORT/mcp/NAME (MCP
// Streamable HTTP), each HTTP session a broker session sharing the server's child. Every request
// is checked in this order, before its body is read: Host and Origin (403), path and method
// (404/405), bearer token (401), the server's name (404), content type and Accept (415/406),
// size (413); then the session (400/404).
class FrontDoor final : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QHostAddress address = QHostAddress::LocalHost;
        quint16 port = 0;            // 0: any free port (tests)
        bool requireToken = true;    // false: loopback only, every local user reaches the servers
        QString tlsCertificate;      // PEM chain: serve HTTPS (QSslServer) with it and tlsKey
        QString tlsKey;
        bool behindProxy = false;    // plain HTTP beyond loopback: the user's proxy does TLS
        QStringList hosts;           // other names clients reach it by (any port)
        int setupTimeoutMs = 60000;  // from initialize to notifications/initialized
        int maxConnections = 0;      // 0: half the process's open-file limit (connectionCap)
    };

    static constexpr int ListenBacklog = 4096;   // the kernel takes at most net.core.somaxconn

    FrontDoor(Broker *broker, TokenStore *tokens, Options options, QObject *parent = nullptr);
    ~FrontDoor() override;

    bool listen(QString *error);
    quint16 port() const;
    bool usesTls() const { return !m_options.tlsCertificate.isEmpty(); }
    int sessionCount() const { return int(m_sessions.size()); }

private:
    void onNewConnection();
    bool checkAddress(QString *error) const;
    QTcpServer *makeServer(QString *error);
    OriginPolicy policyFor(quint16 port) const;
    void setUpConnection(QTcpSocket *socket);
    static int connectionCap();
    void onHead(HttpConnection *connection, const Request &request);
    void onRequest(HttpConnection *connection, const Request &request);
    void refuse(HttpConnection *connection, int status, const QByteArray &message, const Headers &extra = {});
    StreamableSession *sessionOf(const Request &request, const QString &tokenName) const;
    QString tokenNameOf(const Request &request);
    enum class Route { None, Streamable, LegacyStream, LegacyMessages };
    // /mcp/NAME (Streamable HTTP), /sse/NAME and /messages/NAME (HTTP+SSE); NAME in *server.
    static Route routeOf(const Request &request, QString *server);
    void openLegacy(HttpConnection *connection, const QString &server, const QString &tokenName);
    void postLegacy(HttpConnection *connection, const Request &request, const QString &tokenName);
    static Hello helloFor(const QString &transport, const QString &server, const QString &tokenName,
                          const HttpConnection *connection);
    qint64 maxQueuedBytesOf(const QString &server) const;
    StreamableSession *openSession(const QString &server, const QString &tokenName, HttpConnection *connection);

    Broker *m_broker;
    TokenStore *m_tokens;
    Options m_options;
    QTcpServer *m_server = nullptr;   // a QSslServer with TLS
    OriginPolicy m_policy;
    QHash<QByteArray, QPointer<StreamableSession>> m_sessions;   // by Mcp-Session-Id
    QHash<QByteArray, QPointer<LegacySseSession>> m_legacy;      // by sessionId= of their endpoint
    int m_connections = 0;
    int m_connectionCap;
    bool m_warnedAboutCap = false;
};

} // namespace manifold::http
