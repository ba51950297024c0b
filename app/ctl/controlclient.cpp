#include "controlclient.h"

#include "control/hello.h"
#include "manifold/version.h"
#include "platform/peercredentials.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QJsonDocument>

#include <cstdio>

namespace {
constexpr int TimeoutMs = 15000;
}

bool ControlClient::connectToBroker(QString *error)
{
    m_socket.connectToServer(m_socketPath);
    if (!m_socket.waitForConnected(3000)) {
        *error = QStringLiteral("no Manifold broker answers at %1 (%2). Start one with `manifold --headless`.")
                     .arg(m_socketPath, m_socket.errorString());
        return false;
    }
    const auto peer = manifold::platform::peerCredentials(m_socket.socketDescriptor());
    if (peer && peer->uid != manifold::platform::currentUid()) {
        *error = QStringLiteral("the socket %1 belongs to another user (uid %2); refusing to use it")
                     .arg(m_socketPath)
                     .arg(peer->uid);
        return false;
    }
    manifold::Hello hello;
    hello.role = QStringLiteral("control");
    hello.pid = QCoreApplication::applicationPid();
    hello.peerVersion = QString::fromLatin1(manifold::versionString());
    m_socket.write(hello.toLine() + '\n');
    QByteArray line;
    if (!readLine(&line, TimeoutMs)) {
        *error = QStringLiteral("the broker did not answer the hello");
        return false;
    }
    const auto reply = manifold::HelloReply::fromLine(line);
    if (!reply || !reply->accepted) {
        *error = reply ? reply->error : QStringLiteral("unexpected answer from the broker");
        return false;
    }
    if (reply->brokerVersion != QLatin1String(manifold::versionString())) {
        std::fprintf(stderr,
                     "manifoldctl: note: the running broker is Manifold %s, this manifoldctl is %s; "
                     "restart Manifold to finish the upgrade\n",
                     qPrintable(reply->brokerVersion), manifold::versionString());
    }
    return true;
}

bool ControlClient::call(const QString &method, const QJsonObject &params, QJsonObject *result, QString *error,
                         int timeoutMs)
{
    const int id = m_nextId++;
    const QJsonObject request{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                              {QStringLiteral("id"), id},
                              {QStringLiteral("method"), method},
                              {QStringLiteral("params"), params}};
    m_socket.write(QJsonDocument(request).toJson(QJsonDocument::Compact) + '\n');
    QByteArray line;
    if (!readLine(&line, timeoutMs)) {
        *error = QStringLiteral("no answer from the broker");
        return false;
    }
    const QJsonObject response = QJsonDocument::fromJson(line).object();
    if (response.contains(QStringLiteral("error"))) {
        *error = response.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
        return false;
    }
    *result = response.value(QStringLiteral("result")).toObject();
    return true;
}

bool ControlClient::readLine(QByteArray *line, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        const qsizetype newline = m_buffer.indexOf('\n');
        if (newline >= 0) {
            *line = m_buffer.left(newline);
            m_buffer.remove(0, newline + 1);
            return true;
        }
        if (m_socket.state() != QLocalSocket::ConnectedState && m_socket.bytesAvailable() == 0)
            return false;
        if (!m_socket.waitForReadyRead(int(deadline.remainingTime())) && m_socket.bytesAvailable() == 0)
            return false;
        m_buffer += m_socket.readAll();
    }
}
