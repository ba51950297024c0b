// The traffic view's tap in the Router (issue 16): what is noted for each message a session
// sends, each answer it gets (from the child or made by the router), and the child's own
// requests and notifications; with body capture on, a large answer is still relayed in its
// own buffer.
#include "routertest.h"

#include "traffic/trafficrecorder.h"

namespace {

using manifold::TrafficRecord;
using manifold::TrafficRecorder;

class RouterTrafficTest : public RouterTest
{
protected:
    void SetUp() override { router.setTrafficRecorder(&recorder, "project:/work/app"); }

    QList<TrafficRecord> all() const { return recorder.ring().since(0).records; }
    const TrafficRecord *last() const
    {
        return recorder.ring().isEmpty() ? nullptr : recorder.find(recorder.ring().lastSeq());
    }

    TrafficRecorder recorder{QStringLiteral("demo"), 8 * 1024 * 1024};
};

} // namespace

TEST_F(RouterTrafficTest, ARequestAndItsAnswerArePairedUnderTheClientsIdAndName)
{
    bringUp();
    connectSession(3);
    const qsizetype before = recorder.ring().size();
    const QByteArray line = toolCall("\"call-1\"", "search");
    const qint64 brokerId = forward(3, line);
    now += 40;   // the router's clock is not what times it: the recorder's is (µs)
    router.fromChild(result(QByteArray::number(brokerId), "{\"content\":[]}"));

    const QList<TrafficRecord> records = all().mid(before);
    ASSERT_EQ(records.size(), 2);
    const TrafficRecord &request = records[0];
    EXPECT_EQ(request.direction, TrafficRecord::Direction::ToServer);
    EXPECT_EQ(request.kind, TrafficRecord::Kind::Request);
    EXPECT_EQ(request.method, QByteArray("tools/call"));
    EXPECT_EQ(request.id, QByteArray("\"call-1\""));
    EXPECT_EQ(request.session, 3u);
    EXPECT_EQ(request.client, QByteArray("test-client"));
    EXPECT_EQ(request.instance, QByteArray("project:/work/app"));
    EXPECT_EQ(request.sizeBytes, line.size());
    EXPECT_TRUE(request.body.isEmpty());   // capture is off
    const TrafficRecord &answer = records[1];
    EXPECT_EQ(answer.direction, TrafficRecord::Direction::FromServer);
    EXPECT_EQ(answer.kind, TrafficRecord::Kind::Result);
    EXPECT_EQ(answer.id, QByteArray("\"call-1\""));    // as the client knows it, not the broker's id
    EXPECT_EQ(answer.method, QByteArray("tools/call"));
    EXPECT_EQ(answer.requestSeq, request.seq);
    EXPECT_GE(answer.durationUs, 0);
    EXPECT_FALSE(answer.byBroker);
    EXPECT_EQ(recorder.health().now(recorder.nowUs() / 1000).calls, 2);   // initialize and this call
}

TEST_F(RouterTrafficTest, ErrorsCarryTheirCodeAndMessage)
{
    bringUp();
    connectSession(1);
    const qint64 brokerId = forward(1, toolCall("5", "x"));
    router.fromChild("{\"jsonrpc\":\"2.0\",\"id\":" + QByteArray::number(brokerId) +
                     ",\"error\":{\"code\":-32602,\"message\":\"Unknown tool: x\"}}");
    const TrafficRecord *error = last();
    ASSERT_NE(error, nullptr);
    EXPECT_EQ(error->kind, TrafficRecord::Kind::Error);
    EXPECT_EQ(error->errorCode, -32602);
    EXPECT_EQ(error->errorMessage, QByteArray("Unknown tool: x"));
    EXPECT_EQ(error->id, QByteArray("5"));
    EXPECT_EQ(recorder.health().now(recorder.nowUs() / 1000).errors, 1);
}

TEST_F(RouterTrafficTest, AnswersTheRouterMakesItselfAreMarkedAsTheBrokers)
{
    bringUp();
    connectSession(1);
    router.fromSession(1, request("9", "ping"));
    const TrafficRecord *ping = last();
    ASSERT_NE(ping, nullptr);
    EXPECT_EQ(ping->kind, TrafficRecord::Kind::Result);
    EXPECT_TRUE(ping->byBroker);
    EXPECT_EQ(ping->method, QByteArray("ping"));

    // A line that is not JSON-RPC is noted, and so is its refusal.
    const qsizetype before = recorder.ring().size();
    router.fromSession(1, "{not json");
    const QList<TrafficRecord> refused = all().mid(before);
    ASSERT_EQ(refused.size(), 2);
    EXPECT_EQ(refused[0].method, QByteArray("(not JSON-RPC)"));
    EXPECT_EQ(refused[1].kind, TrafficRecord::Kind::Error);
    EXPECT_TRUE(refused[1].byBroker);
    EXPECT_EQ(refused[1].errorCode, -32700);
}

