// Fair service under a flood: one client (a real manifold-shim) writes 10,000 calls at once to a
// server that works on one request at a time; a quiet client's single calls on the same child
// must still be answered within a bound of its idle latency, with maxInFlight 0 (no limit) and
// with a limit, and every one of the flood's replies must reach the flooder with its own id.
#include "brokerfixture.h"
#include "processhelpers.h"
#include "testclient.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <algorithm>

using namespace manifold;

namespace {

constexpr int FloodRequests = 10000;
constexpr int QuietCalls = 50;
// What each call costs the child, one after another: the flood is 2 s of the child's work.
constexpr int WorkUs = 200;

// The stated bound: a quiet call during the flood takes at most Factor x its idle p99, or
// AbsoluteMs (a noisy 2-core machine), whichever is larger; ASan's slower broker gets 4x that.
constexpr double Factor = 10;
constexpr double AbsoluteMs = 250;

constexpr double sanitizerScale()
{
#if defined(__SANITIZE_ADDRESS__)
    return 4;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return 4;
#else
    return 1;
#endif
#else
    return 1;
#endif
}

QJsonObject busyEcho(const QString &message)
{
    return callTool(QStringLiteral("busy_echo"), {{QStringLiteral("message"), message}, {QStringLiteral("workUs"), WorkUs}});
}

bool answered(const TestClient &client, const QString &id)
{
    const QList<QJsonObject> all = client.received();
    return std::any_of(all.crbegin(), all.crend(), [&](const QJsonObject &message) {
        return message.value(QStringLiteral("id")).toString() == id && message.contains(QStringLiteral("result"));
    });
}

// count sequential calls on the quiet client; their times in ms, sorted.
QList<double> quietCalls(TestClient &client, const QString &prefix, int count)
{
    QList<double> times;
    for (int i = 0; i < count; ++i) {
        const QString id = prefix + QString::number(i);
        QElapsedTimer timer;
        timer.start();
        client.sendJson(client.request(id, QStringLiteral("tools/call"), busyEcho(id)));
        if (!waitUntil([&] { return answered(client, id); }, 60000)) {
            ADD_FAILURE() << "quiet call " << id.toStdString() << " was not answered within 60 s";
            break;
        }
        times.append(double(timer.nsecsElapsed()) / 1e6);
    }
    std::sort(times.begin(), times.end());
    return times;
}

double p99(const QList<double> &sorted)
{
    return sorted.isEmpty() ? 0 : sorted.at(std::min<qsizetype>(sorted.size() - 1, qsizetype(0.99 * double(sorted.size()))));
}

class Fairness : public BrokerFixture, public ::testing::WithParamInterface<int>
{
};

} // namespace

