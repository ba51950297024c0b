// Router: server->client requests (sampling, elicitation, ...) reach only the session whose
// request caused them. Candidates are the session requests in flight when one arrives; calls that
// may ask from different sessions never overlap; an ambiguous one is held, then refused.
#include "routertest.h"

#include "broker/askerbook.h"

namespace {

using manifold::AskerBook;

const QByteArray Sampling = R"({"messages":[{"role":"user","content":{"type":"text","text":"hi"}}],"maxTokens":5})";
const QByteArray Sampler = R"({"sampling":{}})";
const QByteArray UrlCapable = R"({"elicitation":{"url":{}}})";

QByteArray call(QByteArrayView rawId, QByteArrayView tool)
{
    return request(rawId, "tools/call", "{\"name\":\"" + tool.toByteArray() + "\",\"arguments\":{}}");
}

QList<QByteArray> learnedKeys(const RouterActions &actions)
{
    QList<QByteArray> keys;
    for (const RouterAction &action : ofKind(actions, Kind::Learned))
        keys.append(action.data);
    return keys;
}

class RouterAttributionTest : public RouterTest
{
protected:
    RouterActions sample(QByteArrayView childId)
    {
        return router.fromChild(request(childId, "sampling/createMessage", Sampling));
    }

    RouterActions answer(qint64 brokerId) { return router.fromChild(result(QByteArray::number(brokerId), "{}")); }

    // The one server request delivered in actions: its session, checked to be the only one.
    SessionId deliveredTo(const RouterActions &actions)
    {
        RouterActions requests;
        for (const RouterAction &action : ofKind(actions, Kind::ToSession)) {
            if (parse(action.data).contains("method"))
                requests.append(action);
        }
        EXPECT_EQ(requests.size(), 1) << dump(actions);
        return requests.isEmpty() ? 0 : requests[0].session;
    }

    // The error the child got for its request childId (JSON of its "error"), empty if none.
    QJsonObject errorToChild(const RouterActions &actions, const QJsonValue &childId)
    {
        for (const RouterAction &action : ofKind(actions, Kind::ToChild)) {
            const QJsonObject line = parse(action.data);
            if (line.value("id") == childId && line.contains("error"))
                return line.value("error").toObject();
        }
        return {};
    }

