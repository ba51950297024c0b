#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QLocalSocket>

#include <functional>
#include <optional>
#include <QJsonArray>

// Plays a shim inside the test process: hello, then raw MCP lines, collecting what comes back.
class TestClient final
{
public:
    explicit TestClient(const QString &socketPath);

    // Sends the shim hello and waits for the broker's answer line. Returns that line.
    QByteArray hello(const QString &server, int timeoutMs = 5000);
    // hello + MCP initialize; true if the initialize got a result.
    bool connectAndInitialize(const QString &server, const QString &clientName = QStringLiteral("test"));

    // Sends initialize (without waiting) as a 2025-06-18 client named clientName.
    void sendInitialize(const QJsonValue &id, const QString &clientName = QStringLiteral("test"));

    // The working directory its hello reports (as the shim's would); none if empty.
    void setCwd(const QString &cwd) { m_cwd = cwd; }
    // From now on it declares the roots capability in initialize and answers every roots/list
    // with these roots, as a client with roots does.
    void answerRootsWith(const QJsonArray &roots);
    // Declares the roots capability but never answers roots/list (a client that hangs on it).
    void declareRootsWithoutAnswering() { m_declareRootsOnly = true; }
    void send(const QByteArray &line);
    void sendJson(const QJsonObject &message);
    QJsonObject request(const QJsonValue &id, const QString &method, const QJsonObject &params = {});

    // Waits for the first unconsumed line matching pred and removes it.
    std::optional<QJsonObject> waitFor(const std::function<bool(const QJsonObject &)> &pred,
                                       int timeoutMs = 10000);
    std::optional<QJsonObject> waitForResponse(const QJsonValue &id, int timeoutMs = 10000);
    QList<QJsonObject> received() const;   // everything parsed so far, consumed or not
    QList<QByteArray> rawLines() const { return m_rawLines; }
    bool waitForDisconnected(int timeoutMs = 5000);
    void close();
    QLocalSocket &socket() { return m_socket; }

private:
    void pump();

    QLocalSocket m_socket;
    QByteArray m_buffer;
    QList<QByteArray> m_rawLines;
    QList<QJsonObject> m_all;
    QList<QJsonObject> m_unconsumed;
    QString m_cwd;
    std::optional<QJsonArray> m_roots;
    bool m_declareRootsOnly = false;
};

// Runs the event loop until done() or the deadline. Unlike QTest::qWaitFor, which sleeps 10 ms
// between passes, it waits for events: the child's output (a pipe read at most 64 KiB a pass)
// flows at the broker's own speed, not the test's, and a wait can be timed to the millisecond.
bool waitUntil(const std::function<bool()> &done, int timeoutMs);

// Shorthand for a tools/call request object.
QJsonObject callTool(const QString &name, const QJsonObject &arguments, const QJsonValue &progressToken = {});
