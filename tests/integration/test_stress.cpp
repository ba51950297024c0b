// Issue 6: 64 sessions on one child, with random calls, cancels and disconnects and a child crash
// in the middle. Every request gets exactly what the rules below allow (its own answer once, or
// the crash error, or nothing after a confirmed cancel), and afterwards no process, file
// descriptor or socket is left over. Driven by a seeded PRNG: the seed is printed, and
// MANIFOLD_STRESS_SEED=N runs the same choices again.
#include "brokerfixture.h"
#include "stresspeer.h"
#include "testclient.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QMap>
#include <QTest>

#include <algorithm>
#include <iostream>
#include <random>
#include <unistd.h>

using namespace manifold;
using stress::Call;
using stress::idKey;
using stress::Peer;

namespace {

constexpr int SessionCount = 64;
constexpr int DisconnectsBeforeCrash = 6;
constexpr int DisconnectsAtCrash = 2;
constexpr int WarmUpCancels = 2; // the warm-up cancels one long call and leaves with another
const QString ServerName = QStringLiteral("stress");

quint64 chooseSeed()
{
    bool ok = false;
    const quint64 fromEnv = qEnvironmentVariable("MANIFOLD_STRESS_SEED").toULongLong(&ok);
    return ok ? fromEnv : (quint64(std::random_device{}()) << 32) ^ std::random_device{}();
}

// Open fds of this process (the broker runs in it), counted by kind: "socket", "pipe",
// "anon_inode:[pidfd]", or the file's path.
QMap<QString, int> openFds()
{
    QMap<QString, int> kinds;
    const QDir dir(QStringLiteral("/proc/self/fd"));
    for (const QString &name :
         dir.entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot)) {
        char target[4096];
        const ssize_t n = ::readlink(QFile::encodeName(dir.filePath(name)).constData(), target,
                                     sizeof target - 1);
        if (n < 0)
            continue; // the directory listing's own fd, closed meanwhile
        QString kind = QString::fromLocal8Bit(target, int(n));
        if (kind.startsWith(QLatin1String("socket:")) || kind.startsWith(QLatin1String("pipe:")))
            kind = kind.section(QLatin1Char(':'), 0, 0);
        ++kinds[kind];
    }
    return kinds;
}

std::string describe(const QMap<QString, int> &fds)
{
    QStringList parts;
    for (auto it = fds.cbegin(); it != fds.cend(); ++it)
        parts << QStringLiteral("%1 x%2").arg(it.key()).arg(it.value());
    return parts.join(QStringLiteral(", ")).toStdString();
}

// Unix sockets bound to path: the listener, plus one per connection the broker accepted.
int socketsOn(const QString &path)
{
    QFile table(QStringLiteral("/proc/net/unix"));
    if (!table.open(QIODevice::ReadOnly))
        return -1;
    int count = 0;
    for (const QByteArray &line : table.readAll().split('\n')) {
        if (line.endsWith(' ' + QFile::encodeName(path)))
            ++count;
    }
    return count;
}

// This process's children running fake_mcp_server; with zombies, also the unreaped ones.
QList<qint64> fakeServerChildren(bool zombies = false)
{
    QList<qint64> found;
    const qint64 self = ::getpid();
    for (const QString &entry :
         QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!numeric || !stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (fields.size() < 2 || fields.at(1).toLongLong() != self)
            continue;
        const bool zombie = fields.at(0) == "Z";
        if (zombie != zombies)
            continue;
        if (zombie || QFileInfo(QStringLiteral("/proc/%1/exe").arg(pid)).symLinkTarget() ==
                          QFileInfo(QStringLiteral(FAKE_MCP_SERVER_PATH)).canonicalFilePath())
            found.append(pid);
    }
    return found;
}

