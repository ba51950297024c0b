#include "frontdoor.h"

#include "broker/broker.h"
#include "broker/servergroup.h"
#include "http/legacysession.h"
#include "http/streamablesession.h"
#include "jsonrpc/jsonrpc.h"

#include <QFile>
#include <QHostInfo>
#include <QLoggingCategory>
#include <QNetworkInterface>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>

#include <algorithm>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

Q_LOGGING_CATEGORY(lcHttp, "manifold.http")

namespace manifold::http {

namespace {

const QByteArray JsonType = "application/json";

bool accepts(const Request &request, QByteArrayView type)
{
    return request.header("accept").contains(type) || request.header("accept").contains("*/*");
}

QByteArray mediaType(const Request &request)
{
    return request.header("content-type").split(';').constFirst().trimmed().toLower();
}

QByteArray newSessionId()
{
    return TokenStore::randomBytes(16).toHex();
}

} // namespace

FrontDoor::FrontDoor(Broker *broker, TokenStore *tokens, Options options, QObject *parent)
    : QObject(parent), m_broker(broker), m_tokens(tokens), m_options(std::move(options)),
      m_policy(OriginPolicy::loopback(0)), m_connectionCap(m_options.maxConnections > 0 ? m_options.maxConnections : connectionCap())
{
}

FrontDoor::~FrontDoor() = default;

bool FrontDoor::checkAddress(QString *error) const
{
    const QHostAddress &address = m_options.address;
    if (address.isNull()) {
        *error = QStringLiteral("'%1' is not an IP address").arg(address.toString());
        return false;
    }
    if (address.isLoopback())
        return true;
    if (!m_options.requireToken) {
        *error = QStringLiteral("requests without a token are accepted on loopback addresses only (%1 is not one)")
                     .arg(address.toString());
        return false;
    }
    if (!usesTls() && !m_options.behindProxy) {
        // Plain HTTP beyond this machine would carry the tokens in clear.
        *error = QStringLiteral("%1 is not a loopback address: give it a TLS certificate and key (--tls-cert, "
                                "--tls-key), or confirm that your reverse proxy in front of it does TLS (--behind-proxy)")
                     .arg(address.toString());
        return false;
    }
    return true;
}

QTcpServer *FrontDoor::makeServer(QString *error)
{
    if (!usesTls())
        return new QTcpServer(this);
    if (!QSslSocket::supportsSsl()) {
        *error = QStringLiteral("TLS is not available here (no TLS backend for Qt: %1)").arg(QSslSocket::activeBackend());
        return nullptr;
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(m_options.tlsCertificate, QSsl::Pem);
    if (chain.isEmpty()) {
        *error = QStringLiteral("no PEM certificate in %1").arg(m_options.tlsCertificate);
        return nullptr;
    }
    QFile keyFile(m_options.tlsKey);
    if (!keyFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the TLS key %1: %2").arg(m_options.tlsKey, keyFile.errorString());
        return nullptr;
    }
    const QByteArray pem = keyFile.readAll();
    QSslKey key;
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        key = QSslKey(pem, algorithm, QSsl::Pem);
        if (!key.isNull())
            break;
    }
    if (key.isNull()) {
        *error = QStringLiteral("no unencrypted PEM private key (RSA, EC or DSA) in %1").arg(m_options.tlsKey);
        return nullptr;
    }
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);   // clients prove themselves by token
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    auto *server = new QSslServer(this);
    server->setSslConfiguration(configuration);
    server->setHandshakeTimeout(HttpConnection::HeadTimeoutMs);
    connect(server, &QSslServer::errorOccurred, this, [](QSslSocket *socket, QAbstractSocket::SocketError) {
        qCInfo(lcHttp).noquote() << "TLS connection from" << socket->peerAddress().toString()
                                 << "failed:" << socket->errorString();
    });
    return server;
}

