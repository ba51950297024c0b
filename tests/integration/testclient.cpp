#include "testclient.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QTest>
#include <QTimer>

TestClient::TestClient(const QString &socketPath)
{
    m_socket.connectToServer(socketPath);
    QObject::connect(&m_socket, &QLocalSocket::readyRead, [this] { pump(); });
}

QByteArray TestClient::hello(const QString &server, int timeoutMs)
{
    if (m_socket.state() != QLocalSocket::ConnectedState)
        (void)QTest::qWaitFor([this] { return m_socket.state() == QLocalSocket::ConnectedState; }, timeoutMs);
    QJsonObject hello{{QStringLiteral("manifold"), QStringLiteral("hello")},
                           {QStringLiteral("version"), 1},
                           {QStringLiteral("role"), QStringLiteral("shim")},
                           {QStringLiteral("server"), server},
                           {QStringLiteral("pid"), QCoreApplication::applicationPid()}};
    if (!m_cwd.isEmpty())
        hello.insert(QStringLiteral("cwd"), m_cwd);
    sendJson(hello);
    const auto reply = waitFor([](const QJsonObject &o) { return o.contains(QStringLiteral("manifold")); }, timeoutMs);
    return reply ? QJsonDocument(*reply).toJson(QJsonDocument::Compact) : QByteArray();
}

bool TestClient::connectAndInitialize(const QString &server, const QString &clientName)
{
    if (!hello(server).contains("welcome"))
        return false;
    sendInitialize(QStringLiteral("init"), clientName);
    const auto response = waitForResponse(QStringLiteral("init"));
    if (!response || !response->contains(QStringLiteral("result")))
        return false;
    sendJson({{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("method"), QStringLiteral("notifications/initialized")}});
    return true;
}

void TestClient::sendInitialize(const QJsonValue &id, const QString &clientName)
{
    QJsonObject capabilities;
    if (m_roots || m_declareRootsOnly)
        capabilities.insert(QStringLiteral("roots"), QJsonObject{{QStringLiteral("listChanged"), true}});
    const QJsonObject params{{QStringLiteral("protocolVersion"), QStringLiteral("2025-06-18")},
                             {QStringLiteral("capabilities"), capabilities},
                             {QStringLiteral("clientInfo"),
                              QJsonObject{{QStringLiteral("name"), clientName}, {QStringLiteral("version"), QStringLiteral("1.0")}}}};
    sendJson(request(id, QStringLiteral("initialize"), params));
}

void TestClient::answerRootsWith(const QJsonArray &roots)
{
    m_roots = roots;
}

void TestClient::send(const QByteArray &line)
{
    m_socket.write(line);
    m_socket.write("\n");
    m_socket.flush();
}

void TestClient::sendJson(const QJsonObject &message)
{
    send(QJsonDocument(message).toJson(QJsonDocument::Compact));
}

QJsonObject TestClient::request(const QJsonValue &id, const QString &method, const QJsonObject &params)
{
    QJsonObject message{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                        {QStringLiteral("id"), id},
                        {QStringLiteral("method"), method}};
    if (!params.isEmpty())
        message.insert(QStringLiteral("params"), params);
    return message;
}

std::optional<QJsonObject> TestClient::waitFor(const std::function<bool(const QJsonObject &)> &pred, int timeoutMs)
{
    std::optional<QJsonObject> found;
    auto take = [&] {
        for (qsizetype i = 0; i < m_unconsumed.size(); ++i) {
            if (pred(m_unconsumed[i])) {
                found = m_unconsumed.takeAt(i);
                return true;
            }
        }
        return false;
    };
    if (take())
        return found;
    (void)QTest::qWaitFor(take, timeoutMs);
    return found;
}

std::optional<QJsonObject> TestClient::waitForResponse(const QJsonValue &id, int timeoutMs)
{
    return waitFor(
        [&](const QJsonObject &o) {
            return o.value(QStringLiteral("id")) == id && !o.contains(QStringLiteral("method")) &&
                   (o.contains(QStringLiteral("result")) || o.contains(QStringLiteral("error")));
        },
        timeoutMs);
}

QList<QJsonObject> TestClient::received() const
{
    return m_all;
}

bool TestClient::waitForDisconnected(int timeoutMs)
{
    return QTest::qWaitFor([this] { return m_socket.state() == QLocalSocket::UnconnectedState; }, timeoutMs);
}

void TestClient::close()
{
    m_socket.disconnectFromServer();
}

void TestClient::pump()
{
    m_buffer += m_socket.readAll();
    qsizetype newline;
    while ((newline = m_buffer.indexOf('\n')) >= 0) {
        const QByteArray line = m_buffer.left(newline);
        m_buffer.remove(0, newline + 1);
        m_rawLines.append(line);
        const QJsonObject object = QJsonDocument::fromJson(line).object();
        if (m_roots && object.value(QStringLiteral("method")) == QStringLiteral("roots/list") &&
            object.contains(QStringLiteral("id"))) {
            sendJson({{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                      {QStringLiteral("id"), object.value(QStringLiteral("id"))},
                      {QStringLiteral("result"), QJsonObject{{QStringLiteral("roots"), *m_roots}}}});
        }
        m_all.append(object);
        m_unconsumed.append(object);
    }
}

QJsonObject callTool(const QString &name, const QJsonObject &arguments, const QJsonValue &progressToken)
{
    QJsonObject params{{QStringLiteral("name"), name}, {QStringLiteral("arguments"), arguments}};
    if (!progressToken.isUndefined() && !progressToken.isNull())
        params.insert(QStringLiteral("_meta"), QJsonObject{{QStringLiteral("progressToken"), progressToken}});
    return params;
}

bool waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    QTimer wake;   // processEvents(WaitForMoreEvents) returns at least this often
    wake.start(20);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}
