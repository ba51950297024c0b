// A client that stops reading: the broker cuts its session at maxQueuedBytes instead of buffering
// without end, its memory stays bounded, and another session on the same child goes on.
#include "brokerfixture.h"
#include "processhelpers.h"
#include "testclient.h"

#include "broker/ringlog.h"
#include "control/hello.h"
#include "control/localbrokerview.h"
#include "control/remotebrokerview.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <functional>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace manifold;

namespace {

// ASan delays reuse of freed memory (its quarantine, 256 MiB by default), so the process's RSS
// grows with everything freed; the memory bound is checked in the plain build (dev).
constexpr bool underAddressSanitizer()
{
#if defined(__SANITIZE_ADDRESS__)
    return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return true;
#else
    return false;
#endif
#else
    return false;
#endif
}

constexpr qint64 MiB = 1024 * 1024;
constexpr int BlobBytes = int(MiB);
constexpr int Blobs = 64;   // 64 MiB never read: far past the 4 MiB cap

// Resident memory of this process (the broker runs in it), in bytes; -1 if unknown.
qint64 residentBytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return -1;
}

bool answered(const TestClient &client, const QString &id)
{
    const QList<QJsonObject> all = client.received();
    return std::any_of(all.cbegin(), all.cend(), [&](const QJsonObject &message) {
        return message.value(QStringLiteral("id")).toString() == id &&
               (message.contains(QStringLiteral("result")) || message.contains(QStringLiteral("error")));
    });
}

QJsonObject blobCall(int bytes)
{
    return callTool(QStringLiteral("blob"), {{QStringLiteral("bytes"), bytes}});
}

class Backpressure : public BrokerFixture
{
protected:
    ServerConfig cappedServer()
    {
        ServerConfig config = fakeServer(QStringLiteral("fake"));
        config.maxLineBytes = int(2 * MiB);
        config.maxQueuedBytes = int(4 * MiB);   // effective: max(4, 2 + 1) MiB
        return config;
    }
};

} // namespace

TEST_F(Backpressure, ClientThatStopsReadingIsCutAtTheCapWhileOthersGoOn)
{
    registerServer(cappedServer());
    startBroker();
    QSignalSpy cutOff(m_broker.get(), &Broker::sessionCutOff);
    // What the tray is told, in-process and through a broker in another process.
    LocalBrokerView local(m_broker.get());
    RemoteBrokerView remote(m_socketPath);
    QSignalSpy remoteConnected(&remote, &BrokerView::connected);
    remote.open();
    ASSERT_TRUE(remoteConnected.wait(5000));
    QSignalSpy localCut(&local, &BrokerView::sessionCutOff);
    QSignalSpy remoteCut(&remote, &BrokerView::sessionCutOff);

    TestClient good(m_socketPath), stalled(m_socketPath);
    ASSERT_TRUE(good.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("good")));
    ASSERT_TRUE(stalled.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("stalled")));
    // From here on the stalled client reads nothing: Qt keeps at most 16 KiB for it and leaves
    // the rest in the kernel, which then stops taking more from the broker.
    QObject::disconnect(&stalled.socket(), &QLocalSocket::readyRead, nullptr, nullptr);
    stalled.socket().setReadBufferSize(16 * 1024);

    // Warm up the allocator on the path a large answer takes, then take the baseline.
    good.sendJson(good.request(QStringLiteral("warm"), QStringLiteral("tools/call"), blobCall(BlobBytes)));
    ASSERT_TRUE(good.waitForResponse(QStringLiteral("warm")));
    const qint64 baseline = residentBytes();
    ASSERT_GT(baseline, 0);

    for (int i = 0; i < Blobs; ++i)
        stalled.sendJson(stalled.request(i, QStringLiteral("tools/call"), blobCall(BlobBytes)));
    stalled.socket().flush();

    // The other session keeps being answered while the stalled one fills up and is cut.
    qint64 peak = baseline;
    int calls = 0;
    QElapsedTimer elapsed;
    elapsed.start();
    while (cutOff.isEmpty() && elapsed.elapsed() < 60000) {
        const QString id = QStringLiteral("g%1").arg(calls);
        good.sendJson(good.request(id, QStringLiteral("tools/call"),
                                   callTool(QStringLiteral("echo"), {{QStringLiteral("message"), id}})));
        // Loose: a noisy 2-core machine. The call waits behind what the child still has to
        // write for the stalled session, which is read and dropped once it is cut.
        ASSERT_TRUE(waitUntil([&] { return ::answered(good, id); }, 10000))
            << "the good session's call " << calls << " went unanswered; "
            << QJsonDocument(serverStatus(QStringLiteral("fake"))).toJson().constData();
        ++calls;
        peak = qMax(peak, residentBytes());
    }
    ASSERT_EQ(cutOff.size(), 1) << "the stalled session was never cut off";
    const QString message = cutOff.at(0).at(1).toString();
    EXPECT_TRUE(message.contains(QStringLiteral("the client stopped reading"))) << message.toStdString();
    EXPECT_TRUE(message.contains(QStringLiteral("(limit 4.0 MiB)"))) << message.toStdString();
    EXPECT_EQ(localCut.size(), 1);
    EXPECT_TRUE(waitUntil([&] { return remoteCut.size() == 1; }, 5000));
    if (!remoteCut.isEmpty()) {
        EXPECT_EQ(remoteCut.at(0).at(0).toString(), QStringLiteral("fake"));
        EXPECT_EQ(remoteCut.at(0).at(1).toString(), message);
    }

    // The child answers what the cut session still had pending, in order, before these: the
    // broker reads those answers and drops them. (Small calls: TestClient keeps all it gets.)
    for (int i = 0; i < 20; ++i) {
        const QString id = QStringLiteral("after%1").arg(i);
        good.sendJson(good.request(id, QStringLiteral("tools/call"),
                                   callTool(QStringLiteral("echo"), {{QStringLiteral("message"), id}})));
        ASSERT_TRUE(waitUntil([&] { return ::answered(good, id); }, 10000)) << i;
        peak = qMax(peak, residentBytes());
    }
    EXPECT_TRUE(waitUntil([&] { return m_broker->status().value(QStringLiteral("sessions")).toArray().size() == 1; },
                          10000));

    // Without the cap the broker would now hold the whole 64 MiB for the stalled client.
    const qint64 growth = peak - baseline;
    std::printf("[ RSS      ] baseline %.1f MiB, peak %.1f MiB, growth %.1f MiB, good calls answered %d\n",
                double(baseline) / MiB, double(peak) / MiB, double(growth) / MiB, calls);
    if (!underAddressSanitizer()) {   // its quarantine keeps freed blocks resident: RSS says nothing there
        EXPECT_LT(growth, 4 * MiB + 20 * MiB);
    }

    const QList<RingLog::Entry> log = host(QStringLiteral("fake"))->log().entries();
    EXPECT_TRUE(std::any_of(log.cbegin(), log.cend(), [](const RingLog::Entry &entry) {
        return entry.text.contains(QStringLiteral("the client stopped reading"));
    }));

    // A client that does catch up finds, after what was already on its way, the closing line.
    QByteArray rest;
    stalled.socket().setReadBufferSize(0);
    ASSERT_TRUE(waitUntil([&] {
        rest += stalled.socket().readAll();
        return stalled.socket().state() == QLocalSocket::UnconnectedState && stalled.socket().bytesAvailable() == 0;
    }, 15000));
    rest += stalled.socket().readAll();
    const QList<QByteArray> lines = rest.trimmed().split('\n');
    ASSERT_FALSE(lines.isEmpty());
    const QJsonObject closing = QJsonDocument::fromJson(lines.last()).object();
    EXPECT_EQ(closing.value(QStringLiteral("method")).toString(), QLatin1String(SessionClosing::Method));
    EXPECT_TRUE(closing.value(QStringLiteral("params")).toObject().value(QStringLiteral("reason")).toString()
                    .startsWith(QStringLiteral("the client stopped reading")));
    EXPECT_LT(rest.size(), 4 * MiB);   // the rest of the queue was dropped, not delivered late
}