TEST_F(RouterTrafficTest, TheServersRequestsAndNotificationsAreNotedOnTheirWayOut)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    router.fromChild(notification("notifications/tools/list_changed"));   // to both sessions
    const TrafficRecord *note = last();
    ASSERT_NE(note, nullptr);
    EXPECT_EQ(note->direction, TrafficRecord::Direction::FromServer);
    EXPECT_EQ(note->kind, TrafficRecord::Kind::Notification);
    EXPECT_EQ(note->method, QByteArray("notifications/tools/list_changed"));
    EXPECT_EQ(note->session, 0u);
    EXPECT_TRUE(note->client.isEmpty());   // not one client's: several

    // A request the broker answers itself (the server asking for roots) is the broker's.
    router.fromChild(request("\"r-1\"", "roots/list"));
    const TrafficRecord *roots = last();
    ASSERT_NE(roots, nullptr);
    EXPECT_EQ(roots->method, QByteArray("roots/list"));
    EXPECT_EQ(roots->session, 0u);
    EXPECT_EQ(roots->client, QByteArray("Manifold"));

    // Progress goes to the one session that asked for it, and is noted as that session's.
    const QByteArray call = request("3", "tools/call", "{\"name\":\"x\",\"_meta\":{\"progressToken\":\"p-1\"}}");
    const RouterActions forwarded = router.fromSession(2, call);
    ASSERT_EQ(forwarded.size(), 1) << dump(forwarded);
    const QByteArray brokerToken = QByteArray::number(
        parse(forwarded[0].data).value("params").toObject().value("_meta").toObject().value("progressToken").toInteger());
    router.fromChild(notification("notifications/progress", "{\"progressToken\":" + brokerToken + ",\"progress\":1}"));
    const TrafficRecord *progress = last();
    ASSERT_NE(progress, nullptr);
    EXPECT_EQ(progress->method, QByteArray("notifications/progress"));
    EXPECT_EQ(progress->session, 2u);
    EXPECT_EQ(progress->client, QByteArray("test-client"));
}

TEST_F(RouterTrafficTest, CapturedBodiesAreCutCopiesAndTheAnswerIsStillRelayedInPlace)
{
    recorder.setCaptureBodies(true);
    bringUp();
    connectSession(1);
    const QByteArray payload = "{\"content\":[{\"type\":\"text\",\"text\":\"" + QByteArray(200000, 'x') + "\"}]}";
    const qint64 brokerId = forward(1, request("1", "tools/call", "{\"name\":\"x\"}"));
    QByteArray line = result(QByteArray::number(brokerId), payload);
    const char *bytes = line.constData();
    const RouterActions actions = router.consumeFromChild(std::move(line));
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    EXPECT_EQ(actions[0].data.constData(), bytes);   // the same buffer: capture did not copy it
    EXPECT_EQ(actions[0].data, result("1", payload));
    const TrafficRecord *answer = last();
    ASSERT_NE(answer, nullptr);
    EXPECT_EQ(answer->body.size(), TrafficRecorder::BodyLimit);
    EXPECT_TRUE(answer->bodyTruncated);
    EXPECT_TRUE(answer->body.startsWith(result("1", "{").chopped(1))) << answer->body.left(60).constData();
    EXPECT_NE(answer->body.constData(), bytes);
    const TrafficRecord *request = recorder.find(answer->requestSeq);
    ASSERT_NE(request, nullptr);
    EXPECT_EQ(request->body, QByteArray(request->body).left(request->sizeBytes));
    EXPECT_FALSE(request->bodyTruncated);
}

TEST_F(RouterTrafficTest, HeldLinesAreNotedOnceWhenTheyArriveNotWhenReleased)
{
    bringUp();
    router.addSession(2);
    router.fromSession(2, initializeLine("0"));
    router.holdUntilRoots(2);
    const qsizetype before = recorder.ring().size();
    router.fromSession(2, toolCall("7", "x"));
    EXPECT_EQ(recorder.ring().size(), before + 1);
    const RouterActions released = router.releaseHeld(2);
    EXPECT_EQ(ofKind(released, Kind::ToChild).size(), 1) << dump(released);
    EXPECT_EQ(recorder.ring().size(), before + 1);
}

TEST_F(RouterTrafficTest, RequestsToAClientArePairedWithItsAnswer)
{
    bringUp();
    // The broker's own roots/list to a session with roots, and the session's answer.
    connectSession(1, "{\"roots\":{\"listChanged\":true}}");
    QList<TrafficRecord> records = all();
    auto roots = std::find_if(records.cbegin(), records.cend(), [](const TrafficRecord &r) {
        return r.method == "roots/list" && r.kind == TrafficRecord::Kind::Request;
    });
    ASSERT_NE(roots, records.cend());
    EXPECT_EQ(roots->direction, TrafficRecord::Direction::FromServer);
    EXPECT_TRUE(roots->byBroker);
    EXPECT_EQ(roots->session, 1u);
    const TrafficRecord *answer = last();
    ASSERT_NE(answer, nullptr);
    EXPECT_EQ(answer->direction, TrafficRecord::Direction::ToServer);
    EXPECT_EQ(answer->kind, TrafficRecord::Kind::Result);
    EXPECT_EQ(answer->method, QByteArray("roots/list"));
    EXPECT_EQ(answer->requestSeq, roots->seq);
    EXPECT_GE(answer->durationUs, 0);

    // The server's sampling request, caused by the session's call, and the session's answer.
    connectSession(2, "{\"sampling\":{}}");
    const qint64 call = forward(2, toolCall("8", "ask"));
    ASSERT_GT(call, 0);
    const RouterActions asked = router.fromChild(request("\"s-1\"", "sampling/createMessage", "{\"messages\":[]}"));
    const RouterActions delivered = toSession(asked, 2);
    ASSERT_EQ(delivered.size(), 1) << dump(asked);
    const TrafficRecord *sampling = last();
    ASSERT_NE(sampling, nullptr);
    EXPECT_EQ(sampling->method, QByteArray("sampling/createMessage"));
    EXPECT_EQ(sampling->session, 2u);
    const QByteArray facingId = QByteArray::number(idOf(delivered[0].data));
    router.fromSession(2, result(facingId, "{\"role\":\"assistant\"}"));
    const TrafficRecord *reply = last();
    ASSERT_NE(reply, nullptr);
    EXPECT_EQ(reply->method, QByteArray("sampling/createMessage"));
    EXPECT_EQ(reply->requestSeq, sampling->seq);
    EXPECT_EQ(reply->client, QByteArray("test-client"));
}