OriginPolicy FrontDoor::policyFor(quint16 port) const
{
    const QHostAddress &address = m_options.address;
    if (address.isLoopback())
        return OriginPolicy(OriginPolicy::loopbackNames(), port, m_options.hosts);
    QStringList names{address.toString().toLower()};
    if (address == QHostAddress::AnyIPv4 || address == QHostAddress::AnyIPv6 || address == QHostAddress::Any) {
        // Every address and the name of this machine reach a wildcard listener.
        names = OriginPolicy::loopbackNames();
        for (const QHostAddress &local : QNetworkInterface::allAddresses())
            names.append(local.protocol() == QAbstractSocket::IPv6Protocol ? QLatin1Char('[') + local.toString() + QLatin1Char(']')
                                                                           : local.toString());
        names.append(QHostInfo::localHostName().toLower());
    } else if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        names = {QLatin1Char('[') + address.toString().toLower() + QLatin1Char(']')};
    }
    return OriginPolicy(names, port, m_options.hosts);
}

bool FrontDoor::listen(QString *error)
{
    if (!checkAddress(error))
        return false;
    m_server = makeServer(error);
    if (!m_server)
        return false;
    // A QSslServer hands a connection over once its handshake is done.
    connect(m_server, &QTcpServer::pendingConnectionAvailable, this, &FrontDoor::onNewConnection);
    // A client may open hundreds of connections at once (one per request in flight): with Qt's
    // defaults (50 waiting in the kernel, 30 in Qt) the rest would be reset.
    m_server->setListenBacklogSize(ListenBacklog);
    m_server->setMaxPendingConnections(ListenBacklog);
    if (!m_server->listen(m_options.address, m_options.port)) {
        *error = m_server->serverError() == QAbstractSocket::AddressInUseError
                     ? QStringLiteral("port %1 on %2 is already in use by another program: choose another port "
                                      "(manifoldctl http enable --port N, or Preferences)")
                           .arg(m_options.port)
                           .arg(m_options.address.toString())
                     : QStringLiteral("cannot listen on %1:%2: %3")
                           .arg(m_options.address.toString())
                           .arg(m_options.port)
                           .arg(m_server->errorString());
        return false;
    }
    m_policy = policyFor(port());
    return true;
}

quint16 FrontDoor::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

void FrontDoor::onNewConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection())
        setUpConnection(socket);
}

