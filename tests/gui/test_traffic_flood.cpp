#include "brokerfixture.h"
#include "mainwindow.h"
#include "modeltestsupport.h"
#include "testclient.h"
#include "trafficfeed.h"
#include "trafficpage.h"

#include "control/localbrokerview.h"
#include "models/trafficmodel.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLocalSocket>
#include <QSet>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>
#include <QTimer>

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <vector>

using namespace manifold;

namespace {

constexpr int ClientCount = 4;
constexpr int CallsPerClient = 5000;   // 20,000 echo calls in all
constexpr int FirstId = 100;
constexpr int Window = 64;            // calls each client keeps outstanding
constexpr int ProbeIntervalMs = 10;
// Loose on purpose: the broker, its child's pipes, four clients and the window share this one
// event loop, and CI runs this on a loaded 2-core machine (and under ASan, 2-3 times slower).
// Locally the max is ~10-40 ms, ~200 ms at a load of 4; a view that froze (a model reset per
// batch, formatting every body) takes seconds. The stated bound (p99 <= 25 ms, max <= 100 ms at
// 10,000 messages/s) is measured by `node bench/run.mjs --scenario window`, not here.
#if defined(__SANITIZE_ADDRESS__)
constexpr double MaxLatenessMs = 1500;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr double MaxLatenessMs = 1500;
#else
constexpr double MaxLatenessMs = 600;
#endif
#else
constexpr double MaxLatenessMs = 600;
#endif

// How late a 10 ms timer fires while the loop is busy: the window's responsiveness.
class LatenessProbe final
{
public:
    LatenessProbe()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(ProbeIntervalMs);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const double elapsedMs = double(m_clock.nsecsElapsed()) / 1e6;
            m_clock.restart();
            m_latenessMs.push_back(std::max(0.0, elapsedMs - ProbeIntervalMs));
        });
    }
    void start()
    {
        m_clock.start();
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    int samples() const { return int(m_latenessMs.size()); }
    double percentile(double p) const
    {
        if (m_latenessMs.empty())
            return 0;
        std::vector<double> sorted = m_latenessMs;
        std::sort(sorted.begin(), sorted.end());
        return sorted.at(std::min(sorted.size() - 1, size_t(p / 100.0 * double(sorted.size()))));
    }
    double max() const
    {
        return m_latenessMs.empty() ? 0 : *std::max_element(m_latenessMs.begin(), m_latenessMs.end());
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    std::vector<double> m_latenessMs;
};

// The ids a client got answers for (results, not notifications).
QSet<qint64> answeredIds(const TestClient &client)
{
    QSet<qint64> ids;
    for (const QJsonObject &message : client.received()) {
        if (message.contains(QLatin1String("result")) && message.value(QLatin1String("id")).isDouble())
            ids.insert(message.value(QLatin1String("id")).toInteger());
    }
    return ids;
}

class TrafficFlood : public BrokerFixture
{
};

} // namespace