QJsonObject notification(const QString &method, const QJsonObject &params)
{
    return {{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
            {QStringLiteral("method"), method},
            {QStringLiteral("params"), params}};
}

class StressTest : public BrokerFixture
{
protected:
    int random(int low, int high) { return std::uniform_int_distribution<int>(low, high)(m_rng); }
    bool chance(double p) { return std::bernoulli_distribution(p)(m_rng); }

    Peer &openPeer()
    {
        QList<int> open;
        for (const Peer &peer : m_peers) {
            if (peer.open)
                open.append(peer.index);
        }
        return m_peers.at(size_t(open.at(random(0, int(open.size()) - 1))));
    }

    // Sends a call; returns its index in peer.calls.
    qsizetype send(Peer &peer, Call::Kind kind, Call::Expect expect)
    {
        // Ids 0, "0", 1, "1", ...: both JSON types in one session, and every session uses the
        // same ones, so ids (and progress tokens, which equal them) collide across sessions.
        const int n = peer.nextCall++;
        Call call;
        call.id = n % 2 == 0 ? QJsonValue(n / 2) : QJsonValue(QString::number(n / 2));
        call.kind = kind;
        call.expect = expect;
        call.text = QStringLiteral("s%1 c%2 %3 \"ü✓\"")
                        .arg(peer.index)
                        .arg(n)
                        .arg(quint32(m_rng()), 8, 16, QLatin1Char('0'));
        QJsonObject arguments{{QStringLiteral("message"), call.text}};
        QString tool = QStringLiteral("echo");
        QJsonValue token;
        switch (kind) {
        case Call::Kind::Echo:
            break;
        case Call::Kind::SlowEcho:
            tool = QStringLiteral("slow_echo");
            arguments.insert(QStringLiteral("delayMs"), random(0, 150));
            break;
        case Call::Kind::Long:
            tool = QStringLiteral("slow_echo");
            arguments.insert(QStringLiteral("delayMs"), 600000); // only a crash or a cancel ends it
            break;
        case Call::Kind::Progress:
            tool = QStringLiteral("progress");
            call.steps = random(2, 4);
            arguments = {{QStringLiteral("steps"), call.steps},
                         {QStringLiteral("intervalMs"), random(5, 30)}};
            token = call.id;
            break;
        case Call::Kind::Crash:
            tool = QStringLiteral("crash");
            arguments = {};
            break;
        case Call::Kind::Stats:
            tool = QStringLiteral("stats");
            arguments = {};
            break;
        }
        peer.client->sendJson(peer.client->request(call.id, QStringLiteral("tools/call"),
                                                   callTool(tool, arguments, token)));
        peer.callByKey.insert(idKey(call.id), peer.calls.size());
        peer.calls.append(call);
        return peer.calls.size() - 1;
    }

    void sendRandom(Peer &peer, Call::Expect expect)
    {
        const int roll = random(0, 99);
        send(peer,
             roll < 30   ? Call::Kind::Echo
             : roll < 65 ? Call::Kind::SlowEcho
                         : Call::Kind::Progress,
             expect);
    }

    void cancel(Peer &peer, qsizetype index, bool aroundCrash)
    {
        Call &call = peer.calls[index];
        call.cancelled = true;
        ++m_cancels;
        peer.client->sendJson(notification(QStringLiteral("notifications/cancelled"),
                                           {{QStringLiteral("requestId"), call.id},
                                            {QStringLiteral("reason"), QStringLiteral("stress")}}));
        if (call.kind == Call::Kind::Long && !aroundCrash)
            call.expect = Call::Expect::Nothing; // the broker had it in flight: never answered
        else
            call.expect = aroundCrash ? Call::Expect::AtMostOneOrCrash : Call::Expect::AtMostOne;
    }

    // Cancels one of the peer's calls the client has no answer for yet, if there is one.
    void cancelOne(Peer &peer, bool aroundCrash)
    {
        peer.absorb();
        QList<qsizetype> candidates;
        for (qsizetype i = 0; i < peer.calls.size(); ++i) {
            const Call &call = peer.calls.at(i);
            if (!call.cancelled && call.kind != Call::Kind::Crash &&
                call.kind != Call::Kind::Stats && peer.repliesTo(call) == 0)
                candidates.append(i);
        }
        if (!candidates.isEmpty())
            cancel(peer, candidates.at(random(0, int(candidates.size()) - 1)), aroundCrash);
    }

    void disconnect(Peer &peer)
    {
        peer.absorb();
        peer.receivedAtClose = peer.client->received().size();
        peer.open = false;
        peer.client->close();
        ++m_disconnects;
    }

    // Long calls of open peers that nobody cancelled: what the broker must still have in flight.
    int liveLongCalls() const
    {
        int count = 0;
        for (const Peer &peer : m_peers) {
            for (const Call &call : peer.calls)
                count += peer.open && call.kind == Call::Kind::Long && !call.cancelled &&
                         peer.repliesTo(call) == 0;
        }
        return count;
    }

    // Waits until every call that must be answered has been; the rest, if not.
    QString waitSettled(bool crashed)
    {
        QStringList waiting;
        const bool settled = QTest::qWaitFor(
            [&] {
                waiting.clear();
                for (Peer &peer : m_peers) {
                    if (peer.open) {
                        peer.absorb();
                        waiting += peer.unsettled(crashed);
                    }
                }
                return waiting.isEmpty();
            },
            20000);
        return settled ? QString() : waiting.mid(0, 20).join(QStringLiteral(", "));
    }

    // The broker has processed every cancel and disconnect sent so far.
    bool waitForBrokerToCatchUp()
    {
        const int open = int(
            std::count_if(m_peers.cbegin(), m_peers.cend(), [](const Peer &p) { return p.open; }));
        return QTest::qWaitFor(
            [&] {
                const QJsonObject status = serverStatus(ServerName);
                return status.value(QStringLiteral("inFlight")).toInt() == liveLongCalls() &&
                       status.value(QStringLiteral("queued")).toInt() == 0 &&
                       status.value(QStringLiteral("sessions")).toInt() == open;
            },
            10000);
    }

    void verify(Peer &peer, const QString &crashMessage);

    std::mt19937_64 m_rng;
    std::vector<Peer> m_peers;
    int m_cancels = 0;
    int m_disconnects = 0;
};

void StressTest::verify(Peer &peer, const QString &crashMessage)
{
    peer.absorb();
    const std::string who = "session " + std::to_string(peer.index) + ": ";
    if (!peer.open) {
        EXPECT_EQ(peer.client->received().size(), peer.receivedAtClose)
            << who << "got something after it left";
        return;
    }
    for (const Call &call : peer.calls) {
        const QString key = idKey(call.id);
        const std::string what = who + "call " + key.toStdString();
        const QList<QJsonObject> replies = peer.responses.value(key);
        switch (call.expect) {
        case Call::Expect::Result:
        case Call::Expect::CrashError:
        case Call::Expect::ResultOrCrash:
            EXPECT_EQ(replies.size(), 1) << what;
            break;
        case Call::Expect::Nothing:
            EXPECT_EQ(replies.size(), 0) << what << " was cancelled while in flight, yet answered";
            break;
        case Call::Expect::AtMostOne:
        case Call::Expect::AtMostOneOrCrash:
            EXPECT_LE(replies.size(), 1) << what;
            break;
        }
        const bool crashAllowed = call.expect == Call::Expect::CrashError ||
                                  call.expect == Call::Expect::ResultOrCrash ||
                                  call.expect == Call::Expect::AtMostOneOrCrash;
        bool succeeded = false;
        for (const QJsonObject &reply : replies) {
            EXPECT_EQ(reply.value(QStringLiteral("id")), call.id)
                << what << ": the id keeps its JSON type";
            if (reply.contains(QStringLiteral("error"))) {
                const QString message = reply.value(QStringLiteral("error"))
                                            .toObject()
                                            .value(QStringLiteral("message"))
                                            .toString();
                EXPECT_TRUE(crashAllowed && message == crashMessage)
                    << what << " got error: " << message.toStdString();
                continue;
            }
            EXPECT_NE(call.expect, Call::Expect::CrashError)
                << what << " was in flight at the crash, yet got a result";
            succeeded = true;
            const QJsonObject result = reply.value(QStringLiteral("result")).toObject();
            if (call.kind == Call::Kind::Progress) {
                EXPECT_EQ(result.value(QStringLiteral("content"))
                              .toArray()
                              .first()
                              .toObject()
                              .value(QStringLiteral("text"))
                              .toString(),
                          QStringLiteral("done"))
                    << what;
            } else if (call.kind != Call::Kind::Stats) {
                EXPECT_EQ(result.value(QStringLiteral("structuredContent"))
                              .toObject()
                              .value(QStringLiteral("message"))
                              .toString(),
                          call.text)
                    << what << ": its own payload";
            }
        }
        // Progress with the call's own token, in order, before its result; all of it if it
        // succeeded.
        const QList<double> progress = peer.progress.value(key);
        if (call.kind != Call::Kind::Progress) {
            EXPECT_TRUE(progress.isEmpty()) << what << " got progress for a token it never used";
            continue;
        }
        for (qsizetype i = 0; i < progress.size(); ++i)
            EXPECT_EQ(progress.at(i), double(i + 1)) << what;
        EXPECT_LE(progress.size(), call.steps) << what;
        if (succeeded) {
            EXPECT_EQ(progress.size(), call.steps) << what;
            for (qsizetype position : peer.progressOrder.value(key))
                EXPECT_LT(position, peer.responseOrder.value(key))
                    << what << ": progress after the result";
        }
    }
    for (auto it = peer.responses.cbegin(); it != peer.responses.cend(); ++it)
        EXPECT_TRUE(peer.callByKey.contains(it.key()))
            << who << "a reply to an id it never sent: " << it.key().toStdString();
    for (auto it = peer.progress.cbegin(); it != peer.progress.cend(); ++it)
        EXPECT_TRUE(peer.callByKey.contains(it.key()))
            << who << "progress for a token it never sent: " << it.key().toStdString();
    EXPECT_TRUE(peer.strays.isEmpty()) << who << "unexpected messages";
    EXPECT_EQ(peer.listChanged, 1)
        << who << "told once that the restarted server may list other tools";
}

} // namespace

