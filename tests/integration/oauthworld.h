#pragma once

// The OAuth test world for the sign-in tests (issue 15): tests/e2e/lib/oauth-world.mjs run by
// the pinned node 24 (oidc-provider + an SDK MCP server behind requireBearerAuth), and small
// HTTP helpers that wait on the event loop with deadlines.

#include <QByteArray>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>
#include <QTest>
#include <QUrl>

#include <memory>

namespace oauthtest {

struct HttpAnswer
{
    int status = 0;
    QByteArray body;
    QByteArray wwwAuthenticate;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

inline HttpAnswer send(const QByteArray &verb, const QUrl &url, const QByteArray &body = {},
                       const QList<QPair<QByteArray, QByteArray>> &headers = {})
{
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    for (const auto &header : headers)
        request.setRawHeader(header.first, header.second);
    QNetworkReply *reply = network.sendCustomRequest(request, verb, body);
    const bool finished = QTest::qWaitFor([reply]() { return reply->isFinished(); }, 20000);
    HttpAnswer answer;
    if (finished) {
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer.body = reply->readAll();
        answer.wwwAuthenticate = reply->rawHeader("WWW-Authenticate");
    }
    delete reply;
    return answer;
}

// An MCP initialize POST, with an Authorization header value if given.
inline HttpAnswer initialize(const QUrl &mcpUrl, const QByteArray &authorization)
{
    QList<QPair<QByteArray, QByteArray>> headers = {
        {"Content-Type", "application/json"},
        {"Accept", "application/json, text/event-stream"},
    };
    if (!authorization.isEmpty())
        headers.append({"Authorization", authorization});
    return send(
        "POST", mcpUrl,
        R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
        R"("capabilities":{},"clientInfo":{"name":"test_signin","version":"1"}}})",
        headers);
}

class World
{
public:
    World() = default;
    World(const World &) = delete;
    World &operator=(const World &) = delete;
    ~World() { stop(); }

    // Starts the world with flags (--access-ttl=5, --no-registration, ...) and extra environment
    // (NODE_EXTRA_CA_CERTS for --cimd); false with error.
    bool start(const QStringList &flags, QString *error,
               const QList<QPair<QString, QString>> &environment = {})
    {
        m_process = std::make_unique<QProcess>();
        QProcessEnvironment processEnvironment = QProcessEnvironment::systemEnvironment();
        for (const auto &variable : environment)
            processEnvironment.insert(variable.first, variable.second);
        m_process->setProcessEnvironment(processEnvironment);
        m_process->setProcessChannelMode(QProcess::SeparateChannels);
        m_process->setProgram(QStringLiteral(MANIFOLD_E2E_NODE));
        m_process->setArguments(QStringList{QStringLiteral(OAUTH_WORLD_SCRIPT)} + flags);
        m_process->start();
        QProcess *process = m_process.get();
        if (!QTest::qWaitFor(
                [process]() {
                    return process->canReadLine() || process->state() == QProcess::NotRunning;
                },
                30000) ||
            !process->canReadLine()) {
            *error = QStringLiteral("oauth-world did not start: %1")
                         .arg(QString::fromUtf8(process->readAllStandardError()));
            return false;
        }
        const QJsonObject ready = QJsonDocument::fromJson(process->readLine()).object();
        issuer = ready.value(QLatin1String("issuer")).toString();
        mcpUrl = QUrl(ready.value(QLatin1String("mcpUrl")).toString());
        controlUrl = ready.value(QLatin1String("controlUrl")).toString();
        clientMetadataUrl = QUrl(ready.value(QLatin1String("clientMetadataUrl")).toString());
        return mcpUrl.isValid() && !controlUrl.isEmpty();
    }

    void stop()
    {
        if (!m_process || m_process->state() == QProcess::NotRunning)
            return;
        send("POST", QUrl(controlUrl + QStringLiteral("/stop")));
        QProcess *process = m_process.get();
        if (!QTest::qWaitFor([process]() { return process->state() == QProcess::NotRunning; },
                             5000)) {
            process->kill(); // ours
            (void)QTest::qWaitFor([process]() { return process->state() == QProcess::NotRunning; },
                                  5000);
        }
    }

    QJsonObject counts() const
    {
        return send("GET", QUrl(controlUrl + QStringLiteral("/counts"))).json();
    }
    int tokenCount(const QString &grantType) const
    {
        return counts().value(QLatin1String("token")).toObject().value(grantType).toInt();
    }
    int tokenErrors(const QString &error) const
    {
        return counts().value(QLatin1String("tokenErrors")).toObject().value(error).toInt();
    }
    int count(const QString &name) const { return counts().value(name).toInt(); }
    bool revokeAll() const
    {
        return send("POST", QUrl(controlUrl + QStringLiteral("/revoke-all"))).status == 200;
    }
    // The AS's introspection of an access token ("Bearer " stripped): active, client_id, scope.
    QJsonObject introspect(const QByteArray &authorizationHeader) const
    {
        QByteArray token = authorizationHeader;
        if (token.startsWith("Bearer "))
            token = token.mid(7);
        return send("POST", QUrl(controlUrl + QStringLiteral("/introspect")), token).json();
    }

    QString issuer;
    QUrl mcpUrl;
    QString controlUrl;
    QUrl clientMetadataUrl; // with --cimd

private:
    std::unique_ptr<QProcess> m_process;
};

} // namespace oauthtest