// 20,000 pipelined echo calls from four clients while the all-servers Traffic page is open and
// polling at its normal 10 Hz: every call is answered, the view follows with targeted updates
// only (skipping to keep up, and saying so), and the window's event loop stays responsive.
TEST_F(TrafficFlood, WindowStaysResponsiveUnderTwentyThousandCalls)
{
    ServerConfig config = fakeServer(QStringLiteral("flood"));
    config.lingerMs = -1;
    registerServer(config);
    startBroker();
    LocalBrokerView view(m_broker.get());

    std::vector<std::unique_ptr<TestClient>> clients;
    for (int c = 0; c < ClientCount; ++c) {
        clients.push_back(std::make_unique<TestClient>(m_socketPath));
        ASSERT_TRUE(clients.back()->connectAndInitialize(QStringLiteral("flood"),
                                                         QStringLiteral("bench-%1").arg(c)));
    }

    MainWindow window(&view);
    window.pages()->setCurrentWidget(window.allTrafficPage());
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    TrafficPage *page = window.allTrafficPage();
    TrafficModel *model = page->model();
    ASSERT_EQ(page->feed()->interval(), TrafficFeed::DefaultIntervalMs);
    // A smaller display than the default, so the flood also pushes the oldest rows out.
    model->setCapacity(10000);
    // The first fill (the initialize traffic) is done before the flood starts.
    ASSERT_TRUE(QTest::qWaitFor([&] { return model->rowCount() >= 2 * ClientCount; }, 10000));

    const auto tester = testModel(model);
    ModelSpies spies(model);
    QSignalSpy dropped(page->feed(), &TrafficFeed::dropped);
    LatenessProbe probe;
    probe.start();
    QElapsedTimer flood;
    flood.start();

    // Pipelined: each client keeps Window calls outstanding and writes the next ones as answers
    // arrive, as a busy client does.
    std::vector<int> before, sent(clients.size(), 0);
    auto refill = [&](size_t c) {
        TestClient &client = *clients[c];
        const int answered = int(client.received().size()) - before[c];
        QByteArray lines;
        for (; sent[c] < CallsPerClient && sent[c] < answered + Window; ++sent[c]) {
            const QJsonObject call = client.request(FirstId + sent[c], QStringLiteral("tools/call"),
                                                    callTool(QStringLiteral("echo"),
                                                             {{QStringLiteral("message"), QStringLiteral("flood %1").arg(sent[c])}}));
            lines += QJsonDocument(call).toJson(QJsonDocument::Compact);
            lines += '\n';
        }
        if (!lines.isEmpty())
            client.send(lines);
    };
    for (size_t c = 0; c < clients.size(); ++c) {
        before.push_back(int(clients[c]->received().size()));
        // Connected after the client's own reader: the answers are parsed when this runs.
        QObject::connect(&clients[c]->socket(), &QLocalSocket::readyRead, &window, [&refill, c] { refill(c); });
        refill(c);
    }
    const bool allAnswered = waitUntil([&] {
        for (size_t c = 0; c < clients.size(); ++c) {
            if (clients[c]->received().size() < before[c] + CallsPerClient)
                return false;
        }
        return true;
    }, 50000);
    const qint64 floodMs = std::max<qint64>(1, flood.elapsed());
    QStringList counts;
    for (size_t c = 0; c < clients.size(); ++c)
        counts << QString::number(clients[c]->received().size() - before[c]);
    ASSERT_TRUE(allAnswered) << "not every call was answered within 50 s: " << counts.join(QLatin1Char(' ')).toStdString();
    for (const auto &client : clients)
        EXPECT_EQ(answeredIds(*client).size(), CallsPerClient);

    // The view catches up: the broker's newest record reaches the table.
    qint64 newestSeq = -1;
    view.call(QStringLiteral("traffic"), {{QStringLiteral("name"), QStringLiteral("flood")},
                                          {QStringLiteral("limit"), 1}, {QStringLiteral("skipOld"), true}},
              [&](bool ok, const QJsonObject &result, const QString &error) {
                  EXPECT_TRUE(ok) << error.toStdString();
                  newestSeq = result.value(QLatin1String("cursor")).toObject().value(QLatin1String("flood")).toInteger();
              });
    ASSERT_TRUE(waitUntil([&] { return newestSeq >= 0; }, 5000));
    ASSERT_TRUE(waitUntil([&] {
        return model->rowCount() > 0 &&
               model->index(model->rowCount() - 1, 0).data(TrafficModel::SeqRole).toLongLong() == newestSeq;
    }, 10000)) << "the view did not catch up with seq " << newestSeq;
    probe.stop();

    qint64 skipped = 0;
    for (const QList<QVariant> &arguments : dropped)
        skipped += arguments.at(1).toLongLong();
    std::cout << "traffic flood: " << ClientCount * CallsPerClient << " calls in " << floodMs << " ms = "
              << qint64(ClientCount * CallsPerClient) * 1000 / floodMs << " calls/s; event loop lateness over "
              << probe.samples() << " ticks: p50 " << probe.percentile(50) << " ms, p99 "
              << probe.percentile(99) << " ms, max " << probe.max() << " ms; " << model->rowCount()
              << " rows shown, " << skipped << " skipped to keep up" << std::endl;

    EXPECT_TRUE(spies.noWholesaleChanges());
    EXPECT_TRUE(spies.modelReset.isEmpty());
    EXPECT_FALSE(spies.rowsInserted.isEmpty());
    EXPECT_LE(model->rowCount(), model->capacity());
    if (skipped > 0) {
        EXPECT_TRUE(page->droppedLabel()->isVisible());
        EXPECT_TRUE(page->droppedLabel()->text().contains(QLatin1String("skipped to keep up")))
            << page->droppedLabel()->text().toStdString();
    }
    EXPECT_GT(probe.samples(), 0);
    EXPECT_LE(probe.max(), MaxLatenessMs);
}