TEST_F(Backpressure, MaxQueuedBytesIsSettableAndZeroMeansTheDefault)
{
    registerServer(cappedServer());
    startBroker();
    QString error;
    ASSERT_TRUE(m_broker->setServerOption(QStringLiteral("fake"), QStringLiteral("maxQueuedBytes"),
                                          QStringLiteral("0"), &error)) << error.toStdString();
    EXPECT_EQ(m_broker->registry().find(QStringLiteral("fake"))->maxQueuedBytes, 0);
    EXPECT_FALSE(m_broker->setServerOption(QStringLiteral("fake"), QStringLiteral("maxQueuedBytes"),
                                           QStringLiteral("-1"), &error));
}

// The real shim between a client that stops reading its stdout and the broker: once the
// client catches up, the shim says why the session ended and exits without reconnecting.
TEST_F(Backpressure, ShimReportsTheCutAndExits)
{
    registerServer(cappedServer());
    startBroker();
    QSignalSpy cutOff(m_broker.get(), &Broker::sessionCutOff);

    const QString fifo = path(QStringLiteral("client-stdout"));
    ASSERT_EQ(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    const int reader = ::open(QFile::encodeName(fifo).constData(), O_RDONLY | O_NONBLOCK);
    ASSERT_GE(reader, 0);

    QProcess shim;
    QByteArray err;
    QObject::connect(&shim, &QProcess::readyReadStandardError, [&] { err += shim.readAllStandardError(); });
    shim.setStandardOutputFile(fifo);
    shim.start(QStringLiteral(MANIFOLD_SHIM_PATH), {QStringLiteral("--socket"), m_socketPath, QStringLiteral("fake")});
    ASSERT_TRUE(shim.waitForStarted());
    QByteArray requests = processhelpers::initializeLine("0");
    requests += R"({"jsonrpc":"2.0","method":"notifications/initialized"})" "\n";
    for (int i = 1; i <= Blobs; ++i)
        requests += QJsonDocument(QJsonObject{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                                              {QStringLiteral("id"), i},
                                              {QStringLiteral("method"), QStringLiteral("tools/call")},
                                              {QStringLiteral("params"), blobCall(BlobBytes)}})
                        .toJson(QJsonDocument::Compact) + '\n';
    shim.write(requests);

    // The client reads nothing until the broker has cut the session.
    ASSERT_TRUE(waitUntil([&] { return !cutOff.isEmpty(); }, 60000)) << err.constData();

    QByteArray out;
    char chunk[64 * 1024];
    const bool exited = waitUntil([&] {
        for (ssize_t n; (n = ::read(reader, chunk, sizeof chunk)) > 0;)
            out.append(chunk, n);
        return shim.state() == QProcess::NotRunning;
    }, 30000);
    ::close(reader);
    ASSERT_TRUE(exited) << err.constData();
    EXPECT_EQ(shim.exitStatus(), QProcess::NormalExit);
    EXPECT_NE(shim.exitCode(), 0);
    EXPECT_TRUE(err.contains("manifold-shim: Manifold closed the session: the client stopped reading")) << err.constData();
    EXPECT_FALSE(err.contains("reconnecting")) << err.constData();
    // Requests whose answers were dropped are answered with an error naming the reason.
    EXPECT_TRUE(out.contains("the client stopped reading")) << out.right(2000).constData();
}