// At most this many connections at once, half of what the process may have open: past it a new
// connection is told 503 and closed, so a flood of connections cannot take the file descriptors
// the broker needs for its children and its clients' sockets.
int FrontDoor::connectionCap()
{
    int cap = 4096;
#ifdef Q_OS_UNIX
    struct rlimit limit = {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        cap = int(std::min<rlim_t>(limit.rlim_cur / 2, 16384));
#endif
    return std::max(cap, 256);
}

void FrontDoor::setUpConnection(QTcpSocket *socket)
{
    if (m_connections >= m_connectionCap) {
        if (!std::exchange(m_warnedAboutCap, true))
            qCWarning(lcHttp) << "refusing connections: already" << m_connections << "open (the limit)";
        socket->write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\nConnection: close\r\n\r\n");
        socket->disconnectFromHost();
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        return;
    }
    ++m_connections;
    // The parser holds a body to the largest any server takes; onHead holds it to its server's.
    Limits limits;
    for (const QString &server : m_broker->serverNames())
        limits.maxBodyBytes = std::max<qint64>(limits.maxBodyBytes, m_broker->group(server)->config().maxLineBytes);
    auto *connection = new HttpConnection(socket, limits, this);
    connect(connection, &HttpConnection::headReceived, this,
            [this, connection](const Request &request) { onHead(connection, request); });
    connect(connection, &HttpConnection::requestReceived, this,
            [this, connection](const Request &request) { onRequest(connection, request); });
    connect(connection, &HttpConnection::closed, connection, &QObject::deleteLater);
    connect(connection, &QObject::destroyed, this, [this] {
        if (--m_connections < m_connectionCap)
            m_warnedAboutCap = false;
    });
}

void FrontDoor::refuse(HttpConnection *connection, int status, const QByteArray &message, const Headers &extra)
{
    Headers headers = extra;
    headers.emplaceBack("Content-Type", JsonType);
    // Who knocked with a wrong token, Host or Origin is worth a line in the log.
    if (status == 401 || status == 403)
        qCWarning(lcHttp).noquote() << "refused a request from" << connection->peer() << "with" << status << message;
    connection->respond(status, headers, jsonrpc::makeError("null", jsonrpc::ServerError, message));
}

FrontDoor::Route FrontDoor::routeOf(const Request &request, QString *server)
{
    static const std::pair<QByteArrayView, Route> prefixes[] = {
        {"/mcp/", Route::Streamable}, {"/sse/", Route::LegacyStream}, {"/messages/", Route::LegacyMessages}};
    for (const auto &[prefix, route] : prefixes) {
        if (!request.path.startsWith(prefix))
            continue;
        const QByteArray name = request.path.mid(prefix.size());
        if (name.isEmpty() || name.contains('/'))
            return Route::None;
        *server = QString::fromUtf8(QByteArray::fromPercentEncoding(name));
        return route;
    }
    return Route::None;
}

QString FrontDoor::tokenNameOf(const Request &request)
{
    if (!m_options.requireToken)
        return QStringLiteral("no token");
    return m_tokens->verify(TokenStore::bearerSecret(request.header("authorization")));
}

void FrontDoor::onHead(HttpConnection *connection, const Request &request)
{
    switch (m_policy.check(request.header("host"), request.header("origin"))) {
    case OriginPolicy::Verdict::BadHost:
        return refuse(connection, 403, "Forbidden: Host '" + request.header("host") + "' is not this server");
    case OriginPolicy::Verdict::BadOrigin:
        return refuse(connection, 403, "Forbidden: Origin '" + request.header("origin") + "' may not use this server");
    case OriginPolicy::Verdict::Allowed:
        break;
    }
    QString server;
    const Route route = routeOf(request, &server);
    if (route == Route::None)
        return refuse(connection, 404, "Not found: servers are at /mcp/NAME (and /sse/NAME for HTTP+SSE clients)");
    if (route == Route::LegacyStream && request.method != "GET")
        return refuse(connection, 405, "Method not allowed", {{"Allow", "GET"}});
    if (route == Route::LegacyMessages && request.method != "POST")
        return refuse(connection, 405, "Method not allowed", {{"Allow", "POST"}});
    if (request.method != "POST" && request.method != "GET" && request.method != "DELETE")
        return refuse(connection, 405, "Method not allowed", {{"Allow", "GET, POST, DELETE"}});
    if (tokenNameOf(request).isEmpty())
        return refuse(connection, 401,
                      "Unauthorized: send the token Manifold made for this client as 'Authorization: Bearer "
                      "mfd_...' (manifoldctl http token add NAME makes one)",
                      {{"WWW-Authenticate", "Bearer realm=\"manifold\""}});
    if (!m_broker->serverNames().contains(server))
        return refuse(connection, 404, "no server named '" + server.toUtf8() + "'; known: " +
                                           m_broker->serverNames().join(QStringLiteral(", ")).toUtf8());
    if (request.method == "POST") {
        if (mediaType(request) != JsonType)
            return refuse(connection, 415, "Unsupported Media Type: send application/json");
        if (route == Route::Streamable && (!accepts(request, JsonType) || !accepts(request, "text/event-stream")))
            return refuse(connection, 406, "Not Acceptable: accept both application/json and text/event-stream");
        const qint64 limit = m_broker->group(server)->config().maxLineBytes;
        if (request.contentLength() > limit)
            return refuse(connection, 413, "the message is larger than the server's maxLineBytes (" +
                                               QByteArray::number(limit) + ")");
    } else if (request.method == "GET" && !accepts(request, "text/event-stream")) {
        return refuse(connection, 406, "Not Acceptable: a GET stream is text/event-stream");
    }
    const QByteArray version = request.header("mcp-protocol-version");
    if (!version.isEmpty() && !Router::isKnownProtocolVersion(version))
        return refuse(connection, 400, "Bad Request: Unsupported protocol version: " + version);
}

StreamableSession *FrontDoor::sessionOf(const Request &request, const QString &tokenName) const
{
    StreamableSession *session = m_sessions.value(request.header("mcp-session-id")).data();
    // A session is only ever reachable with the token that opened it.
    return session && session->tokenName() == tokenName ? session : nullptr;
}

// Who an HTTP session is, in the shape of a shim's hello: the token's name and where it came from.
Hello FrontDoor::helloFor(const QString &transport, const QString &server, const QString &tokenName,
                          const HttpConnection *connection)
{
    Hello hello;
    hello.role = transport;
    hello.server = server;
    hello.parentExe = QStringLiteral("%1 via %2 from %3").arg(tokenName, transport, QString::fromLatin1(connection->peer()));
    return hello;
}

qint64 FrontDoor::maxQueuedBytesOf(const QString &server) const
{
    return m_broker->group(server)->config().effectiveMaxQueuedBytes(m_broker->defaultMaxQueuedBytes());
}

StreamableSession *FrontDoor::openSession(const QString &server, const QString &tokenName, HttpConnection *connection)
{
    auto *session = new StreamableSession(m_broker->nextSessionId(), helloFor(QStringLiteral("http"), server, tokenName, connection),
                                          maxQueuedBytesOf(server), newSessionId(), tokenName, m_options.setupTimeoutMs, m_broker);
    session->setRemoteAddress(QString::fromLatin1(connection->peer()));
    m_sessions.insert(session->mcpSessionId(), session);
    const QByteArray key = session->mcpSessionId();
    connect(session, &ClientSession::closed, this, [this, key] { m_sessions.remove(key); });
    m_broker->adoptSession(session);
    return session;
}

void FrontDoor::onRequest(HttpConnection *connection, const Request &request)
{
    QString server;
    const Route route = routeOf(request, &server);
    const QString tokenName = tokenNameOf(request);
    if (route == Route::LegacyStream)
        return openLegacy(connection, server, tokenName);
    if (route == Route::LegacyMessages)
        return postLegacy(connection, request, tokenName);
    const bool hasSessionId = request.hasHeader("mcp-session-id");
    StreamableSession *session = hasSessionId ? sessionOf(request, tokenName) : nullptr;
    if (hasSessionId && !session)
        return refuse(connection, 404, "Session not found: start a new one with initialize");
    if (request.method == "DELETE") {
        if (!session)
            return refuse(connection, 400, "Bad Request: Mcp-Session-Id header is required");
        session->close(QStringLiteral("the client ended the HTTP session"));
        return connection->respond(200, {});
    }
    if (request.method == "GET") {
        if (!session)
            return refuse(connection, 400, "Bad Request: Mcp-Session-Id header is required");
        return session->get(connection, request.header("last-event-id"));
    }
    const jsonrpc::Envelope envelope = jsonrpc::parseEnvelope(request.body);
    if (envelope.kind == jsonrpc::Envelope::Kind::NotJson)
        return connection->respond(400, {{"Content-Type", JsonType}},
                                   jsonrpc::makeError("null", jsonrpc::ParseError, "Parse error: not JSON"));
    if (!session) {
        if (envelope.method != "initialize" || !envelope.isRequest())
            return refuse(connection, 400, "Bad Request: Mcp-Session-Id header is required");
        session = openSession(server, tokenName, connection);
    } else if (envelope.method == "initialize") {
        return connection->respond(400, {{"Content-Type", JsonType}},
                                   jsonrpc::makeError("null", jsonrpc::InvalidRequest, "Server already initialized"));
    }
    session->post(connection, request.body);
}

void FrontDoor::openLegacy(HttpConnection *connection, const QString &server, const QString &tokenName)
{
    auto *session = new LegacySseSession(m_broker->nextSessionId(), helloFor(QStringLiteral("sse"), server, tokenName, connection),
                                         maxQueuedBytesOf(server), newSessionId(), tokenName, connection, m_broker);
    session->setRemoteAddress(QString::fromLatin1(connection->peer()));
    const QByteArray key = session->sessionId();
    m_legacy.insert(key, session);
    connect(session, &ClientSession::closed, this, [this, key] { m_legacy.remove(key); });
    m_broker->adoptSession(session);
}

void FrontDoor::postLegacy(HttpConnection *connection, const Request &request, const QString &tokenName)
{
    QByteArray sessionId;
    for (const QByteArray &pair : request.query.split('&')) {
        if (pair.startsWith("sessionId="))
            sessionId = pair.mid(10);
    }
    LegacySseSession *session = m_legacy.value(sessionId).data();
    if (!session || session->tokenName() != tokenName)
        return refuse(connection, 404, "Session not found: open a new stream at /sse/NAME");
    if (jsonrpc::parseEnvelope(request.body).kind == jsonrpc::Envelope::Kind::NotJson)
        return connection->respond(400, {{"Content-Type", JsonType}},
                                   jsonrpc::makeError("null", jsonrpc::ParseError, "Parse error: not JSON"));
    session->post(connection, request.body);
}

} // namespace manifold::http