TEST_F(StressTest, SixtyFourSessionsSurviveCancelsDisconnectsAndACrash)
{
    const quint64 seed = chooseSeed();
    std::cout << "[ stress   ] MANIFOLD_STRESS_SEED=" << seed << std::endl;
    RecordProperty("seed", std::to_string(seed));
    m_rng.seed(seed);
    QElapsedTimer clock;
    clock.start();

    registerServer(fakeServer(ServerName));
    startBroker();

    // Warm-up: one session through everything the run will use, so Qt's one-time fds exist
    // before the baseline is taken.
    {
        m_peers.resize(1);
        Peer &warm = m_peers.front();
        warm.client = std::make_unique<TestClient>(m_socketPath);
        ASSERT_TRUE(warm.client->connectAndInitialize(ServerName, QStringLiteral("warm-up")));
        send(warm, Call::Kind::Echo, Call::Expect::Result);
        send(warm, Call::Kind::Progress, Call::Expect::Result);
        cancel(warm, send(warm, Call::Kind::Long, Call::Expect::Nothing), false);
        send(warm, Call::Kind::Long, Call::Expect::Nothing); // still in flight when it leaves
        ASSERT_EQ(waitSettled(false), QString());
        warm.client->close();
        ASSERT_TRUE(QTest::qWaitFor(
            [&] { return serverStatus(ServerName).value(QStringLiteral("sessions")).toInt() == 0; },
            5000));
        m_peers.clear();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    }
    const QMap<QString, int> baselineFds = openFds();
    const int baselineSockets = socketsOn(m_socketPath);
    const qint64 firstChild = host(ServerName)->pid();
    ASSERT_EQ(fakeServerChildren(), QList<qint64>{firstChild});
    m_cancels = m_disconnects = 0;

    // 64 sessions, each initialized.
    m_peers.resize(SessionCount);
    for (int i = 0; i < SessionCount; ++i) {
        Peer &peer = m_peers.at(size_t(i));
        peer.index = i;
        peer.client = std::make_unique<TestClient>(m_socketPath);
        ASSERT_TRUE(peer.client->hello(ServerName).contains("welcome")) << i;
        peer.client->sendInitialize(QStringLiteral("init"), QStringLiteral("stress-%1").arg(i));
    }
    for (Peer &peer : m_peers) {
        ASSERT_TRUE(peer.client->waitForResponse(QStringLiteral("init")));
        peer.client->sendJson(
            {{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
             {QStringLiteral("method"), QStringLiteral("notifications/initialized")}});
        peer.filed = peer.client->received().size();
    }

    // Before the crash: three rounds of random calls, cancels and a few disconnects mid-flight.
    QList<int> leaving;
    while (leaving.size() < DisconnectsBeforeCrash) {
        const int index = random(0, SessionCount - 1);
        if (!leaving.contains(index))
            leaving.append(index);
    }
    for (int round = 0; round < 3; ++round) {
        for (Peer &peer : m_peers) {
            if (!peer.open)
                continue;
            for (int n = random(1, 3); n > 0; --n)
                sendRandom(peer, Call::Expect::Result);
            if (chance(0.15))
                send(peer, Call::Kind::Long, Call::Expect::CrashError);
            if (chance(0.3))
                cancelOne(peer, false);
            const qsizetype at = leaving.indexOf(peer.index);
            if (at >= 0 && at % 3 == round)
                disconnect(peer);
        }
        QCoreApplication::processEvents(); // let traffic interleave with the next round
    }
    ASSERT_EQ(waitSettled(false), QString()) << "seed " << seed;
    ASSERT_TRUE(waitForBrokerToCatchUp())
        << "seed " << seed << ": " << QJsonDocument(serverStatus(ServerName)).toJson().constData();

    // The child saw a cancel for every long call that was cancelled or whose session left, and
    // still holds exactly the live long ones.
    int mustCancel = WarmUpCancels;
    int mayCancel = 0;
    for (const Peer &peer : m_peers) {
        for (const Call &call : peer.calls) {
            const bool isLong = call.kind == Call::Kind::Long;
            if (call.cancelled || !peer.open)
                (isLong ? mustCancel : mayCancel) += 1;
        }
    }
    {
        Peer &asker = openPeer();
        const Call stats = asker.calls.at(send(asker, Call::Kind::Stats, Call::Expect::Result));
        ASSERT_TRUE(QTest::qWaitFor(
            [&] {
                asker.absorb();
                return asker.repliesTo(stats) == 1;
            },
            10000));
        const QJsonObject counts = asker.responses.value(idKey(stats.id))
                                       .first()
                                       .value(QStringLiteral("result"))
                                       .toObject()
                                       .value(QStringLiteral("structuredContent"))
                                       .toObject();
        EXPECT_EQ(counts.value(QStringLiteral("pending")).toInt(), liveLongCalls())
            << "seed " << seed;
        const int cancelsSeen = int(counts.value(QStringLiteral("cancelled")).toArray().size());
        EXPECT_GE(cancelsSeen, mustCancel) << "seed " << seed;
        EXPECT_LE(cancelsSeen, mustCancel + mayCancel) << "seed " << seed;
        EXPECT_EQ(counts.value(QStringLiteral("initialize")).toInt(), 1)
            << "one initialize for all 65 sessions";
    }

    // The crash: every open session has a long call in flight; one session crashes the child
    // while the others keep sending, cancelling and leaving.
    for (Peer &peer : m_peers) {
        const bool hasLong =
            std::any_of(peer.calls.cbegin(), peer.calls.cend(), [&](const Call &call) {
                return call.kind == Call::Kind::Long && !call.cancelled;
            });
        if (peer.open && !hasLong)
            send(peer, Call::Kind::Long, Call::Expect::CrashError);
    }
    ASSERT_TRUE(waitForBrokerToCatchUp()) << "seed " << seed;
    const int inFlightAtCrash = liveLongCalls();
    send(openPeer(), Call::Kind::Crash, Call::Expect::CrashError);
    int leavingAtCrash = 0;
    for (Peer &peer : m_peers) {
        if (!peer.open || !chance(0.5))
            continue;
        for (int n = random(1, 2); n > 0; --n)
            sendRandom(peer, Call::Expect::ResultOrCrash);
        if (chance(0.3))
            cancelOne(peer, true);
        const bool crasher = std::any_of(peer.calls.cbegin(), peer.calls.cend(),
                                         [](const Call &c) { return c.kind == Call::Kind::Crash; });
        if (leavingAtCrash < DisconnectsAtCrash && !crasher && chance(0.2)) {
            disconnect(peer);
            ++leavingAtCrash;
        }
    }
    ASSERT_EQ(waitSettled(true), QString()) << "seed " << seed;
    ASSERT_TRUE(waitForState(ServerName, ServerHost::State::Running)) << "seed " << seed;
    const qint64 secondChild = host(ServerName)->pid();
    EXPECT_NE(secondChild, firstChild);
    EXPECT_EQ(host(ServerName)->restarts(), 1);

    // After the restart every open session works as before.
    for (Peer &peer : m_peers) {
        if (!peer.open)
            continue;
        send(peer, Call::Kind::Echo, Call::Expect::Result);
        send(peer, Call::Kind::SlowEcho, Call::Expect::Result);
        send(peer, Call::Kind::Progress, Call::Expect::Result);
    }
    ASSERT_EQ(waitSettled(true), QString()) << "seed " << seed;
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            return std::all_of(m_peers.begin(), m_peers.end(), [](Peer &p) {
                p.absorb();
                return !p.open || p.listChanged > 0;
            });
        },
        5000));

    const QString crashMessage =
        QStringLiteral("server '%1' exited with code 42 while handling this request")
            .arg(ServerName);
    int calls = 0;
    for (Peer &peer : m_peers) {
        verify(peer, crashMessage);
        calls += int(peer.calls.size());
    }

    // Everyone leaves: nothing in flight, no session, the same fds and sockets as before the
    // run, one child (lingering for the next client) and no zombie of the crashed one.
    for (Peer &peer : m_peers) {
        if (peer.open)
            peer.client->close();
    }
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return m_broker->status().value(QStringLiteral("sessions")).toArray().isEmpty(); },
        10000));
    const QJsonObject idle = serverStatus(ServerName);
    EXPECT_EQ(idle.value(QStringLiteral("inFlight")).toInt(), 0);
    EXPECT_EQ(idle.value(QStringLiteral("queued")).toInt(), 0);
    m_peers.clear();
    EXPECT_TRUE(QTest::qWaitFor([&] { return openFds() == baselineFds; }, 5000))
        << "fds before: " << describe(baselineFds) << "\nfds after:  " << describe(openFds());
    EXPECT_EQ(socketsOn(m_socketPath), baselineSockets);
    EXPECT_EQ(fakeServerChildren(), QList<qint64>{secondChild});
    // The crashed child is reaped: no zombie among our children (its pid may be reused by now).
    EXPECT_TRUE(fakeServerChildren(true).isEmpty()) << "a child left unreaped";

    // Stopping the server leaves no child at all.
    host(ServerName)->stop();
    ASSERT_TRUE(waitForState(ServerName, ServerHost::State::Stopped));
    EXPECT_TRUE(QTest::qWaitFor(
        [] { return fakeServerChildren().isEmpty() && fakeServerChildren(true).isEmpty(); }, 5000));

    std::cout << "[ stress   ] " << SessionCount << " sessions, " << calls << " calls, "
              << m_cancels << " cancels, " << m_disconnects << " disconnects, " << inFlightAtCrash
              << " in flight at the crash, " << clock.elapsed() << " ms" << std::endl;
}