    void expectNothingDelivered(const RouterActions &actions)
    {
        for (const RouterAction &action : ofKind(actions, Kind::ToSession))
            EXPECT_FALSE(parse(action.data).contains("method")) << dump(actions);
    }
};

// ---------------------------------------------------------------------------------------------
// The knowledge

TEST(AskerBook, KeysNameTheCallAndOnlyCallsThatMayAskHaveOne)
{
    EXPECT_EQ(AskerBook::callKey("tools/call", "sampleLLM"), "tools/call:sampleLLM");
    EXPECT_EQ(AskerBook::callKey("prompts/get", "greet"), "prompts/get:greet");
    EXPECT_EQ(AskerBook::callKey("resources/read", "file:///a"), "resources/read:file:///a");
    EXPECT_TRUE(AskerBook::keyedByUri("resources/read"));
    EXPECT_FALSE(AskerBook::keyedByUri("tools/call"));
    for (QByteArrayView method : {"tools/list", "ping", "completion/complete", "resources/subscribe",
                                  "logging/setLevel", "tasks/get", "tasks/result"})
        EXPECT_TRUE(AskerBook::callKey(method, "x").isEmpty()) << method.toByteArray().constData();
}

TEST(AskerBook, UnknownCallsMayAskPlainOnesDoNotAndAskingOutranksPlain)
{
    AskerBook book;
    EXPECT_TRUE(book.mayAsk("tools/call:a"));
    EXPECT_FALSE(book.mayAsk(QByteArray()));
    book.learnPlain("tools/call:a");
    EXPECT_FALSE(book.mayAsk("tools/call:a"));
    EXPECT_TRUE(book.learnAsker("tools/call:a"));   // it asked after all: sometimes is enough
    EXPECT_FALSE(book.learnAsker("tools/call:a"));  // not new
    EXPECT_TRUE(book.mayAsk("tools/call:a"));
    book.learnPlain("tools/call:a");                // a clean run does not undo it
    EXPECT_TRUE(book.isAsker("tools/call:a"));
    book.addAskers({QStringLiteral("tools/call:z"), QStringLiteral("prompts/get:b")});
    EXPECT_EQ(book.askers(), (QStringList{"prompts/get:b", "tools/call:a", "tools/call:z"}));
}

TEST(FairQueue, PopEligibleSkipsWhatMayNotGoWithoutBlockingTheRest)
{
    manifold::FairQueue queue;
    queue.push(1, 10);
    queue.push(1, 11);
    queue.push(2, 20);
    queue.push(3, 30);
    const auto notTen = [](qint64 id) { return id != 10 && id != 20; };
    EXPECT_EQ(queue.popEligible(notTen), 11);   // session 1 is due; its first must wait
    EXPECT_EQ(queue.popEligible(notTen), 30);   // session 2 has nothing that may go
    EXPECT_EQ(queue.popEligible(notTen), 0);
    EXPECT_EQ(queue.size(), 2);
    EXPECT_EQ(queue.pop(), 20);                 // session 2 was not served: its turn
    EXPECT_EQ(queue.pop(), 10);
    EXPECT_TRUE(queue.isEmpty());
}

// ---------------------------------------------------------------------------------------------
// Attribution

TEST_F(RouterAttributionTest, SingleRequestInFlightGetsItAndItsCallIsLearnedAsAnAsker)
{
    bringUp();
    connectSession(1, Sampler);
    connectSession(2, Sampler);
    const qint64 id = forward(2, call("1", "sampleLLM"));
    const RouterActions asked = sample("\"s1\"");
    EXPECT_EQ(deliveredTo(asked), 2u);
    EXPECT_EQ(learnedKeys(asked), QList<QByteArray>{"tools/call:sampleLLM"});
    EXPECT_EQ(router.knownAskers(), QStringList{"tools/call:sampleLLM"});
    // Its clean end does not make it plain again.
    answer(id);
    EXPECT_EQ(router.knownAskers(), QStringList{"tools/call:sampleLLM"});
}

TEST_F(RouterAttributionTest, SeveralRequestsOfOneSessionGetItAndThoseFinishingFirstWereNotTheCause)
{
    bringUp();
    connectSession(1, Sampler);
    connectSession(2, Sampler);
    const qint64 a = forward(1, call("1", "sampleLLM"));
    const qint64 b = forward(1, call("2", "echo"));
    const RouterActions asked = sample("7");
    EXPECT_EQ(deliveredTo(asked), 1u);
    EXPECT_TRUE(learnedKeys(asked).isEmpty()) << dump(asked);   // either may have asked
    // echo finishes while the sampling is still open: a call awaits what it asked, so it was
    // sampleLLM, and echo is plain.
    const RouterActions echoed = answer(b);
    EXPECT_EQ(learnedKeys(echoed), QList<QByteArray>{"tools/call:sampleLLM"});
    forward(2, call("3", "echo"));   // plain: runs beside session 1's sampleLLM
    answer(a);
}

TEST_F(RouterAttributionTest, RequestsStillRunningWhenTheServerRequestWasAnsweredTeachNothing)
{
    bringUp();
    connectSession(1, Sampler);
    connectSession(2, Sampler);
    const qint64 a = forward(1, call("1", "sampleLLM"));
    const qint64 b = forward(1, call("2", "echo"));
    const RouterActions asked = sample("7");
    const qint64 facing = idOf(toSession(asked, 1)[0].data);
    router.fromSession(1, result(QByteArray::number(facing), R"({"model":"m"})"));
    // Both still run after the answer: either may have been the cause.
    EXPECT_TRUE(learnedKeys(answer(b)).isEmpty());
    EXPECT_TRUE(learnedKeys(answer(a)).isEmpty());
    EXPECT_TRUE(router.knownAskers().isEmpty());
    // Neither is plain either: session 2's echo waits while session 1 runs one.
    forward(1, call("3", "echo"));
    EXPECT_TRUE(ofKind(router.fromSession(2, call("4", "echo")), Kind::ToChild).isEmpty());
}

TEST_F(RouterAttributionTest, AskerAndAPlainCallOfAnotherSessionHoldUntilThePlainCallFinishes)
{
    bringUp();
    connectSession(1, Sampler);
    connectSession(2, Sampler);
    learnPlain(2, "tools/call", R"({"name":"echo"})");
    const qint64 asker = forward(1, call("1", "sampleLLM"));
    const qint64 plain = forward(2, call("2", "echo"));   // plain: not held back by session 1's call

    const RouterActions asked = sample("\"s1\"");
    expectNothingDelivered(asked);
    EXPECT_TRUE(ofKind(asked, Kind::ToChild).isEmpty()) << dump(asked);   // no error: it waits
    EXPECT_EQ(router.heldCount(), 1);
    ASSERT_TRUE(router.nextDeadlineMs().has_value());
    EXPECT_EQ(*router.nextDeadlineMs(), now + 5000);

    // Session 2's echo ends: only session 1's call is left, so it is the cause.
    const RouterActions finished = answer(plain);
    EXPECT_EQ(toSession(finished, 2).size(), 1) << dump(finished);   // echo's answer
    EXPECT_EQ(deliveredTo(finished), 1u);
    EXPECT_EQ(learnedKeys(finished), QList<QByteArray>{"tools/call:sampleLLM"});
    EXPECT_EQ(router.heldCount(), 0);
    EXPECT_FALSE(router.nextDeadlineMs().has_value());

    // Session 1 answers; the child gets it under its own id.
    const QByteArray sent = ofKind(finished, Kind::ToSession).last().data;
    const RouterActions back = router.fromSession(1, result(QByteArray::number(idOf(sent)), R"({"model":"m"})"));
    ASSERT_EQ(ofKind(back, Kind::ToChild).size(), 1) << dump(back);
    EXPECT_EQ(parse(ofKind(back, Kind::ToChild)[0].data).value("id"), QJsonValue("s1"));
    answer(asker);
}

TEST_F(RouterAttributionTest, CallsThatMayAskFromTwoSessionsAreSerialized)
{
    bringUp();
    connectSession(1, Sampler);
    connectSession(2, Sampler);
    const qint64 first = forward(1, call("1", "sampleLLM"));
    // An unknown call from another session waits in the queue.
    const RouterActions queued = router.fromSession(2, call("1", "elicit"));
    EXPECT_TRUE(ofKind(queued, Kind::ToChild).isEmpty()) << dump(queued);
    EXPECT_EQ(router.waitingCount(), 1);
    // Session 1 may still send more of its own.
    const qint64 more = forward(1, call("2", "sampleLLM"));
    // The server's request can only be session 1's.
    const RouterActions asked = sample("5");
    EXPECT_EQ(deliveredTo(asked), 1u);
    router.fromSession(1, result(QByteArray::number(idOf(toSession(asked, 1)[0].data)), "{}"));

    answer(more);
    EXPECT_EQ(router.waitingCount(), 1);   // session 1's first call still holds the gate
    const RouterActions released = answer(first);
    ASSERT_EQ(ofKind(released, Kind::ToChild).size(), 1) << dump(released);
    EXPECT_EQ(parse(ofKind(released, Kind::ToChild)[0].data).value("params").toObject().value("name"),
              QJsonValue("elicit"));
    EXPECT_EQ(router.waitingCount(), 0);
}

TEST_F(RouterAttributionTest, UnknownCallWaitsAtMostTheHoldTimeoutKnownAskersAsLongAsNeeded)
{
    router.setKnownAskers({QStringLiteral("tools/call:askUser")});
    bringUp();
    connectSession(1, Sampler);
    connectSession(2, Sampler);
    const qint64 interactive = forward(1, call("1", "askUser"));   // waits for a person, maybe long
    EXPECT_TRUE(ofKind(router.fromSession(2, call("1", "search")), Kind::ToChild).isEmpty());
    EXPECT_TRUE(ofKind(router.fromSession(2, call("2", "askUser")), Kind::ToChild).isEmpty());
    EXPECT_EQ(router.nextDeadlineMs(), std::optional<qint64>(now + 5000));

    now += 4999;
    EXPECT_TRUE(ofKind(router.expireHeld(), Kind::ToChild).isEmpty());
    now += 1;
    // search is not known to ask: it goes. askUser is: it still waits, with no deadline.
    const RouterActions released = router.expireHeld();
    ASSERT_EQ(ofKind(released, Kind::ToChild).size(), 1) << dump(released);
    EXPECT_EQ(parse(ofKind(released, Kind::ToChild)[0].data).value("params").toObject().value("name"),
              QJsonValue("search"));
    EXPECT_EQ(router.waitingCount(), 1);
    EXPECT_FALSE(router.nextDeadlineMs().has_value());
    answer(interactive);
    EXPECT_EQ(router.waitingCount(), 0);
}

TEST_F(RouterAttributionTest, AFloodBehindTheGateCostsTheQueueConstantWorkPerMessage)
{
    // issue 16's flood: one session holds the gate with a known asker while another pipelines
    // thousands of calls that may ask. Each arrival drains the queue; judging every waiting call
    // each time made the flood quadratic (N * N / 2 gate checks here).
    router.setKnownAskers({QStringLiteral("tools/call:askUser")});
    bringUp();
    connectSession(1, Sampler);
    connectSession(2, Sampler);
    const qint64 interactive = forward(1, call("1", "askUser"));
    constexpr int Flood = 2000;
    const quint64 before = router.gateChecks();
    for (int i = 0; i < Flood; ++i)
        ASSERT_TRUE(ofKind(router.fromSession(2, call(QByteArray::number(i + 10), "search")), Kind::ToChild).isEmpty());
    EXPECT_EQ(router.waitingCount(), Flood);
    EXPECT_LE(router.gateChecks() - before, quint64(4 * Flood));
    // Still released by age (the deadline is found without a scan), oldest first.
    EXPECT_EQ(router.nextDeadlineMs(), std::optional<qint64>(now + 5000));
    now += 5000;
    const RouterActions released = router.expireHeld();
    ASSERT_FALSE(ofKind(released, Kind::ToChild).isEmpty()) << dump(released);
    EXPECT_EQ(router.waitingCount() + ofKind(released, Kind::ToChild).size(), qsizetype(Flood));
    EXPECT_EQ(parse(ofKind(released, Kind::ToChild)[0].data).value("params").toObject().value("name"),
              QJsonValue("search"));
    answer(interactive);
}

TEST_F(RouterAttributionTest, CancelOfAGatedQueuedRequestDropsIt)
{
    bringUp();
    connectSession(1, Sampler);
    connectSession(2, Sampler);
    const qint64 first = forward(1, call("1", "sampleLLM"));
    router.fromSession(2, call("\"q\"", "sampleLLM"));
    EXPECT_EQ(router.waitingCount(), 1);
    const RouterActions cancelled =
        router.fromSession(2, notification("notifications/cancelled", R"({"requestId":"q"})"));
    EXPECT_TRUE(ofKind(cancelled, Kind::ToChild).isEmpty()) << dump(cancelled);
    EXPECT_EQ(router.waitingCount(), 0);
    EXPECT_TRUE(ofKind(answer(first), Kind::ToChild).isEmpty());   // nothing left to release
}

TEST_F(RouterAttributionTest, PlainCallsAreNeverGated)
{
    bringUp();
    for (SessionId session : {1, 2, 3})
        connectSession(session, Sampler);
    learnPlain(1, "tools/call", R"({"name":"echo"})");
    learnPlain(1, "resources/read", R"({"uri":"mem://a"})");
    forward(1, call("\"ask\"", "sampleLLM"));   // session 1 holds the gate
    for (SessionId session : {2, 3}) {
        for (int i = 0; i < 5; ++i) {
            forward(session, call(QByteArray::number(i), "echo"));
            forward(session, request("\"r" + QByteArray::number(i) + '"', "resources/read", R"({"uri":"mem://a"})"));
        }
        // Methods that never ask are not gated either.
        forward(session, request("\"c\"", "completion/complete", "{}"));
        forward(session, request("\"t\"", "tools/list", "{}"));
    }
    EXPECT_EQ(router.waitingCount(), 0);
    EXPECT_EQ(router.inFlightCount(), 1 + 2 * 12);
}

TEST_F(RouterAttributionTest, HoldTimeoutAnswersTheChildWithAnErrorAndLearnsEveryCandidate)
{
    bringUp();
    connectSession(1, Sampler);
    connectSession(2, Sampler);
    router.setHoldTimeoutMs(3000);
    learnPlain(2, "tools/call", R"({"name":"slowEcho"})");
    forward(1, call("1", "sampleLLM"));
    const qint64 slow = forward(2, call("1", "slowEcho"));
    EXPECT_TRUE(ofKind(sample("\"s\""), Kind::ToSession).isEmpty());
    ASSERT_EQ(router.nextDeadlineMs(), std::optional<qint64>(now + 3000));

    now += 2999;
    EXPECT_TRUE(router.expireHeld().isEmpty());
    now += 1;
    const RouterActions expired = router.expireHeld();
    expectNothingDelivered(expired);
    const QJsonObject error = errorToChild(expired, "s");
    EXPECT_TRUE(error.value("message").toString().startsWith(
        "Manifold cannot tell which client's request caused this sampling/createMessage;"))
        << dump(expired);
    EXPECT_EQ(learnedKeys(expired), (QList<QByteArray>{"tools/call:sampleLLM", "tools/call:slowEcho"}));
    EXPECT_EQ(router.heldCount(), 0);
    EXPECT_FALSE(router.nextDeadlineMs().has_value());

    // From now on slowEcho is kept apart from session 1's sampleLLM: it waits.
    answer(slow);
    EXPECT_TRUE(ofKind(router.fromSession(2, call("2", "slowEcho")), Kind::ToChild).isEmpty());
    EXPECT_EQ(router.waitingCount(), 1);
}

TEST_F(RouterAttributionTest, RelatedTaskGoesToTheTaskOwnerWithoutWaiting)
{
    bringUp();
    connectSession(1, R"({"elicitation":{}})");
    connectSession(2, R"({"elicitation":{}})");
    const QByteArray created = R"({"task":{"taskId":"t1","status":"working","ttl":1000,"createdAt":"x","lastUpdatedAt":"x"}})";
    const qint64 taskCall = forward(1, request("1", "tools/call", R"({"name":"slow","arguments":{},"task":{"ttl":1000}})"));
    router.fromChild(result(QByteArray::number(taskCall), created));
    // Session 2 has a call in flight, session 1 none: only the task names the owner.
    forward(2, call("1", "busy"));
    const RouterActions asked = router.fromChild(request(
        "\"e\"", "elicitation/create",
        R"({"message":"ok?","requestedSchema":{"type":"object","properties":{}},"_meta":{"io.modelcontextprotocol/related-task":{"taskId":"t1"}}})"));
    EXPECT_EQ(deliveredTo(asked), 1u);
    EXPECT_TRUE(learnedKeys(asked).isEmpty());
}

TEST_F(RouterAttributionTest, NothingInFlightGoesToTheOnlyCapableSessionElseTheChildGetsAnError)
{
    bringUp();
    connectSession(1, Sampler);
    connectSession(2, "{}");
    EXPECT_EQ(deliveredTo(sample("1")), 1u);

    connectSession(3, Sampler);
    const RouterActions refused = sample("2");
    expectNothingDelivered(refused);
    const QJsonObject error = errorToChild(refused, 2);
    EXPECT_EQ(error.value("code").toInteger(), -32000);
    EXPECT_TRUE(error.value("message").toString().contains("2 connected clients could answer it"))
        << dump(refused);
}

TEST_F(RouterAttributionTest, CauseThatCannotAnswerGetsTheChildAnErrorNotAnotherClient)
{
    bringUp();
    connectSession(1, "{}");   // no sampling
    connectSession(2, Sampler);
    forward(1, call("1", "sampleLLM"));
    const RouterActions refused = sample("3");
    expectNothingDelivered(refused);
    EXPECT_EQ(errorToChild(refused, 3).value("code").toInteger(), -32601) << dump(refused);
}

TEST_F(RouterAttributionTest, RestoredAskersAreKeptApartFromTheFirstCall)
{
    router.setKnownAskers({QStringLiteral("tools/call:sampleLLM")});
    bringUp();
    connectSession(1, Sampler);
    connectSession(2, Sampler);
    EXPECT_EQ(router.knownAskers(), QStringList{"tools/call:sampleLLM"});
    // A clean run would make an unknown call plain; a known asker stays one.
    const qint64 clean = forward(1, call("1", "sampleLLM"));
    answer(clean);
    forward(1, call("2", "sampleLLM"));
    EXPECT_TRUE(ofKind(router.fromSession(2, call("1", "sampleLLM")), Kind::ToChild).isEmpty());
    EXPECT_EQ(router.waitingCount(), 1);

    // Control: without that knowledge a call that ran clean once overlaps freely.
    Router fresh{QStringLiteral("demo"), [this] { return now; }};
    std::swap(router, fresh);
    bringUp();
    connectSession(1, Sampler);
    connectSession(2, Sampler);
    answer(forward(1, call("1", "sampleLLM")));
    forward(1, call("2", "sampleLLM"));
    forward(2, call("1", "sampleLLM"));
    EXPECT_EQ(router.waitingCount(), 0);
}

TEST_F(RouterAttributionTest, UrlElicitationAndItsCompletionGoOnlyToTheSessionThatCausedIt)
{
    bringUp();
    connectSession(1, UrlCapable);
    connectSession(2, UrlCapable);
    learnPlain(1, "tools/call", R"({"name":"echo"})");
    const qint64 echo = forward(1, call("1", "echo"));
    forward(2, call("1", "signIn"));
    const QByteArray url = R"({"mode":"url","elicitationId":"e9","url":"https://example.com","message":"Sign in"})";
    EXPECT_TRUE(ofKind(router.fromChild(request("\"e\"", "elicitation/create", url)), Kind::ToSession).isEmpty());
    const RouterActions released = answer(echo);
    EXPECT_EQ(deliveredTo(released), 2u);

    const QByteArray complete = notification("notifications/elicitation/complete", R"({"elicitationId":"e9"})");
    const RouterActions completed = router.fromChild(complete);
    ASSERT_EQ(ofKind(completed, Kind::ToSession).size(), 1) << dump(completed);
    EXPECT_EQ(ofKind(completed, Kind::ToSession)[0].session, 2u);
}

TEST_F(RouterAttributionTest, CauseLeavingWhileHeldNeverHandsItToTheOtherSession)
{
    bringUp();
    connectSession(1, Sampler);
    connectSession(2, Sampler);
    learnPlain(2, "tools/call", R"({"name":"echo"})");
    forward(1, call("1", "sampleLLM"));
    const qint64 echo = forward(2, call("1", "echo"));
    EXPECT_TRUE(ofKind(sample("\"s\""), Kind::ToSession).isEmpty());

    // Session 1 goes: its call is cancelled upstream, but the child may still run it.
    const RouterActions gone = router.removeSession(1);
    expectNothingDelivered(gone);
    EXPECT_TRUE(errorToChild(gone, "s").isEmpty()) << dump(gone);
    EXPECT_EQ(router.heldCount(), 1);

    // Session 2's call ends: what is left is the departed session's call. Error, not session 2.
    const RouterActions finished = answer(echo);
    expectNothingDelivered(finished);
    EXPECT_TRUE(errorToChild(finished, "s").value("message").toString().contains("disconnected")) << dump(finished);
    EXPECT_EQ(learnedKeys(finished), QList<QByteArray>{"tools/call:sampleLLM"});
}

TEST_F(RouterAttributionTest, OtherCandidateLeavingWhileHeldWaitsUntilTheChildFinishesItsCall)
{
    bringUp();
    connectSession(1, Sampler);
    connectSession(2, Sampler);
    learnPlain(2, "tools/call", R"({"name":"echo"})");
    forward(1, call("1", "sampleLLM"));
    const qint64 echo = forward(2, call("1", "echo"));
    EXPECT_TRUE(ofKind(sample("\"s\""), Kind::ToSession).isEmpty());

    // Session 2 goes; the child may still be running its echo, which may be the cause.
    expectNothingDelivered(router.removeSession(2));
    EXPECT_EQ(router.heldCount(), 1);
    // The child finishes that echo after all (the answer nobody waits for): session 1 is left.
    const RouterActions late = answer(echo);
    EXPECT_EQ(deliveredTo(late), 1u);
}

TEST_F(RouterAttributionTest, CancelledCallStaysACandidateForAWhile)
{
    bringUp();
    connectSession(1, Sampler);
    connectSession(2, Sampler);
    forward(1, call("\"a\"", "sampleLLM"));
    const RouterActions cancelled =
        router.fromSession(1, notification("notifications/cancelled", R"({"requestId":"a"})"));
    ASSERT_EQ(ofKind(cancelled, Kind::ToChild).size(), 1) << dump(cancelled);
    forward(2, call("1", "sampleLLM"));   // the gate is free again

    // The child still asks, maybe for session 1's cancelled call: not handed to session 2 now.
    now += 100;
    EXPECT_TRUE(ofKind(sample("\"s\""), Kind::ToSession).isEmpty());
    EXPECT_EQ(router.heldCount(), 1);
    // Long after the cancel, the cancelled call no longer counts.
    now += 10000;
    EXPECT_EQ(deliveredTo(sample("\"t\"")), 2u);
}

TEST_F(RouterAttributionTest, ChildWithdrawingAHeldRequestDropsIt)
{
    bringUp();
    connectSession(1, Sampler);
    connectSession(2, Sampler);
    learnPlain(2, "tools/call", R"({"name":"echo"})");
    forward(1, call("1", "sampleLLM"));
    const qint64 echo = forward(2, call("1", "echo"));
    sample("\"s\"");
    EXPECT_EQ(router.heldCount(), 1);
    router.fromChild(notification("notifications/cancelled", R"({"requestId":"s"})"));
    EXPECT_EQ(router.heldCount(), 0);
    expectNothingDelivered(answer(echo));
}

TEST_F(RouterAttributionTest, ChildExitDropsHeldRequests)
{
    bringUp();
    connectSession(1, Sampler);
    connectSession(2, Sampler);
    learnPlain(2, "tools/call", R"({"name":"echo"})");
    forward(1, call("1", "sampleLLM"));
    forward(2, call("1", "echo"));
    sample("\"s\"");
    const RouterActions exited = router.childExited(QStringLiteral("gone"));
    EXPECT_EQ(router.heldCount(), 0);
    EXPECT_TRUE(ofKind(exited, Kind::ToChild).isEmpty()) << dump(exited);
}

} // namespace

// An HTTP upstream tags each server request with the request whose stream carried it: no call
// waits behind another session's, and the server request goes to exactly the session that asked,
// even with calls of both sessions in flight.
TEST_F(RouterAttributionTest, TaggedServerRequestsGoToTheirCallsSessionWithoutSerializing)
{
    router.setServerRequestsTagged(true);
    bringUp();
    connectSession(1, Sampler);
    connectSession(2, Sampler);
    const qint64 first = forward(1, call("1", "sampleLLM"));
    const qint64 second = forward(2, call("1", "sampleLLM"));   // not queued behind session 1's
    EXPECT_EQ(router.waitingCount(), 0);
    QByteArray line = request("9", "sampling/createMessage", Sampling);
    const RouterActions asked = router.consumeFromUpstream(std::move(line), QByteArray::number(second));
    EXPECT_EQ(deliveredTo(asked), 2u);
    QByteArray other = request("10", "sampling/createMessage", Sampling);
    EXPECT_EQ(deliveredTo(router.consumeFromUpstream(std::move(other), QByteArray::number(first))), 1u);
    answer(first);
    answer(second);
}
