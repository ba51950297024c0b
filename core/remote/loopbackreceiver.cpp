#include "loopbackreceiver.h"

#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>

#include <memory>

#include "http/httprequest.h"
#include "oauthlogging.h"
#include "oauthmetadata.h"
#include "oauthpkce.h"

namespace manifold::remote {

namespace {

QString queryValue(const QUrlQuery &query, const QString &name)
{
    return query.queryItemValue(name, QUrl::FullyDecoded);
}

QString htmlEscaped(const QString &text)
{
    return text.toHtmlEscaped();
}

} // namespace

LoopbackReceiver::LoopbackReceiver(const QString &serverName, const QByteArray &expectedState,
                                   const QString &expectedIssuer, bool requireIssuer,
                                   QObject *parent)
    : QObject(parent), m_serverName(serverName), m_state(expectedState), m_issuer(expectedIssuer),
      m_requireIssuer(requireIssuer), m_server(new QTcpServer(this)), m_timeout(new QTimer(this))
{
    m_timeout->setSingleShot(true);
    connect(m_timeout, &QTimer::timeout, this, [this]() {
        finishWith(QString(),
                   QStringLiteral("the sign-in to %1 timed out in the browser").arg(m_serverName));
    });
    connect(m_server, &QTcpServer::newConnection, this, &LoopbackReceiver::onNewConnection);
}

LoopbackReceiver::~LoopbackReceiver() = default;

bool LoopbackReceiver::listen(QString *error, int timeoutMs)
{
    // RFC 8252 §8.3: the literal loopback address, never any interface.
    if (!m_server->listen(QHostAddress(QHostAddress::LocalHost), 0)) {
        *error = QStringLiteral("cannot listen for the sign-in redirect on 127.0.0.1: %1")
                     .arg(m_server->errorString());
        return false;
    }
    m_timeout->start(timeoutMs);
    return true;
}

quint16 LoopbackReceiver::port() const
{
    return m_server->serverPort();
}

QString LoopbackReceiver::redirectUri() const
{
    return QStringLiteral("http://127.0.0.1:%1/callback").arg(port());
}

bool LoopbackReceiver::isListening() const
{
    return m_server->isListening();
}

void LoopbackReceiver::close()
{
    m_done = true;
    m_timeout->stop();
    m_server->close();
}

void LoopbackReceiver::onNewConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        socket->setParent(this);
        m_parsers.insert(socket, std::make_shared<http::RequestParser>());
        connect(socket, &QTcpSocket::readyRead, this, [this, socket]() { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket]() {
            m_parsers.remove(socket);
            socket->deleteLater();
        });
    }
}

void LoopbackReceiver::onReadyRead(QTcpSocket *socket)
{
    const std::shared_ptr<http::RequestParser> holder = m_parsers.value(socket);
    if (!holder)
        return;
    http::RequestParser &parser = *holder;
    parser.append(socket->readAll());
    for (;;) {
        const http::RequestParser::Step step = parser.next();
        switch (step.kind) {
        case http::RequestParser::Step::Kind::NeedMore:
            return;
        case http::RequestParser::Step::Kind::Head:
            continue;
        case http::RequestParser::Step::Kind::Error:
            answer(socket, step.status, QStringLiteral("Bad request"),
                   QString::fromUtf8(step.message));
            m_parsers.remove(socket);
            return;
        case http::RequestParser::Step::Kind::Complete: {
            const http::Request request = parser.takeRequest();
            handle(socket, request.method, request.path, request.query);
            m_parsers.remove(socket); // one request per connection: the answer closes it
            return;
        }
        }
    }
}

void LoopbackReceiver::handle(QTcpSocket *socket, const QByteArray &method, const QByteArray &path,
                              const QByteArray &query)
{
    if (path != "/callback") {
        answer(socket, 404, QStringLiteral("Not found"), QStringLiteral("Nothing here."));
        return;
    }
    if (method != "GET") {
        answer(socket, 405, QStringLiteral("Method not allowed"), QStringLiteral("Only GET."));
        return;
    }
    if (m_done) {
        answer(socket, 410, QStringLiteral("Sign-in over"),
               QStringLiteral("This sign-in to %1 is already over; you can close this tab.")
                   .arg(m_serverName));
        return;
    }
    // A form-encoded '+' is a space; QUrlQuery would keep it.
    QByteArray encoded = query;
    encoded.replace('+', "%20");
    const QUrlQuery items(QString::fromLatin1(encoded));
    const QString state = queryValue(items, QStringLiteral("state"));
    if (!OAuthPkce::sameState(m_state, state.toLatin1())) {
        const QString message =
            QStringLiteral("the sign-in redirect to %1 carried a state that is not ours; "
                           "nothing was accepted")
                .arg(m_serverName);
        answer(socket, 400, QStringLiteral("Sign-in failed"), message);
        finishWith(QString(), message);
        return;
    }
    const QString error = queryValue(items, QStringLiteral("error"));
    if (!error.isEmpty()) {
        const QString description = queryValue(items, QStringLiteral("error_description"));
        const QString message =
            QStringLiteral("the sign-in to %1 failed: %2%3")
                .arg(m_serverName, error,
                     description.isEmpty() ? QString()
                                           : QStringLiteral(" (") + description + QLatin1Char(')'));
        answer(socket, 200, QStringLiteral("Sign-in failed"), message);
        finishWith(QString(), message);
        return;
    }
    const bool hasIssuer = items.hasQueryItem(QStringLiteral("iss"));
    const QString issuer = queryValue(items, QStringLiteral("iss"));
    if ((hasIssuer || m_requireIssuer) && !sameIssuer(issuer, m_issuer)) {
        const QString message =
            QStringLiteral("the sign-in redirect to %1 came from issuer \"%2\", not %3")
                .arg(m_serverName, issuer, m_issuer);
        answer(socket, 400, QStringLiteral("Sign-in failed"), message);
        finishWith(QString(), message);
        return;
    }
    const QString code = queryValue(items, QStringLiteral("code"));
    if (code.isEmpty()) {
        const QString message =
            QStringLiteral("the sign-in redirect to %1 had no code").arg(m_serverName);
        answer(socket, 400, QStringLiteral("Sign-in failed"), message);
        finishWith(QString(), message);
        return;
    }
    answer(socket, 200, QStringLiteral("Signed in"),
           QStringLiteral("Signed in to %1 — you can close this tab.").arg(m_serverName));
    finishWith(code, QString());
}

void LoopbackReceiver::answer(QTcpSocket *socket, int status, const QString &title,
                              const QString &text)
{
    const QByteArray body =
        QStringLiteral("<!doctype html><html><head><meta charset=\"utf-8\"><title>%1</title>"
                       "</head><body><h1>%1</h1><p>%2</p></body></html>\n")
            .arg(htmlEscaped(title), htmlEscaped(text))
            .toUtf8();
    const char *reason = status == 200   ? "OK"
                         : status == 404 ? "Not Found"
                         : status == 405 ? "Method Not Allowed"
                         : status == 410 ? "Gone"
                                         : "Bad Request";
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason + "\r\n";
    head += "Content-Type: text/html; charset=utf-8\r\n";
    head += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    head += "Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n";
    socket->write(head + body);
    socket->disconnectFromHost();
}

void LoopbackReceiver::finishWith(const QString &code, const QString &error)
{
    if (m_done)
        return;
    close();
    if (error.isEmpty()) {
        qCInfo(lcOAuth) << "sign-in redirect received for" << m_serverName;
        emit codeReceived(code);
    } else {
        qCWarning(lcOAuth).noquote() << error;
        emit failed(error);
    }
}

} // namespace manifold::remote
