#pragma once

// Test helpers for the HTTP upstreams: the node fixture (tests/e2e/lib/remote-everything.mjs) as
// a QProcess, and a driver that records what an Upstream emits.

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QTcpServer>
#include <QTest>

#include <QDeadlineTimer>
#include <QUrl>

#include <functional>
#include <memory>

#include "broker/upstream.h"
#include "remote/streamablehttpupstream.h"

namespace manifold::testing {

class RemoteFixture final
{
public:
    // kind: everything-http | everything-sse | sdk; extra: e.g. {"--proxy"}.
    explicit RemoteFixture(const QString &kind, const QStringList &extra = {})
    {
        m_process.setProgram(QStringLiteral(MANIFOLD_TEST_NODE));
        m_process.setArguments(
            QStringList{QStringLiteral(MANIFOLD_E2E_DIR "/lib/remote-everything.mjs"), kind} +
            extra);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start();
        const QJsonObject ready = readReply(15000);
        m_url = QUrl(ready.value(QStringLiteral("url")).toString());
    }
    ~RemoteFixture()
    {
        m_process.closeWriteChannel();
        if (!m_process.waitForFinished(5000)) {
            m_process.kill();
            m_process.waitForFinished(2000);
        }
    }

    QUrl url() const { return m_url; }
    bool ok() const { return m_url.isValid() && !m_url.isEmpty(); }

    // Sends one command line and returns its one-line JSON answer.
    QJsonObject command(const QByteArray &line, int timeoutMs = 15000)
    {
        m_process.write(line + '\n');
        return readReply(timeoutMs);
    }

private:
    QJsonObject readReply(int timeoutMs)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!m_process.canReadLine() && !deadline.hasExpired() &&
               m_process.state() != QProcess::NotRunning)
            m_process.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
        if (!m_process.canReadLine())
            return {};
        return QJsonDocument::fromJson(m_process.readLine()).object();
    }

    QProcess m_process;
    QUrl m_url;
};

// Records an upstream's signals; sends JSON-RPC and waits for answers.
class UpstreamDriver final
{
public:
    struct Received
    {
        QByteArray message;
        QByteArray related;
        QJsonObject json;
    };

    explicit UpstreamDriver(Upstream *upstream) : m_upstream(upstream)
    {
        QObject::connect(upstream, &Upstream::started, [this] { ++startedCount; });
        QObject::connect(
            upstream, &Upstream::line,
            [this](const QByteArray &message, const QByteArray &related) {
                received.append({message, related, QJsonDocument::fromJson(message).object()});
            });
        QObject::connect(upstream, &Upstream::noted,
                         [this](const QString &text) { events.append(text); });
        QObject::connect(upstream, &Upstream::sessionLost, [this] { ++sessionLostCount; });
        QObject::connect(upstream, &Upstream::gone,
                         [this](const QString &description, Upstream::GoneKind kind) {
                             goneDescription = description;
                             goneKind = kind;
                             ++goneCount;
                         });
    }

    void request(int id, const QByteArray &method, const QByteArray &params = "{}")
    {
        m_upstream->send("{\"jsonrpc\":\"2.0\",\"id\":" + QByteArray::number(id) +
                         ",\"method\":\"" + method + "\",\"params\":" + params + "}");
    }
    void notify(const QByteArray &method, const QByteArray &params = "{}")
    {
        m_upstream->send("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":" + params +
                         "}");
    }
    void callTool(int id, const QByteArray &name, const QByteArray &arguments = "{}",
                  const QByteArray &meta = {})
    {
        request(id, "tools/call",
                "{\"name\":\"" + name + "\",\"arguments\":" + arguments +
                    (meta.isEmpty() ? "" : ",\"_meta\":" + meta) + "}");
    }

    int countResponses(int id) const
    {
        int count = 0;
        for (const Received &item : received) {
            if (!item.json.contains(QStringLiteral("method")) &&
                item.json.value(QStringLiteral("id")).toInt(-1) == id)
                ++count;
        }
        return count;
    }
    // The response with this id (waits for it), or an empty object.
    QJsonObject response(int id, int timeoutMs = 10000)
    {
        (void)QTest::qWaitFor([&] { return countResponses(id) > 0 || goneCount > 0; }, timeoutMs);
        for (const Received &item : received) {
            if (!item.json.contains(QStringLiteral("method")) &&
                item.json.value(QStringLiteral("id")).toInt(-1) == id)
                return item.json;
        }
        return {};
    }
    const Received *find(const std::function<bool(const Received &)> &match) const
    {
        for (const Received &item : received) {
            if (match(item))
                return &item;
        }
        return nullptr;
    }

    // initialize (with sampling) + notifications/initialized; the initialize result.
    QJsonObject initialize(int id = 0)
    {
        request(id, "initialize",
                "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"sampling\":{}},"
                "\"clientInfo\":{\"name\":\"test_remote_http\",\"version\":\"1\"}}");
        const QJsonObject answer = response(id, 15000);
        if (answer.contains(QStringLiteral("result")))
            notify("notifications/initialized");
        return answer;
    }

    static QString toolText(const QJsonObject &answer)
    {
        return answer.value(QStringLiteral("result"))
            .toObject()
            .value(QStringLiteral("content"))
            .toArray()
            .at(0)
            .toObject()
            .value(QStringLiteral("text"))
            .toString();
    }

    QList<Received> received;
    QStringList events;
    int startedCount = 0;
    int sessionLostCount = 0;
    int goneCount = 0;
    QString goneDescription;
    Upstream::GoneKind goneKind = Upstream::GoneKind::Stopped;

private:
    Upstream *m_upstream;
};

inline std::unique_ptr<remote::StreamableHttpUpstream>
makeHttp(const QUrl &url, AuthGate *gate = nullptr,
         remote::StreamableHttpUpstream::Options options = {})
{
    return std::make_unique<remote::StreamableHttpUpstream>(
        url, QMap<QByteArray, QByteArray>{{"X-Test", "1"}}, gate, QStringLiteral("remote-test"),
        options);
}

inline QString errorMessage(const QJsonObject &answer)
{
    return answer.value(QStringLiteral("error"))
        .toObject()
        .value(QStringLiteral("message"))
        .toString();
}

inline int freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

} // namespace manifold::testing
