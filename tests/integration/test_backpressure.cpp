// A client that stops reading: the broker cuts its session at maxQueuedBytes instead of buffering
// without end, its memory stays bounded, and another session on the same child goes on.
#include "brokerfixture.h"
#include "processhelpers.h"
#include "testclient.h"

#include "broker/ringlog.h"
#include "broker/session.h"
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
#include <memory>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace manifold;

namespace {

constexpr qint64 MiB = 1024 * 1024;
constexpr int BlobBytes = int(MiB);
constexpr int Blobs = 64;   // 64 MiB never read: far past the 4 MiB cap

// Resident memory of this process (the broker runs in it), in bytes; -1 if unknown.
qint64 residentBytes()
{
    return testsupport::statusBytes(0, "VmRSS");
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

// From here on the client reads nothing: Qt keeps at most 16 KiB for it and leaves the rest in
// the kernel, which then stops taking more from the broker.
void stopReading(TestClient &client)
{
    QObject::disconnect(&client.socket(), &QLocalSocket::readyRead, nullptr, nullptr);
    client.socket().setReadBufferSize(16 * 1024);
}

// Asks for Blobs answers of BlobBytes each, far more than the cap.
void askForMoreThanTheCap(TestClient &client)
{
    for (int i = 0; i < Blobs; ++i)
        client.sendJson(client.request(i, QStringLiteral("tools/call"), blobCall(BlobBytes)));
    client.socket().flush();
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
    void runStalledShim(bool lateReader);
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
    stopReading(stalled);

    // Warm up the allocator on the path a large answer takes, then take the baseline.
    good.sendJson(good.request(QStringLiteral("warm"), QStringLiteral("tools/call"), blobCall(BlobBytes)));
    ASSERT_TRUE(good.waitForResponse(QStringLiteral("warm")));
    const qint64 baseline = residentBytes();
    ASSERT_GT(baseline, 0);

    askForMoreThanTheCap(stalled);

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
    const QString message = cutOff.at(0).at(2).toString();
    EXPECT_TRUE(message.contains(QStringLiteral("the client stopped reading"))) << message.toStdString();
    EXPECT_TRUE(message.contains(QStringLiteral("(limit 4.0 MiB)"))) << message.toStdString();
    EXPECT_EQ(localCut.size(), 1);
    EXPECT_TRUE(waitUntil([&] { return remoteCut.size() == 1; }, 5000));
    if (!remoteCut.isEmpty()) {
        EXPECT_EQ(remoteCut.at(0).at(0).toString(), QStringLiteral("fake"));
        EXPECT_EQ(remoteCut.at(0).at(1).toLongLong(), cutOff.at(0).at(1).toLongLong());
        EXPECT_EQ(remoteCut.at(0).at(2).toString(), message);
        EXPECT_TRUE(remoteCut.at(0).at(3).toString().startsWith(QStringLiteral("the client stopped reading")));
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
    if (!testsupport::underAddressSanitizer()) {   // its quarantine keeps freed blocks resident: RSS says nothing there
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

// N clients that stop reading at once cost the broker at most N caps (plus a constant).
TEST_F(Backpressure, StalledClientsCostAtMostTheirCaps)
{
    constexpr int Stalled = 3;
    registerServer(cappedServer());
    startBroker();
    QSignalSpy cutOff(m_broker.get(), &Broker::sessionCutOff);
    TestClient warm(m_socketPath);
    ASSERT_TRUE(warm.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("warm")));
    warm.sendJson(warm.request(QStringLiteral("warm"), QStringLiteral("tools/call"), blobCall(BlobBytes)));
    ASSERT_TRUE(warm.waitForResponse(QStringLiteral("warm")));

    std::vector<std::unique_ptr<TestClient>> stalled;
    for (int i = 0; i < Stalled; ++i) {
        stalled.push_back(std::make_unique<TestClient>(m_socketPath));
        ASSERT_TRUE(stalled.back()->connectAndInitialize(QStringLiteral("fake"), QStringLiteral("stalled%1").arg(i)));
        stopReading(*stalled.back());
    }
    const qint64 baseline = residentBytes();
    for (const auto &client : stalled)
        askForMoreThanTheCap(*client);
    qint64 peak = baseline;
    QTimer sample;   // the RSS is read every 5 ms while the broker works
    QObject::connect(&sample, &QTimer::timeout, [&] { peak = qMax(peak, residentBytes()); });
    sample.start(5);
    ASSERT_TRUE(waitUntil([&] { return cutOff.size() == Stalled; }, 90000)) << cutOff.size() << " cut off";
    // What the child still writes for them is read and dropped: wait for it to answer us again.
    warm.sendJson(warm.request(QStringLiteral("after"), QStringLiteral("tools/call"),
                               callTool(QStringLiteral("echo"), {{QStringLiteral("message"), QStringLiteral("after")}})));
    ASSERT_TRUE(waitUntil([&] { return ::answered(warm, QStringLiteral("after")); }, 60000));
    sample.stop();
    const qint64 cap = m_broker->registry().find(QStringLiteral("fake"))->effectiveMaxQueuedBytes(0);
    std::printf("[ RSS      ] %d stalled clients, cap %.1f MiB each: baseline %.1f MiB, peak %.1f MiB\n", Stalled,
                double(cap) / MiB, double(baseline) / MiB, double(peak) / MiB);
    if (!testsupport::underAddressSanitizer()) {
        EXPECT_LT(peak - baseline, Stalled * cap + 20 * MiB);
    }
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

// servers.json's "defaults" hold the limit for every server without its own; changing it reaches
// the sessions already connected, and is saved.
TEST_F(Backpressure, DefaultLimitIsSavedAndAppliesToConnectedSessions)
{
    ServerConfig config = cappedServer();
    config.maxQueuedBytes = 0;   // the default
    registerServer(config);
    startBroker();
    QSignalSpy cutOff(m_broker.get(), &Broker::sessionCutOff);
    const QJsonObject before = m_broker->status().value(QStringLiteral("broker")).toObject().value(QStringLiteral("defaults")).toObject();
    EXPECT_EQ(before.value(QStringLiteral("maxQueuedBytes")).toInteger(), ServerConfig::defaultMaxQueuedBytes());

    TestClient stalled(m_socketPath);
    ASSERT_TRUE(stalled.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("stalled")));
    stopReading(stalled);

    QString error;
    EXPECT_FALSE(m_broker->setDefaultOption(QStringLiteral("maxQueuedBytes"), QStringLiteral("1000"), &error));
    EXPECT_TRUE(error.contains(QStringLiteral("at least"))) << error.toStdString();
    EXPECT_FALSE(m_broker->setDefaultOption(QStringLiteral("lingerMs"), QStringLiteral("5"), &error));
    ASSERT_TRUE(m_broker->setDefaultOption(QStringLiteral("maxQueuedBytes"), QString::number(4 * MiB), &error))
        << error.toStdString();
    const QJsonObject after = m_broker->status().value(QStringLiteral("broker")).toObject().value(QStringLiteral("defaults")).toObject();
    EXPECT_EQ(after.value(QStringLiteral("maxQueuedBytes")).toInteger(), 4 * MiB);
    EXPECT_EQ(after.value(QStringLiteral("maxQueuedBytesSource")).toString(), QStringLiteral("servers.json"));
    ServerRegistry saved(m_configDir);
    ASSERT_TRUE(saved.load(&error)) << error.toStdString();
    EXPECT_EQ(saved.defaultMaxQueuedBytes(), 4 * MiB);

    askForMoreThanTheCap(stalled);
    ASSERT_TRUE(waitUntil([&] { return !cutOff.isEmpty(); }, 60000)) << "the 4 MiB default never cut the session";
    const QString message = cutOff.at(0).at(2).toString();
    EXPECT_TRUE(message.contains(QStringLiteral("(limit 4.0 MiB)"))) << message.toStdString();
}

// The real shim between a client that stops reading its stdout and the broker: once the
// client catches up, the shim says why the session ended and exits without reconnecting. With
// lateReader the client catches up only after the broker has given up on delivering the closing
// line (Session::ClosingGraceMs): the shim finds its connection gone, asks to resume the session,
// is told why it was closed, and exits the same way.
void Backpressure::runStalledShim(bool lateReader)
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

    // The client reads nothing until the broker has cut the session (and, for a late reader,
    // closed its connection).
    ASSERT_TRUE(waitUntil([&] { return !cutOff.isEmpty(); }, 60000)) << err.constData();
    if (lateReader) {
        ASSERT_EQ(m_broker->closingConnections(), 1);
        ASSERT_TRUE(waitUntil([&] { return m_broker->closingConnections() == 0; }, Session::ClosingGraceMs + 10000));
    }

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
    EXPECT_FALSE(err.contains("reconnected")) << err.constData();
    // The late reader's shim found the connection gone before the closing line (so it asked to
    // resume, and was told); the other read the closing line.
    EXPECT_EQ(err.contains("the Manifold broker went away; reconnecting"), lateReader) << err.constData();
    if (!lateReader) {
        // Requests whose answers were dropped are answered with an error naming the reason.
        EXPECT_TRUE(out.contains("the client stopped reading")) << out.right(2000).constData();
    }
    EXPECT_TRUE(m_broker->sessionIds().isEmpty());   // no second session was opened for it
}

TEST_F(Backpressure, ShimReportsTheCutAndExits)
{
    runStalledShim(false);
}

TEST_F(Backpressure, ShimOfALateReaderIsToldWhyOnReconnectAndExits)
{
    runStalledShim(true);
}
