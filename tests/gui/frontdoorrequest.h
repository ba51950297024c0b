#pragma once

// Raw requests to the broker's HTTP front door for the tray tests, as an HTTP client sends them.
#include <QByteArray>
#include <QHostAddress>
#include <QString>
#include <QTcpSocket>
#include <QTest>

namespace frontdoorrequest {

// One HTTP request to the broker's front door; the raw response once complete (Content-Length,
// the last chunk of a stream, or the connection closed).
inline QByteArray exchange(quint16 port, const QByteArray &request)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    QByteArray response;
    QObject::connect(&socket, &QTcpSocket::readyRead, [&] { response += socket.readAll(); });
    socket.write(request);
    const bool complete = QTest::qWaitFor(
        [&] {
            const qsizetype headEnd = response.indexOf("\r\n\r\n");
            if (headEnd < 0)
                return socket.state() == QAbstractSocket::UnconnectedState;
            const QByteArray head = response.left(headEnd).toLower();
            if (head.contains("transfer-encoding: chunked"))
                return response.endsWith("\r\n0\r\n\r\n");   // a POST's stream: its last chunk
            const qsizetype at = head.indexOf("content-length: ");
            if (at < 0)
                return socket.state() == QAbstractSocket::UnconnectedState;
            return response.size() - headEnd - 4 >=
                   head.mid(at + 16).split('\r').first().toLongLong();
        },
        10000);
    return complete ? response : response + "\n[timed out]";
}

// initialize as clientName, or with a session id, tools/list in that session; to /mcp/server.
inline QByteArray mcpRequest(quint16 port, const QString &server, const QString &secret,
                             const QByteArray &sessionId = {},
                             const QByteArray &clientName = "gui-http-client")
{
    const QByteArray body =
        sessionId.isEmpty()
            ? R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":")" +
                  clientName + R"(","version":"1"}}})"
            : QByteArray(R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})");
    QByteArray request =
        "POST /mcp/" + server.toUtf8() +
        " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) +
        "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
        "Authorization: Bearer " +
        secret.toLatin1() + "\r\n";
    if (!sessionId.isEmpty())
        request += "Mcp-Session-Id: " + sessionId + "\r\nMCP-Protocol-Version: 2025-11-25\r\n";
    return request + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

inline QByteArray headerOf(const QByteArray &response, const QByteArray &name)
{
    for (const QByteArray &line : response.left(response.indexOf("\r\n\r\n")).split('\n')) {
        if (line.toLower().startsWith(name.toLower() + ':'))
            return line.mid(name.size() + 1).trimmed();
    }
    return {};
}

} // namespace frontdoorrequest