TEST_P(Fairness, QuietSessionIsServedWithinBoundDuringAFlood)
{
    ServerConfig config = fakeServer(QStringLiteral("fake"));
    config.maxInFlight = GetParam();
    registerServer(config);
    startBroker();

    TestClient quiet(m_socketPath);
    ASSERT_TRUE(quiet.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("quiet")));
    processhelpers::ClientProcess flooder({QStringLiteral("--socket"), m_socketPath, QStringLiteral("fake")},
                                          processhelpers::shimEnvironment(m_configDir));
    flooder.write(processhelpers::initializeLine("0") + R"({"jsonrpc":"2.0","method":"notifications/initialized"})" "\n");
    ASSERT_TRUE(flooder.waitForLineWith(R"("id":0)")) << flooder.err().constData();

    quietCalls(quiet, QStringLiteral("warm"), 10);
    const QList<double> idle = quietCalls(quiet, QStringLiteral("idle"), QuietCalls);
    ASSERT_EQ(idle.size(), QuietCalls);

    QByteArray flood;
    for (int id = 1; id <= FloodRequests; ++id) {
        flood += QJsonDocument(QJsonObject{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                                           {QStringLiteral("id"), id},
                                           {QStringLiteral("method"), QStringLiteral("tools/call")},
                                           {QStringLiteral("params"), busyEcho(QStringLiteral("flood-%1").arg(id))}})
                     .toJson(QJsonDocument::Compact) + '\n';
    }
    const qsizetype before = flooder.out().size();
    flooder.write(flood);
    // The flood is under way once the child answers its first call.
    ASSERT_TRUE(waitUntil([&] { return flooder.out().indexOf("flood-", before) >= 0; }, 60000));
    const QList<double> during = quietCalls(quiet, QStringLiteral("quiet"), QuietCalls);
    ASSERT_EQ(during.size(), QuietCalls);
    const auto floodReplies = [&] { return int(flooder.out().count('\n')) - 1; };   // less the initialize
    const int floodRepliesThen = floodReplies();

    // All of the flood comes back, each reply with its own id and its own echo.
    ASSERT_TRUE(waitUntil([&] { return floodReplies() >= FloodRequests; }, 180000))
        << floodReplies() << " of " << FloodRequests << " flood replies; " << flooder.err().constData();
    QSet<int> ids;
    int wrong = 0;
    for (const QByteArray &line : flooder.out().split('\n')) {
        const QJsonObject reply = QJsonDocument::fromJson(line).object();
        const int id = reply.value(QStringLiteral("id")).toInt(-1);
        if (id == 0 || line.isEmpty())
            continue;   // the initialize
        const QString text = reply.value(QStringLiteral("result")).toObject().value(QStringLiteral("content"))
                                 .toArray().at(0).toObject().value(QStringLiteral("text")).toString();
        if (id < 1 || id > FloodRequests || ids.contains(id) || text != QStringLiteral("flood-%1").arg(id))
            ++wrong;
        else
            ids.insert(id);
    }
    EXPECT_EQ(wrong, 0);
    EXPECT_EQ(ids.size(), FloodRequests);

    const double bound = std::max(Factor * p99(idle), AbsoluteMs) * sanitizerScale();
    std::printf("[ FAIRNESS ] maxInFlight %d: quiet idle p50 %.2f p99 %.2f ms; during the flood p50 %.2f p99 %.2f "
                "max %.2f ms (bound %.0f ms); %d of %d flood replies had arrived by then\n",
                GetParam(), idle.at(idle.size() / 2), p99(idle), during.at(during.size() / 2), p99(during),
                during.last(), bound, floodRepliesThen, FloodRequests);
    // The quiet calls were made while the flood was being served, not after it.
    EXPECT_LT(floodRepliesThen, FloodRequests);
    EXPECT_LE(p99(during), bound);
}

INSTANTIATE_TEST_SUITE_P(MaxInFlight, Fairness, ::testing::Values(0, 8),
                         [](const ::testing::TestParamInfo<int> &info) {
                             return info.param == 0 ? std::string("Unlimited") : "Limit" + std::to_string(info.param);
                         });

// The broker routes a burst a few hundred lines per pass; what a client sent before it
// disconnected is still routed, in order, even when it went before the broker got to it.
TEST_F(BrokerFixture, ABurstSentJustBeforeADisconnectIsRoutedWhole)
{
    const QString log = path(QStringLiteral("requests.log"));
    registerServer(fakeServer(QStringLiteral("fake"), {QStringLiteral("--request-log"), log}));
    startBroker();
    constexpr int Burst = 1000;   // several passes' worth
    {
        TestClient client(m_socketPath);
        ASSERT_TRUE(client.connectAndInitialize(QStringLiteral("fake")));
        QByteArray burst;
        for (int i = 0; i < Burst; ++i)
            burst += R"({"jsonrpc":"2.0","method":"notifications/burst","params":{"n":)" + QByteArray::number(i) + "}}\n";
        burst.chop(1);   // send() adds the last newline
        client.send(burst);
        // All of it is in the kernel (75 KB) and the client goes before the broker reads a byte.
        ASSERT_EQ(client.socket().bytesToWrite(), 0);
        client.close();
    }
    const auto burstLines = [&] {
        QList<int> seen;
        for (const QJsonObject &line : readRequestLog(log)) {
            if (line.value(QStringLiteral("method")).toString() == QLatin1String("notifications/burst"))
                seen.append(line.value(QStringLiteral("params")).toObject().value(QStringLiteral("n")).toInt());
        }
        return seen;
    };
    ASSERT_TRUE(waitUntil([&] { return burstLines().size() >= Burst; }, 30000)) << burstLines().size();
    const QList<int> seen = burstLines();
    for (int i = 0; i < Burst; ++i)
        ASSERT_EQ(seen.at(i), i);
}
