// Unit tests for the pure multiplexing Router (core/broker/router.*), one group per rule of
// DESIGN.md "Multiplexing rules". The router is driven directly: lines in, actions out, with an
// injected fake clock. Output lines are compared as parsed JSON, and as raw bytes where the
// broker promises byte-exact pass-through.

#include "broker/router.h"
#include "jsonrpc/jsonrpc.h"
#include "manifold/version.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QSet>

#include <gtest/gtest.h>

#include <optional>
#include <ostream>

// Readable failure output for Qt byte arrays and strings.
inline void PrintTo(const QByteArray &bytes, std::ostream *os)
{
    *os << '"' << bytes.toStdString() << '"';
}
inline void PrintTo(const QString &text, std::ostream *os)
{
    *os << '"' << text.toStdString() << '"';
}

namespace manifold {
inline void PrintTo(RouterAction::Kind kind, std::ostream *os)
{
    static const char *const names[] = {"ToChild", "ToSession", "Log", "ChildReady", "HeartbeatAnswered", "NeedChild"};
    *os << names[int(kind)];
}
} // namespace manifold

namespace {

using manifold::Router;
using manifold::RouterAction;
using manifold::RouterActions;
using manifold::SessionId;
using Kind = RouterAction::Kind;
using State = Router::ChildState;

// "ü✓" in UTF-8, spelled as bytes so the test does not depend on the source encoding.
const QByteArray NonAscii = "\xc3\xbc\xe2\x9c\x93";

// What the child answers to the broker's initialize. Declares tools and resources, not prompts.
const QByteArray ChildInitResult =
    "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{\"listChanged\":true},"
    "\"resources\":{\"subscribe\":true,\"listChanged\":true}},"
    "\"serverInfo\":{\"name\":\"demo-server\",\"version\":\"1.50\"},\"instructions\":\"Gr" +
    NonAscii + "\"}";

const char *kindName(Kind kind)
{
    switch (kind) {
    case Kind::ToChild: return "ToChild";
    case Kind::ToSession: return "ToSession";
    case Kind::Log: return "Log";
    case Kind::ChildReady: return "ChildReady";
    case Kind::HeartbeatAnswered: return "HeartbeatAnswered";
    case Kind::NeedChild: return "NeedChild";
    }
    return "?";
}

std::string dump(const RouterActions &actions)
{
    std::string out;
    for (const RouterAction &action : actions) {
        out += std::string("  ") + kindName(action.kind) + " session=" + std::to_string(action.session) +
               " data=" + action.data.toStdString() + "\n";
    }
    return out.empty() ? std::string("  (no actions)\n") : out;
}

QJsonObject parse(const QByteArray &line)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
    EXPECT_EQ(error.error, QJsonParseError::NoError) << "not JSON: " << line.toStdString();
    EXPECT_TRUE(doc.isObject()) << "not a JSON object: " << line.toStdString();
    return doc.object();
}

RouterActions ofKind(const RouterActions &actions, Kind kind)
{
    RouterActions out;
    for (const RouterAction &action : actions) {
        if (action.kind == kind)
            out.append(action);
    }
    return out;
}

RouterActions toSession(const RouterActions &actions, SessionId session)
{
    RouterActions out;
    for (const RouterAction &action : actions) {
        if (action.kind == Kind::ToSession && action.session == session)
            out.append(action);
    }
    return out;
}

QByteArray request(QByteArrayView rawId, QByteArrayView method, QByteArrayView rawParams = {})
{
    return manifold::jsonrpc::makeRequest(rawId, method, rawParams);
}

QByteArray notification(QByteArrayView method, QByteArrayView rawParams = {})
{
    return manifold::jsonrpc::makeNotification(method, rawParams);
}

QByteArray result(QByteArrayView rawId, QByteArrayView rawResult)
{
    return manifold::jsonrpc::makeResult(rawId, rawResult);
}

QByteArray initializeLine(QByteArrayView rawId, QByteArrayView capabilities = "{}",
                          QByteArrayView clientName = "test-client")
{
    const QByteArray params = "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":" +
                              capabilities.toByteArray() + ",\"clientInfo\":{\"name\":\"" +
                              clientName.toByteArray() + "\",\"version\":\"9.9\"}}";
    return request(rawId, "initialize", params);
}

// The numeric id of a JSON-RPC line (broker ids and session-facing ids are always numbers).
qint64 idOf(const QByteArray &line)
{
    const QJsonValue id = parse(line).value(QStringLiteral("id"));
    EXPECT_TRUE(id.isDouble()) << "id is not a number: " << line.toStdString();
    return qint64(id.toDouble());
}

class RouterTest : public ::testing::Test
{
protected:
    qint64 now = 1000;
    Router router{QStringLiteral("demo"), [this] { return now; }};

    // childStarted(): returns the numeric id of the broker's initialize request.
    qint64 startChild()
    {
        const RouterActions actions = router.childStarted();
        EXPECT_EQ(actions.size(), 1) << dump(actions);
        if (actions.size() != 1 || actions[0].kind != Kind::ToChild) {
            ADD_FAILURE() << "childStarted did not send exactly one line to the child:\n" << dump(actions);
            return -1;
        }
        return idOf(actions[0].data);
    }

    RouterActions answerInit(qint64 initId, const QByteArray &rawResult = ChildInitResult)
    {
        return router.fromChild(result(QByteArray::number(initId), rawResult));
    }

    RouterActions bringUp(const QByteArray &rawResult = ChildInitResult)
    {
        const qint64 initId = startChild();
        RouterActions actions = answerInit(initId, rawResult);
        EXPECT_EQ(router.childState(), State::Ready);
        return actions;
    }

    // Adds a session and completes its initialize (child must be Ready).
    void connectSession(SessionId session, QByteArrayView capabilities = "{}")
    {
        router.addSession(session);
        const RouterActions actions = router.fromSession(session, initializeLine("0", capabilities));
        EXPECT_EQ(actions.size(), 1) << dump(actions);
        EXPECT_EQ(toSession(actions, session).size(), 1) << dump(actions);
        EXPECT_TRUE(router.fromSession(session, notification("notifications/initialized")).isEmpty());
        EXPECT_TRUE(router.sessionInfo(session).initialized);
    }

    // A session request that must go straight to the child; returns the broker id it got.
    qint64 forward(SessionId session, const QByteArray &line)
    {
        const RouterActions actions = router.fromSession(session, line);
        if (actions.size() != 1 || actions[0].kind != Kind::ToChild) {
            ADD_FAILURE() << "expected exactly one ToChild for " << line.toStdString() << ":\n"
                          << dump(actions);
            return -1;
        }
        return idOf(actions[0].data);
    }
};

// ---------------------------------------------------------------------------------------------
// 1. initialize: once, by the broker, single-flight, answered from the cache with each session's id

TEST_F(RouterTest, ChildStartedSendsExactlyOneInitializeWithBrokerIdentity)
{
    EXPECT_EQ(router.childState(), State::Down);
    const RouterActions actions = router.childStarted();
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    ASSERT_EQ(actions[0].kind, Kind::ToChild);
    EXPECT_EQ(router.childState(), State::Initializing);

    const QJsonObject message = parse(actions[0].data);
    EXPECT_EQ(message.value("jsonrpc").toString(), "2.0");
    EXPECT_EQ(message.value("method").toString(), "initialize");
    EXPECT_TRUE(message.value("id").isDouble());
    const QJsonObject params = message.value("params").toObject();
    EXPECT_EQ(params.value("protocolVersion").toString(), "2025-11-25");
    const QJsonObject clientInfo = params.value("clientInfo").toObject();
    EXPECT_EQ(clientInfo.value("name").toString(), "manifold");
    EXPECT_EQ(clientInfo.value("version").toString(), QString::fromUtf8(manifold::versionString()));
    const QJsonObject capabilities = params.value("capabilities").toObject();
    EXPECT_TRUE(capabilities.value("roots").isObject());
    EXPECT_TRUE(capabilities.value("sampling").isObject());
    EXPECT_TRUE(capabilities.value("elicitation").isObject());
    EXPECT_EQ(capabilities.value("roots").toObject().value("listChanged"), QJsonValue(true));
}

TEST_F(RouterTest, SessionInitializeWhileChildDownEmitsNeedChildAndWaits)
{
    router.addSession(1);
    const RouterActions actions = router.fromSession(1, initializeLine("\"a\""));
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    EXPECT_EQ(actions[0].kind, Kind::NeedChild);
    EXPECT_EQ(router.waitingCount(), 1);
    EXPECT_FALSE(router.sessionInfo(1).initialized);
    EXPECT_EQ(router.sessionInfo(1).clientName, "test-client");
    EXPECT_EQ(router.sessionInfo(1).clientVersion, "9.9");
    EXPECT_EQ(router.sessionInfo(1).protocolVersion, "2025-06-18");
    EXPECT_EQ(router.sessionInfo(1).capabilities, "{}");
}

TEST_F(RouterTest, InitializeIsSingleFlightAndEachSessionGetsItsOwnId)
{
    router.addSession(1);
    router.addSession(2);
    router.addSession(3);
    // Both sessions initialize before there is a child.
    EXPECT_TRUE(ofKind(router.fromSession(1, initializeLine("\"a\"")), Kind::ToChild).isEmpty());
    EXPECT_TRUE(ofKind(router.fromSession(2, initializeLine("7")), Kind::ToChild).isEmpty());

    const qint64 initId = startChild();   // exactly one initialize to the child

    // A third session initializing while the child is starting waits too: nothing at all happens.
    EXPECT_TRUE(router.fromSession(3, initializeLine("\"third\"")).isEmpty());
    EXPECT_EQ(router.waitingCount(), 3);

    const RouterActions actions = answerInit(initId);
    EXPECT_EQ(router.childState(), State::Ready);
    EXPECT_EQ(router.cachedInitializeResult(), ChildInitResult);

    // To the child: only the broker's own notifications/initialized, once.
    const RouterActions toChild = ofKind(actions, Kind::ToChild);
    ASSERT_EQ(toChild.size(), 1) << dump(actions);
    EXPECT_EQ(toChild[0].data, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    EXPECT_EQ(ofKind(actions, Kind::ChildReady).size(), 1);

    // Each waiting session gets the child's result, byte for byte, under its own id and id type.
    const RouterActions s1 = toSession(actions, 1);
    const RouterActions s2 = toSession(actions, 2);
    const RouterActions s3 = toSession(actions, 3);
    ASSERT_EQ(s1.size(), 1) << dump(actions);
    ASSERT_EQ(s2.size(), 1) << dump(actions);
    ASSERT_EQ(s3.size(), 1) << dump(actions);
    EXPECT_EQ(s1[0].data, "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":" + ChildInitResult + "}");
    EXPECT_EQ(s2[0].data, "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":" + ChildInitResult + "}");
    EXPECT_EQ(s3[0].data, "{\"jsonrpc\":\"2.0\",\"id\":\"third\",\"result\":" + ChildInitResult + "}");
    const QJsonValue id1 = parse(s1[0].data).value("id");
    const QJsonValue id2 = parse(s2[0].data).value("id");
    EXPECT_TRUE(id1.isString());
    EXPECT_EQ(id1.toString(), "a");
    EXPECT_TRUE(id2.isDouble());
    EXPECT_EQ(id2.toInteger(), 7);
    EXPECT_EQ(parse(s1[0].data).value("result").toObject().value("serverInfo").toObject().value("name"),
              QJsonValue("demo-server"));
    EXPECT_TRUE(router.sessionInfo(1).initialized);
    EXPECT_TRUE(router.sessionInfo(2).initialized);
    EXPECT_EQ(router.waitingCount(), 0);
}

TEST_F(RouterTest, InitializeWhileChildStartingDoesNotAskForAnotherChild)
{
    startChild();
    router.addSession(1);
    EXPECT_TRUE(router.fromSession(1, initializeLine("1")).isEmpty());
}

TEST_F(RouterTest, LaterInitializeIsAnsweredFromCacheWithoutTouchingTheChild)
{
    bringUp();
    router.addSession(4);
    const RouterActions actions = router.fromSession(4, initializeLine("\"late\"", "{\"sampling\":{}}", "late-client"));
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    EXPECT_EQ(actions[0].kind, Kind::ToSession);
    EXPECT_EQ(actions[0].session, 4u);
    EXPECT_EQ(actions[0].data, "{\"jsonrpc\":\"2.0\",\"id\":\"late\",\"result\":" + ChildInitResult + "}");
    EXPECT_TRUE(router.sessionInfo(4).initialized);
    EXPECT_EQ(router.sessionInfo(4).clientName, "late-client");
    EXPECT_EQ(router.sessionInfo(4).capabilities, "{\"sampling\":{}}");
}

// ---------------------------------------------------------------------------------------------
// 2. notifications/initialized: the broker sends its own once, swallows the sessions'

TEST_F(RouterTest, BrokerSendsInitializedOnceAndSwallowsSessionsInitialized)
{
    router.addSession(1);
    router.addSession(2);
    router.fromSession(1, initializeLine("1"));
    router.fromSession(2, initializeLine("1"));
    const qint64 initId = startChild();
    RouterActions all = answerInit(initId);
    all += router.fromSession(1, notification("notifications/initialized"));
    all += router.fromSession(2, notification("notifications/initialized"));
    EXPECT_TRUE(router.fromSession(1, notification("notifications/initialized")).isEmpty());

    int initialized = 0;
    for (const RouterAction &action : ofKind(all, Kind::ToChild)) {
        if (parse(action.data).value("method").toString() == "notifications/initialized")
            ++initialized;
    }
    EXPECT_EQ(initialized, 1) << dump(all);
    EXPECT_EQ(ofKind(all, Kind::ToChild).size(), 1) << dump(all);
}

TEST_F(RouterTest, OtherSessionNotificationsGoToTheChildWhenReadyAndAreDroppedOtherwise)
{
    router.addSession(1);
    const QByteArray line = notification("notifications/roots/list_changed");
    const RouterActions early = router.fromSession(1, line);
    ASSERT_EQ(early.size(), 1) << dump(early);
    EXPECT_EQ(early[0].kind, Kind::Log);

    bringUp();
    const RouterActions actions = router.fromSession(1, line);
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    EXPECT_EQ(actions[0].kind, Kind::ToChild);
    EXPECT_EQ(actions[0].data, line);
}

// ---------------------------------------------------------------------------------------------
// 3. request ids: broker-unique upstream, restored (with JSON type) downstream, byte-exact payloads

TEST_F(RouterTest, CollidingRequestIdsFromTwoSessionsGetDistinctBrokerIds)
{
    bringUp();
    connectSession(1);
    connectSession(2);

    const QByteArray params = "{\"name\":\"echo\",\"arguments\":{\"text\":\"" + NonAscii + "\",\"n\":1.50}}";
    struct Sent { SessionId session; QByteArray rawId; qint64 brokerId; };
    QList<Sent> sent;
    for (SessionId session : {SessionId(1), SessionId(2)}) {
        for (QByteArray rawId : {QByteArray("0"), QByteArray("\"1\"")}) {
            const QByteArray line = request(rawId, "tools/call", params);
            const RouterActions actions = router.fromSession(session, line);
            ASSERT_EQ(actions.size(), 1) << dump(actions);
            ASSERT_EQ(actions[0].kind, Kind::ToChild);
            const qint64 brokerId = idOf(actions[0].data);
            // Only the id changed: every other byte is what the session sent.
            EXPECT_EQ(actions[0].data, request(QByteArray::number(brokerId), "tools/call", params));
            sent.append({session, rawId, brokerId});
        }
    }
    QSet<qint64> distinct;
    for (const Sent &s : sent)
        distinct.insert(s.brokerId);
    EXPECT_EQ(distinct.size(), 4);
    EXPECT_EQ(router.inFlightCount(), 4);

    // Answer in reverse order; each answer goes only to its session with its original id.
    for (auto it = sent.crbegin(); it != sent.crend(); ++it) {
        const QByteArray payload = "{\"content\":[{\"type\":\"text\",\"text\":\"" + NonAscii +
                                   "\"}],\"n\":1.50,\"for\":" + QByteArray::number(it->brokerId) + "}";
        const RouterActions actions = router.fromChild(result(QByteArray::number(it->brokerId), payload));
        ASSERT_EQ(actions.size(), 1) << dump(actions);
        EXPECT_EQ(actions[0].kind, Kind::ToSession);
        EXPECT_EQ(actions[0].session, it->session);
        EXPECT_EQ(actions[0].data, result(it->rawId, payload));   // raw bytes: ü✓ and 1.50 unchanged
        const QJsonValue id = parse(actions[0].data).value("id");
        if (it->rawId == "0") {
            EXPECT_TRUE(id.isDouble());
            EXPECT_EQ(id.toInteger(), 0);
        } else {
            EXPECT_TRUE(id.isString());
            EXPECT_EQ(id.toString(), "1");
        }
    }
    EXPECT_EQ(router.inFlightCount(), 0);
    EXPECT_EQ(router.sessionInfo(1).requestsServed, 2);
    EXPECT_EQ(router.sessionInfo(2).requestsServed, 2);
}

TEST_F(RouterTest, ResponsePayloadIsByteIdenticalToWhatTheChildSent)
{
    bringUp();
    connectSession(1);
    const qint64 brokerId = forward(1, request("\"req-1\"", "tools/call", "{\"name\":\"x\"}"));

    // Odd but valid spacing, key order, escapes, number spellings and non-ASCII must survive.
    const QByteArray tail = ",  \"result\" : {\"z\":1.50,\"a\":\"" + NonAscii +
                            "\",\"esc\":\"\\u00fc\\n\",\"big\":12345678901234567890,\"e\":1E+2} }";
    const QByteArray fromChild = "{ \"jsonrpc\":\"2.0\", \"id\" : " + QByteArray::number(brokerId) + tail;
    const RouterActions actions = router.fromChild(fromChild);
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    EXPECT_EQ(actions[0].kind, Kind::ToSession);
    EXPECT_EQ(actions[0].session, 1u);
    EXPECT_EQ(actions[0].data, "{ \"jsonrpc\":\"2.0\", \"id\" : \"req-1\"" + tail);
}

TEST_F(RouterTest, ErrorResponsesAreRoutedAndRestoredToo)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    const qint64 brokerId = forward(2, request("42", "tools/call", "{}"));
    const QByteArray error = "{\"code\":-32602,\"message\":\"bad " + NonAscii + "\"}";
    const RouterActions actions =
        router.fromChild("{\"jsonrpc\":\"2.0\",\"id\":" + QByteArray::number(brokerId) + ",\"error\":" + error + "}");
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    EXPECT_EQ(actions[0].kind, Kind::ToSession);
    EXPECT_EQ(actions[0].session, 2u);
    EXPECT_EQ(actions[0].data, "{\"jsonrpc\":\"2.0\",\"id\":42,\"error\":" + error + "}");
}

// ---------------------------------------------------------------------------------------------
// 4. progress tokens

TEST_F(RouterTest, ProgressTokensAreRewrittenAndRoutedBackWithTheirOriginalType)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    connectSession(3);

    // TypeScript SDK style: token == request id, so sessions 1 and 2 collide on token 5.
    struct Sent { SessionId session; QByteArray rawToken; qint64 brokerToken; };
    QList<Sent> sent;
    const QList<QPair<SessionId, QByteArray>> plan{{1, "5"}, {2, "5"}, {3, "\"tok-" + NonAscii + "\""}};
    for (const auto &[session, rawToken] : plan) {
        const QByteArray params = "{\"name\":\"slow\",\"_meta\":{\"progressToken\":" + rawToken + "}}";
        const RouterActions actions = router.fromSession(session, request("5", "tools/call", params));
        ASSERT_EQ(actions.size(), 1) << dump(actions);
        ASSERT_EQ(actions[0].kind, Kind::ToChild);
        const QJsonObject upstream = parse(actions[0].data);
        const QJsonValue token =
            upstream.value("params").toObject().value("_meta").toObject().value("progressToken");
        ASSERT_TRUE(token.isDouble()) << actions[0].data.toStdString();
        const qint64 brokerToken = token.toInteger();
        const qint64 brokerId = upstream.value("id").toInteger();
        EXPECT_EQ(actions[0].data,
                  request(QByteArray::number(brokerId), "tools/call",
                          "{\"name\":\"slow\",\"_meta\":{\"progressToken\":" + QByteArray::number(brokerToken) + "}}"));
        sent.append({session, rawToken, brokerToken});
    }
    EXPECT_NE(sent[0].brokerToken, sent[1].brokerToken);
    EXPECT_NE(sent[0].brokerToken, sent[2].brokerToken);
    EXPECT_NE(sent[1].brokerToken, sent[2].brokerToken);

    for (const Sent &s : sent) {
        const QByteArray before = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":";
        const QByteArray after = ",\"progress\":1.50,\"total\":3,\"message\":\"" + NonAscii + "\"}}";
        const RouterActions actions = router.fromChild(before + QByteArray::number(s.brokerToken) + after);
        ASSERT_EQ(actions.size(), 1) << dump(actions);
        EXPECT_EQ(actions[0].kind, Kind::ToSession);
        EXPECT_EQ(actions[0].session, s.session);
        EXPECT_EQ(actions[0].data, before + s.rawToken + after);
        const QJsonValue token = parse(actions[0].data).value("params").toObject().value("progressToken");
        if (s.rawToken.startsWith('"'))
            EXPECT_TRUE(token.isString());
        else
            EXPECT_TRUE(token.isDouble());
    }
}

TEST_F(RouterTest, ProgressForAnUnknownTokenIsDroppedWithALog)
{
    bringUp();
    connectSession(1);
    forward(1, request("1", "tools/call", "{\"_meta\":{\"progressToken\":1}}"));
    for (QByteArray token : {QByteArray("987654"), QByteArray("\"1\""), QByteArray("\"abc\"")}) {
        const RouterActions actions = router.fromChild(
            notification("notifications/progress", "{\"progressToken\":" + token + ",\"progress\":1}"));
        ASSERT_EQ(actions.size(), 1) << dump(actions);
        EXPECT_EQ(actions[0].kind, Kind::Log);
    }
    const RouterActions missing = router.fromChild(notification("notifications/progress", "{\"progress\":1}"));
    ASSERT_EQ(missing.size(), 1) << dump(missing);
    EXPECT_EQ(missing[0].kind, Kind::Log);
}

TEST_F(RouterTest, ProgressAfterTheResponseIsDropped)
{
    bringUp();
    connectSession(1);
    const RouterActions sent = router.fromSession(1, request("1", "tools/call", "{\"_meta\":{\"progressToken\":\"t\"}}"));
    ASSERT_EQ(sent.size(), 1) << dump(sent);
    const QJsonObject upstream = parse(sent[0].data);
    const qint64 brokerId = upstream.value("id").toInteger();
    const qint64 brokerToken =
        upstream.value("params").toObject().value("_meta").toObject().value("progressToken").toInteger();
    const QByteArray progress = notification(
        "notifications/progress", "{\"progressToken\":" + QByteArray::number(brokerToken) + ",\"progress\":1}");

    EXPECT_EQ(toSession(router.fromChild(progress), 1).size(), 1);
    EXPECT_EQ(toSession(router.fromChild(result(QByteArray::number(brokerId), "{}")), 1).size(), 1);

    const RouterActions late = router.fromChild(progress);
    ASSERT_EQ(late.size(), 1) << dump(late);
    EXPECT_EQ(late[0].kind, Kind::Log);
}

// ---------------------------------------------------------------------------------------------
// 5. notifications/cancelled from a session

TEST_F(RouterTest, SessionCancelIsRewrittenToTheBrokerIdAndTheLateResponseIsDropped)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    const qint64 brokerId = forward(1, request("\"r1\"", "tools/call", "{}"));

    const RouterActions actions = router.fromSession(
        1, notification("notifications/cancelled", "{\"requestId\":\"r1\",\"reason\":\"user " + NonAscii + "\"}"));
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    EXPECT_EQ(actions[0].kind, Kind::ToChild);
    EXPECT_EQ(actions[0].data,
              notification("notifications/cancelled",
                           "{\"requestId\":" + QByteArray::number(brokerId) + ",\"reason\":\"user " + NonAscii + "\"}"));
    EXPECT_EQ(router.inFlightCount(), 0);

    // The child may still answer: nothing reaches any session, and it is not an "unknown id".
    EXPECT_TRUE(router.fromChild(result(QByteArray::number(brokerId), "{}")).isEmpty());
    // The id is free again for the session.
    forward(1, request("\"r1\"", "tools/call", "{}"));
}

TEST_F(RouterTest, CancelOfAnotherSessionsRequestIdIsNotForwarded)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    const qint64 brokerId = forward(1, request("3", "tools/call", "{}"));
    const RouterActions actions =
        router.fromSession(2, notification("notifications/cancelled", "{\"requestId\":3}"));
    EXPECT_TRUE(ofKind(actions, Kind::ToChild).isEmpty()) << dump(actions);
    EXPECT_EQ(ofKind(actions, Kind::Log).size(), 1) << dump(actions);
    // Session 1's request is unaffected.
    const RouterActions answer = router.fromChild(result(QByteArray::number(brokerId), "{}"));
    ASSERT_EQ(answer.size(), 1) << dump(answer);
    EXPECT_EQ(answer[0].session, 1u);
}

TEST_F(RouterTest, CancelOfAQueuedRequestRemovesItAndNothingIsForwarded)
{
    router.addSession(1);
    router.fromSession(1, initializeLine("0"));
    const qint64 initId = startChild();
    EXPECT_TRUE(router.fromSession(1, request("\"q\"", "tools/list")).isEmpty());   // queued
    EXPECT_EQ(router.waitingCount(), 2);   // the initialize and the request

    const RouterActions cancel =
        router.fromSession(1, notification("notifications/cancelled", "{\"requestId\":\"q\"}"));
    EXPECT_TRUE(cancel.isEmpty()) << dump(cancel);
    EXPECT_EQ(router.waitingCount(), 1);
    EXPECT_TRUE(router.requests().isEmpty());

    const RouterActions ready = answerInit(initId);
    const RouterActions toChild = ofKind(ready, Kind::ToChild);
    ASSERT_EQ(toChild.size(), 1) << dump(ready);   // only notifications/initialized
    EXPECT_EQ(parse(toChild[0].data).value("method").toString(), "notifications/initialized");
}

TEST_F(RouterTest, CancelOfARequestQueuedWhileTheChildIsDownIsNotSentAfterRestart)
{
    bringUp();
    connectSession(1);
    router.childExited(QStringLiteral("server 'demo' exited with code 1"));
    const RouterActions queued = router.fromSession(1, request("11", "tools/call", "{\"_meta\":{\"progressToken\":11}}"));
    ASSERT_EQ(queued.size(), 1) << dump(queued);
    EXPECT_EQ(queued[0].kind, Kind::NeedChild);
    EXPECT_TRUE(router.fromSession(1, notification("notifications/cancelled", "{\"requestId\":11}")).isEmpty());
    EXPECT_EQ(router.waitingCount(), 0);

    const RouterActions ready = answerInit(startChild());
    const RouterActions toChild = ofKind(ready, Kind::ToChild);
    ASSERT_EQ(toChild.size(), 1) << dump(ready);
    EXPECT_EQ(parse(toChild[0].data).value("method").toString(), "notifications/initialized");
}

// ---------------------------------------------------------------------------------------------
// 6. session disconnect

TEST_F(RouterTest, RemoveSessionCancelsItsInFlightRequestsUpstream)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    const RouterActions sentA = router.fromSession(1, request("1", "tools/call", "{\"_meta\":{\"progressToken\":1}}"));
    ASSERT_EQ(sentA.size(), 1) << dump(sentA);
    const QJsonObject upstreamA = parse(sentA[0].data);
    const qint64 a = upstreamA.value("id").toInteger();
    const qint64 tokenA =
        upstreamA.value("params").toObject().value("_meta").toObject().value("progressToken").toInteger();
    const qint64 b = forward(1, request("\"2\"", "resources/read", "{}"));
    const qint64 other = forward(2, request("1", "tools/call", "{}"));

    const RouterActions actions = router.removeSession(1);
    ASSERT_EQ(actions.size(), 2) << dump(actions);
    QSet<qint64> cancelled;
    for (const RouterAction &action : actions) {
        EXPECT_EQ(action.kind, Kind::ToChild);
        const QJsonObject message = parse(action.data);
        EXPECT_EQ(message.value("method").toString(), "notifications/cancelled");
        EXPECT_FALSE(message.contains("id"));
        const QJsonValue requestId = message.value("params").toObject().value("requestId");
        EXPECT_TRUE(requestId.isDouble());
        cancelled.insert(requestId.toInteger());
    }
    EXPECT_EQ(cancelled, (QSet<qint64>{a, b}));
    EXPECT_EQ(router.sessionCount(), 1);
    EXPECT_EQ(router.inFlightCount(), 1);

    // Late responses for the gone session vanish silently: no ToSession, no "unknown id" log.
    EXPECT_TRUE(router.fromChild(result(QByteArray::number(a), "{}")).isEmpty());
    EXPECT_TRUE(router.fromChild(result(QByteArray::number(b), "{}")).isEmpty());

    // The other session is unaffected.
    const RouterActions answer = router.fromChild(result(QByteArray::number(other), "{\"ok\":true}"));
    ASSERT_EQ(answer.size(), 1) << dump(answer);
    EXPECT_EQ(answer[0].kind, Kind::ToSession);
    EXPECT_EQ(answer[0].session, 2u);
    EXPECT_EQ(answer[0].data, result("1", "{\"ok\":true}"));

    // Its progress routes are gone as well.
    const RouterActions progress =
        router.fromChild(notification("notifications/progress", "{\"progressToken\":" + QByteArray::number(tokenA) +
                                                                  ",\"progress\":1}"));
    ASSERT_EQ(progress.size(), 1) << dump(progress);
    EXPECT_EQ(progress[0].kind, Kind::Log);

    // Removing an unknown session is harmless.
    EXPECT_TRUE(router.removeSession(1).isEmpty());
}

TEST_F(RouterTest, RemoveSessionDropsItsQueuedRequestsAndWaitingInitialize)
{
    router.addSession(1);
    router.addSession(2);
    router.fromSession(1, initializeLine("0"));
    router.fromSession(2, initializeLine("0"));
    const qint64 initId = startChild();
    router.fromSession(1, request("1", "tools/list"));
    router.fromSession(2, request("1", "tools/list"));
    EXPECT_EQ(router.waitingCount(), 4);

    EXPECT_TRUE(router.removeSession(1).isEmpty());   // nothing was sent: nothing to cancel
    EXPECT_EQ(router.waitingCount(), 2);

    const RouterActions ready = answerInit(initId);
    EXPECT_TRUE(toSession(ready, 1).isEmpty()) << dump(ready);
    EXPECT_EQ(toSession(ready, 2).size(), 1) << dump(ready);
    const RouterActions toChild = ofKind(ready, Kind::ToChild);
    ASSERT_EQ(toChild.size(), 2) << dump(ready);   // notifications/initialized + session 2's request
    EXPECT_EQ(parse(toChild[1].data).value("method").toString(), "tools/list");
}

// ---------------------------------------------------------------------------------------------
// 7. ping

TEST_F(RouterTest, PingFromASessionIsAnsweredByTheBroker)
{
    router.addSession(1);
    const RouterActions whileDown = router.fromSession(1, request("\"p0\"", "ping"));
    ASSERT_EQ(whileDown.size(), 1) << dump(whileDown);
    EXPECT_EQ(whileDown[0].kind, Kind::ToSession);
    EXPECT_EQ(whileDown[0].data, result("\"p0\"", "{}"));

    bringUp();
    router.fromSession(1, initializeLine("0"));
    const RouterActions actions = router.fromSession(1, request("17", "ping"));
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    EXPECT_EQ(actions[0].kind, Kind::ToSession);
    EXPECT_EQ(actions[0].session, 1u);
    EXPECT_EQ(actions[0].data, "{\"jsonrpc\":\"2.0\",\"id\":17,\"result\":{}}");
}

TEST_F(RouterTest, PingFromTheChildIsAnsweredByTheBroker)
{
    bringUp();
    connectSession(1);
    const RouterActions actions = router.fromChild("{\"jsonrpc\":\"2.0\",\"id\":\"srv-1\",\"method\":\"ping\"}");
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    EXPECT_EQ(actions[0].kind, Kind::ToChild);
    EXPECT_EQ(actions[0].data, "{\"jsonrpc\":\"2.0\",\"id\":\"srv-1\",\"result\":{}}");
    const QJsonObject answer = parse(actions[0].data);
    EXPECT_EQ(answer.value("id"), QJsonValue("srv-1"));
    EXPECT_EQ(answer.value("result").toObject(), QJsonObject());

    const RouterActions numeric = router.fromChild(request("3", "ping"));
    ASSERT_EQ(numeric.size(), 1) << dump(numeric);
    EXPECT_EQ(numeric[0].data, result("3", "{}"));
}

// ---------------------------------------------------------------------------------------------
// 8. list_changed broadcast

TEST_F(RouterTest, ListChangedGoesToEveryInitializedSessionOnly)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    router.addSession(3);   // connected, but has not completed initialize
    for (const char *kind : {"tools", "prompts", "resources"}) {
        const QByteArray line = notification("notifications/" + QByteArray(kind) + "/list_changed");
        const RouterActions actions = router.fromChild(line);
        ASSERT_EQ(actions.size(), 2) << kind << "\n" << dump(actions);
        ASSERT_EQ(toSession(actions, 1).size(), 1);
        ASSERT_EQ(toSession(actions, 2).size(), 1);
        EXPECT_TRUE(toSession(actions, 3).isEmpty());
        EXPECT_EQ(toSession(actions, 1)[0].data, line);
        EXPECT_EQ(toSession(actions, 2)[0].data, line);
    }
}

// ---------------------------------------------------------------------------------------------
// 9. unknown response ids

TEST_F(RouterTest, UnknownResponseIdFromTheChildIsLoggedAndDropped)
{
    bringUp();
    connectSession(1);
    const qint64 brokerId = forward(1, request("1", "tools/list"));
    for (QByteArray rawId : {QByteArray("999"), QByteArray("\"") + QByteArray::number(brokerId) + "\"",
                             QByteArray("null"), QByteArray("-1")}) {
        const RouterActions actions = router.fromChild(result(rawId, "{}"));
        ASSERT_EQ(actions.size(), 1) << rawId.toStdString() << "\n" << dump(actions);
        EXPECT_EQ(actions[0].kind, Kind::Log);
    }
    // The real request is still in flight and is answered normally.
    EXPECT_EQ(toSession(router.fromChild(result(QByteArray::number(brokerId), "{}")), 1).size(), 1);
}

TEST_F(RouterTest, ResponseWithIdZeroIsNotMistakenForAHeartbeatAnswer)
{
    bringUp();
    connectSession(1);
    ASSERT_FALSE(router.heartbeatOutstanding());
    // Regression: with no heartbeat outstanding, a response with id 0 (never used by the broker)
    // once counted as a heartbeat answer; it must be logged and dropped like any unknown id.
    const RouterActions actions = router.fromChild(result("0", "{}"));
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    EXPECT_EQ(actions[0].kind, Kind::Log) << dump(actions);
}

// ---------------------------------------------------------------------------------------------
// 10. garbage and invalid messages

TEST_F(RouterTest, NotJsonFromASessionGetsAParseErrorWithNullId)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    for (QByteArray line : {QByteArray("hello"), QByteArray("{\"jsonrpc\":\"2.0\",\"id\":1,"), QByteArray("")}) {
        const RouterActions actions = router.fromSession(1, line);
        ASSERT_EQ(actions.size(), 1) << dump(actions);
        EXPECT_EQ(actions[0].kind, Kind::ToSession);
        EXPECT_EQ(actions[0].session, 1u);
        const QJsonObject error = parse(actions[0].data);
        EXPECT_TRUE(error.contains("id"));
        EXPECT_TRUE(error.value("id").isNull());
        EXPECT_EQ(error.value("error").toObject().value("code").toInteger(), -32700);
        EXPECT_FALSE(error.value("error").toObject().value("message").toString().isEmpty());
    }
}

TEST_F(RouterTest, InvalidJsonRpcFromASessionGetsInvalidRequest)
{
    bringUp();
    connectSession(1);
    struct Case { QByteArray line; QJsonValue expectedId; };
    const QList<Case> cases{
        {"{\"id\":3,\"method\":\"tools/list\"}", QJsonValue(3)},                       // no jsonrpc
        {"{\"jsonrpc\":\"1.0\",\"id\":\"x\",\"method\":\"tools/list\"}", QJsonValue("x")},
        {"{\"jsonrpc\":\"2.0\"}", QJsonValue(QJsonValue::Null)},                        // nothing
        {"42", QJsonValue(QJsonValue::Null)},                                          // not an object
        {"[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", QJsonValue(QJsonValue::Null)},   // batch
    };
    for (const Case &c : cases) {
        const RouterActions actions = router.fromSession(1, c.line);
        ASSERT_EQ(actions.size(), 1) << c.line.toStdString() << "\n" << dump(actions);
        EXPECT_EQ(actions[0].kind, Kind::ToSession);
        EXPECT_EQ(actions[0].session, 1u);
        const QJsonObject error = parse(actions[0].data);
        EXPECT_EQ(error.value("id"), c.expectedId) << c.line.toStdString();
        EXPECT_EQ(error.value("error").toObject().value("code").toInteger(), -32600) << c.line.toStdString();
    }
}

TEST_F(RouterTest, GarbageFromTheChildIsOnlyLogged)
{
    bringUp();
    connectSession(1);
    for (QByteArray line : {QByteArray("npm WARN deprecated something"), QByteArray("{\"id\":1,\"result\":{}}"),
                            QByteArray("[1,2]")}) {
        const RouterActions actions = router.fromChild(line);
        ASSERT_EQ(actions.size(), 1) << dump(actions);
        EXPECT_EQ(actions[0].kind, Kind::Log);
    }
}

TEST_F(RouterTest, OversizedLineFromASessionIsRefusedToThatSessionOnly)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    const RouterActions actions = router.oversizedFromSession(2, 1048576);
    const RouterActions toSessions = ofKind(actions, Kind::ToSession);
    ASSERT_EQ(toSessions.size(), 1) << dump(actions);
    EXPECT_EQ(toSessions[0].session, 2u);
    EXPECT_TRUE(ofKind(actions, Kind::ToChild).isEmpty());
    const QJsonObject error = parse(toSessions[0].data);
    EXPECT_TRUE(error.value("id").isNull());
    EXPECT_EQ(error.value("error").toObject().value("code").toInteger(), -32001);
    EXPECT_TRUE(error.value("error").toObject().value("message").toString().contains("1048576"));
    for (const RouterAction &action : actions)
        EXPECT_TRUE(action.kind == Kind::ToSession || action.kind == Kind::Log) << dump(actions);
}

// ---------------------------------------------------------------------------------------------
// 11. child exit and restart

TEST_F(RouterTest, ChildExitFailsForwardedRequestsAndKeepsUnsentOnes)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    const qint64 a = forward(1, request("\"a\"", "tools/call", "{}"));
    forward(2, request("7", "tools/call", "{}"));

    const QString description = QStringLiteral("server 'demo' exited with code 3 while handling this request");
    const RouterActions exited = router.childExited(description);
    EXPECT_EQ(router.childState(), State::Down);
    ASSERT_EQ(exited.size(), 2) << dump(exited);
    for (SessionId session : {SessionId(1), SessionId(2)}) {
        const RouterActions mine = toSession(exited, session);
        ASSERT_EQ(mine.size(), 1) << dump(exited);
        const QJsonObject error = parse(mine[0].data);
        EXPECT_EQ(error.value("id"), session == 1 ? QJsonValue("a") : QJsonValue(7));
        const QJsonObject body = error.value("error").toObject();
        EXPECT_EQ(body.value("code").toInteger(), -32000);
        const QString message = body.value("message").toString();
        EXPECT_TRUE(message.contains("demo")) << message.toStdString();
        EXPECT_TRUE(message.contains("exited with code 3")) << message.toStdString();
    }
    EXPECT_EQ(router.inFlightCount(), 0);

    // The dead child's late answer is an unknown id now.
    EXPECT_TRUE(toSession(router.fromChild(result(QByteArray::number(a), "{}")), 1).isEmpty());

    // While the child is down, requests queue and ask for a child.
    const RouterActions queued = router.fromSession(1, request("\"b\"", "tools/list"));
    ASSERT_EQ(queued.size(), 1) << dump(queued);
    EXPECT_EQ(queued[0].kind, Kind::NeedChild);
    const qint64 initId = startChild();
    EXPECT_TRUE(router.fromSession(2, request("8", "prompts/list")).isEmpty());   // queued while starting

    // A second exit while starting keeps the unsent requests.
    EXPECT_TRUE(router.childExited(QStringLiteral("server 'demo' exited with code 1")).isEmpty());
    EXPECT_EQ(router.waitingCount(), 2);
    const RouterActions stale = router.fromChild(result(QByteArray::number(initId), ChildInitResult));
    ASSERT_EQ(stale.size(), 1) << dump(stale);   // the dead child's initialize answer is unknown now
    EXPECT_EQ(stale[0].kind, Kind::Log);
    EXPECT_EQ(router.childState(), State::Down);

    const qint64 initId2 = startChild();
    const RouterActions ready = answerInit(initId2);
    const RouterActions toChild = ofKind(ready, Kind::ToChild);
    ASSERT_EQ(toChild.size(), 3) << dump(ready);
    EXPECT_EQ(parse(toChild[0].data).value("method").toString(), "notifications/initialized");
    const QJsonObject b = parse(toChild[1].data);
    const QJsonObject c = parse(toChild[2].data);
    EXPECT_EQ(b.value("method").toString(), "tools/list");
    EXPECT_EQ(c.value("method").toString(), "prompts/list");
    EXPECT_EQ(router.inFlightCount(), 2);

    const RouterActions answerB = router.fromChild(result(QByteArray::number(b.value("id").toInteger()), "{\"tools\":[]}"));
    ASSERT_EQ(answerB.size(), 1) << dump(answerB);
    EXPECT_EQ(answerB[0].session, 1u);
    EXPECT_EQ(answerB[0].data, result("\"b\"", "{\"tools\":[]}"));
    const RouterActions answerC = router.fromChild(result(QByteArray::number(c.value("id").toInteger()), "{}"));
    ASSERT_EQ(answerC.size(), 1) << dump(answerC);
    EXPECT_EQ(answerC[0].session, 2u);
    EXPECT_EQ(answerC[0].data, result("8", "{}"));
}

TEST_F(RouterTest, InitializeWaitingAcrossAChildExitIsAnsweredAfterTheRestart)
{
    router.addSession(1);
    router.fromSession(1, initializeLine("\"i\""));
    startChild();
    EXPECT_TRUE(router.childExited(QStringLiteral("server 'demo' exited with code 1")).isEmpty());
    const RouterActions ready = answerInit(startChild());
    const RouterActions mine = toSession(ready, 1);
    ASSERT_EQ(mine.size(), 1) << dump(ready);
    EXPECT_EQ(mine[0].data, result("\"i\"", ChildInitResult));
}

TEST_F(RouterTest, RestartTellsSessionsListChangedForDeclaredCapabilities)
{
    const RouterActions first = bringUp();
    // The first initialize is not a change.
    EXPECT_TRUE(ofKind(first, Kind::ToSession).isEmpty()) << dump(first);
    connectSession(1);
    connectSession(2);
    router.addSession(3);   // not initialized: gets nothing

    router.childExited(QStringLiteral("server 'demo' exited with code 1"));
    const qint64 initId = startChild();
    const RouterActions ready = answerInit(initId);   // declares tools and resources, not prompts
    for (SessionId session : {SessionId(1), SessionId(2)}) {
        QStringList methods;
        for (const RouterAction &action : toSession(ready, session))
            methods.append(parse(action.data).value("method").toString());
        methods.sort();
        EXPECT_EQ(methods, (QStringList{"notifications/resources/list_changed", "notifications/tools/list_changed"}))
            << dump(ready);
    }
    EXPECT_TRUE(toSession(ready, 3).isEmpty()) << dump(ready);
    EXPECT_EQ(ofKind(ready, Kind::ChildReady).size(), 1);
}

TEST_F(RouterTest, ChildExitCancelsServerToClientRequestsAtTheSession)
{
    bringUp();
    connectSession(1, "{\"sampling\":{}}");
    const RouterActions asked = router.fromChild(request("\"s1\"", "sampling/createMessage", "{}"));
    const RouterActions mine = toSession(asked, 1);
    ASSERT_EQ(mine.size(), 1) << dump(asked);
    const qint64 facing = idOf(mine[0].data);

    const RouterActions exited = router.childExited(QStringLiteral("server 'demo' exited with code 1"));
    ASSERT_EQ(exited.size(), 1) << dump(exited);
    EXPECT_EQ(exited[0].session, 1u);
    const QJsonObject cancel = parse(exited[0].data);
    EXPECT_EQ(cancel.value("method").toString(), "notifications/cancelled");
    EXPECT_EQ(cancel.value("params").toObject().value("requestId").toInteger(), facing);

    // The session's answer after that goes nowhere.
    EXPECT_TRUE(ofKind(router.fromSession(1, result(QByteArray::number(facing), "{}")), Kind::ToChild).isEmpty());
}

// ---------------------------------------------------------------------------------------------
// 12. childFailed

TEST_F(RouterTest, ChildFailedFailsWaitingInitializesAndQueuedRequests)
{
    router.addSession(1);
    router.addSession(2);
    router.fromSession(1, initializeLine("\"i1\""));
    router.fromSession(2, initializeLine("5"));
    startChild();
    router.fromSession(1, request("\"q\"", "tools/list"));

    const QString description = QStringLiteral("server 'demo' exited with code 1; it keeps crashing");
    const RouterActions failed = router.childFailed(description);
    EXPECT_EQ(router.childState(), State::Failed);
    ASSERT_EQ(failed.size(), 3) << dump(failed);
    QList<QJsonValue> ids1;
    for (const RouterAction &action : toSession(failed, 1)) {
        const QJsonObject error = parse(action.data);
        ids1.append(error.value("id"));
        EXPECT_EQ(error.value("error").toObject().value("code").toInteger(), -32000);
        EXPECT_EQ(error.value("error").toObject().value("message").toString(), description);
    }
    EXPECT_EQ(ids1.size(), 2);
    EXPECT_TRUE(ids1.contains(QJsonValue("i1")));
    EXPECT_TRUE(ids1.contains(QJsonValue("q")));
    const RouterActions s2 = toSession(failed, 2);
    ASSERT_EQ(s2.size(), 1);
    EXPECT_EQ(parse(s2[0].data).value("id"), QJsonValue(5));
    EXPECT_EQ(router.waitingCount(), 0);

    // While failed: immediate errors, and no call for a child.
    const RouterActions later = router.fromSession(1, request("9", "tools/list"));
    ASSERT_EQ(later.size(), 1) << dump(later);
    EXPECT_EQ(later[0].kind, Kind::ToSession);
    const QJsonObject error = parse(later[0].data);
    EXPECT_EQ(error.value("id"), QJsonValue(9));
    EXPECT_EQ(error.value("error").toObject().value("code").toInteger(), -32000);
    EXPECT_TRUE(error.value("error").toObject().value("message").toString().contains("demo"));

    router.addSession(3);
    const RouterActions init = router.fromSession(3, initializeLine("\"x\""));
    ASSERT_EQ(init.size(), 1) << dump(init);
    EXPECT_EQ(init[0].kind, Kind::ToSession);
    EXPECT_EQ(parse(init[0].data).value("id"), QJsonValue("x"));
    EXPECT_EQ(parse(init[0].data).value("error").toObject().value("code").toInteger(), -32000);
    EXPECT_TRUE(router.heartbeat().isEmpty());
}

TEST_F(RouterTest, ChildFailedFailsForwardedRequestsToo)
{
    bringUp();
    connectSession(1);
    forward(1, request("1", "tools/call", "{}"));
    const RouterActions failed = router.childFailed(QStringLiteral("server 'demo' could not start"));
    ASSERT_EQ(failed.size(), 1) << dump(failed);
    EXPECT_EQ(parse(failed[0].data).value("id"), QJsonValue(1));
    EXPECT_EQ(router.childState(), State::Failed);
}

// ---------------------------------------------------------------------------------------------
// 13. server->client requests

TEST_F(RouterTest, SamplingGoesToTheCapableSessionWithTheIdRemappedBothWays)
{
    bringUp();
    connectSession(1, "{\"roots\":{}}");
    connectSession(2, "{\"sampling\":{}}");
    connectSession(3, "{}");

    const QByteArray params = "{\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":\"" +
                              NonAscii + "\"}}],\"maxTokens\":150,\"temperature\":1.50}";
    const RouterActions actions = router.fromChild(request("\"c1\"", "sampling/createMessage", params));
    const RouterActions sent = ofKind(actions, Kind::ToSession);
    ASSERT_EQ(sent.size(), 1) << dump(actions);
    EXPECT_EQ(sent[0].session, 2u);
    EXPECT_TRUE(ofKind(actions, Kind::ToChild).isEmpty());
    const qint64 facing = idOf(sent[0].data);
    EXPECT_EQ(sent[0].data, request(QByteArray::number(facing), "sampling/createMessage", params));

    // The answer goes back under the child's own id, payload untouched.
    const QByteArray answer = "{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"" + NonAscii +
                              "\"},\"model\":\"m\",\"stopReason\":\"endTurn\"}";
    const RouterActions back = router.fromSession(2, result(QByteArray::number(facing), answer));
    ASSERT_EQ(back.size(), 1) << dump(back);
    EXPECT_EQ(back[0].kind, Kind::ToChild);
    EXPECT_EQ(back[0].data, result("\"c1\"", answer));

    // A second answer with the same id is unknown.
    const RouterActions again = router.fromSession(2, result(QByteArray::number(facing), answer));
    ASSERT_EQ(again.size(), 1) << dump(again);
    EXPECT_EQ(again[0].kind, Kind::Log);
}

TEST_F(RouterTest, ElicitationRequiresTheElicitationCapability)
{
    bringUp();
    connectSession(1, "{\"sampling\":{}}");
    connectSession(2, "{\"elicitation\":{}}");
    const RouterActions actions = router.fromChild(request("4", "elicitation/create", "{\"message\":\"?\"}"));
    const RouterActions sent = ofKind(actions, Kind::ToSession);
    ASSERT_EQ(sent.size(), 1) << dump(actions);
    EXPECT_EQ(sent[0].session, 2u);
    const qint64 facing = idOf(sent[0].data);
    const RouterActions back =
        router.fromSession(2, "{\"jsonrpc\":\"2.0\",\"id\":" + QByteArray::number(facing) +
                                  ",\"error\":{\"code\":-1,\"message\":\"declined\"}}");
    ASSERT_EQ(back.size(), 1) << dump(back);
    EXPECT_EQ(back[0].data, "{\"jsonrpc\":\"2.0\",\"id\":4,\"error\":{\"code\":-1,\"message\":\"declined\"}}");
}

TEST_F(RouterTest, NoCapableSessionMeansAnErrorResponseToTheChild)
{
    bringUp();
    connectSession(1, "{\"roots\":{}}");
    connectSession(2, "{}");
    router.addSession(3);   // connected, never initialized, no capabilities
    const RouterActions actions = router.fromChild(request("\"c9\"", "sampling/createMessage", "{}"));
    const RouterActions toChild = ofKind(actions, Kind::ToChild);
    ASSERT_EQ(toChild.size(), 1) << dump(actions);
    EXPECT_TRUE(ofKind(actions, Kind::ToSession).isEmpty()) << dump(actions);
    const QJsonObject error = parse(toChild[0].data);
    EXPECT_EQ(error.value("id"), QJsonValue("c9"));
    EXPECT_TRUE(error.value("error").isObject());
    EXPECT_EQ(error.value("error").toObject().value("code").toInteger(), -32601);
    EXPECT_FALSE(error.contains("result"));
}

TEST_F(RouterTest, UninitializedSessionIsNotChosenEvenIfItDeclaredTheCapability)
{
    router.addSession(1);
    router.fromSession(1, initializeLine("0", "{\"sampling\":{}}"));   // waits: child is down
    startChild();
    // The child asks before answering initialize (odd, but possible): no initialized session.
    const RouterActions actions = router.fromChild(request("1", "sampling/createMessage", "{}"));
    EXPECT_TRUE(ofKind(actions, Kind::ToSession).isEmpty()) << dump(actions);
    ASSERT_EQ(ofKind(actions, Kind::ToChild).size(), 1) << dump(actions);
    EXPECT_TRUE(parse(ofKind(actions, Kind::ToChild)[0].data).value("error").isObject());
}

TEST_F(RouterTest, ServerRequestPrefersTheSessionWithARequestInFlightThenTheMostRecentlyActive)
{
    bringUp();
    connectSession(1, "{\"sampling\":{}}");
    now = 2000;
    connectSession(2, "{\"sampling\":{}}");
    now = 3000;
    connectSession(3, "{\"sampling\":{}}");

    // Session 1 has a tool call in flight: the child most likely samples on its behalf.
    now = 4000;
    const qint64 call = forward(1, request("1", "tools/call", "{}"));
    now = 5000;
    router.fromSession(2, request("\"p\"", "ping"));   // session 2 is now the most recently active
    RouterActions actions = router.fromChild(request("10", "sampling/createMessage", "{}"));
    RouterActions sent = ofKind(actions, Kind::ToSession);
    ASSERT_EQ(sent.size(), 1) << dump(actions);
    EXPECT_EQ(sent[0].session, 1u);

    // With nothing in flight, the most recently active capable session gets it.
    router.fromChild(result(QByteArray::number(call), "{}"));
    actions = router.fromChild(request("11", "sampling/createMessage", "{}"));
    sent = ofKind(actions, Kind::ToSession);
    ASSERT_EQ(sent.size(), 1) << dump(actions);
    EXPECT_EQ(sent[0].session, 2u);
}

TEST_F(RouterTest, ResponseFromTheWrongSessionIsNotForwarded)
{
    bringUp();
    connectSession(1, "{\"sampling\":{}}");
    connectSession(2, "{}");
    const RouterActions asked = router.fromChild(request("\"c\"", "sampling/createMessage", "{}"));
    ASSERT_EQ(toSession(asked, 1).size(), 1) << dump(asked);
    const qint64 facing = idOf(toSession(asked, 1)[0].data);
    const RouterActions wrong = router.fromSession(2, result(QByteArray::number(facing), "{}"));
    ASSERT_EQ(wrong.size(), 1) << dump(wrong);
    EXPECT_EQ(wrong[0].kind, Kind::Log);
    const RouterActions right = router.fromSession(1, result(QByteArray::number(facing), "{}"));
    ASSERT_EQ(right.size(), 1) << dump(right);
    EXPECT_EQ(right[0].data, result("\"c\"", "{}"));
}

TEST_F(RouterTest, DisconnectOfTheChosenSessionAnswersTheChildWithAnError)
{
    bringUp();
    connectSession(1, "{\"sampling\":{}}");
    connectSession(2, "{}");
    const RouterActions asked = router.fromChild(request("\"c2\"", "sampling/createMessage", "{}"));
    ASSERT_EQ(toSession(asked, 1).size(), 1) << dump(asked);

    const RouterActions gone = router.removeSession(1);
    ASSERT_EQ(gone.size(), 1) << dump(gone);
    EXPECT_EQ(gone[0].kind, Kind::ToChild);
    const QJsonObject error = parse(gone[0].data);
    EXPECT_EQ(error.value("id"), QJsonValue("c2"));
    EXPECT_TRUE(error.value("error").isObject());
    EXPECT_FALSE(error.contains("result"));
    EXPECT_TRUE(router.removeSession(2).isEmpty());   // session 2 had nothing pending
}

TEST_F(RouterTest, ChildCancelOfAServerRequestIsForwardedWithTheRemappedId)
{
    bringUp();
    connectSession(1, "{\"sampling\":{}}");
    const RouterActions asked = router.fromChild(request("\"c3\"", "sampling/createMessage", "{}"));
    ASSERT_EQ(toSession(asked, 1).size(), 1) << dump(asked);
    const qint64 facing = idOf(toSession(asked, 1)[0].data);

    const RouterActions cancelled = router.fromChild(
        notification("notifications/cancelled", "{\"requestId\":\"c3\",\"reason\":\"timeout\"}"));
    ASSERT_EQ(cancelled.size(), 1) << dump(cancelled);
    EXPECT_EQ(cancelled[0].kind, Kind::ToSession);
    EXPECT_EQ(cancelled[0].session, 1u);
    EXPECT_EQ(cancelled[0].data, notification("notifications/cancelled",
                                              "{\"requestId\":" + QByteArray::number(facing) +
                                                  ",\"reason\":\"timeout\"}"));

    // The session's late answer is not sent to the child.
    const RouterActions late = router.fromSession(1, result(QByteArray::number(facing), "{}"));
    EXPECT_TRUE(ofKind(late, Kind::ToChild).isEmpty()) << dump(late);
    // A cancel for a request nobody knows goes nowhere.
    EXPECT_TRUE(router.fromChild(notification("notifications/cancelled", "{\"requestId\":\"zz\"}")).isEmpty());
}

// ---------------------------------------------------------------------------------------------
// 14. heartbeat

TEST_F(RouterTest, HeartbeatPingsOnlyWhenReadyAndNoneOutstanding)
{
    EXPECT_TRUE(router.heartbeat().isEmpty());   // Down
    const qint64 initId = startChild();
    EXPECT_TRUE(router.heartbeat().isEmpty());   // Initializing
    answerInit(initId);
    connectSession(1);

    const RouterActions ping = router.heartbeat();
    ASSERT_EQ(ping.size(), 1) << dump(ping);
    EXPECT_EQ(ping[0].kind, Kind::ToChild);
    const QJsonObject message = parse(ping[0].data);
    EXPECT_EQ(message.value("method").toString(), "ping");
    ASSERT_TRUE(message.value("id").isDouble());
    const qint64 pingId = message.value("id").toInteger();
    EXPECT_TRUE(router.heartbeatOutstanding());
    EXPECT_TRUE(router.heartbeat().isEmpty());   // one outstanding: no second ping

    const RouterActions answered = router.fromChild(result(QByteArray::number(pingId), "{}"));
    ASSERT_EQ(answered.size(), 1) << dump(answered);
    EXPECT_EQ(answered[0].kind, Kind::HeartbeatAnswered);
    EXPECT_FALSE(router.heartbeatOutstanding());

    // Servers may answer ping with an error (method not found): still an answer.
    const RouterActions ping2 = router.heartbeat();
    ASSERT_EQ(ping2.size(), 1) << dump(ping2);
    const qint64 pingId2 = idOf(ping2[0].data);
    EXPECT_NE(pingId2, pingId);
    const RouterActions answered2 = router.fromChild(
        "{\"jsonrpc\":\"2.0\",\"id\":" + QByteArray::number(pingId2) + ",\"error\":{\"code\":-32601,\"message\":\"no\"}}");
    ASSERT_EQ(answered2.size(), 1) << dump(answered2);
    EXPECT_EQ(answered2[0].kind, Kind::HeartbeatAnswered);
}

TEST_F(RouterTest, ChildExitClearsTheOutstandingHeartbeat)
{
    bringUp();
    ASSERT_EQ(router.heartbeat().size(), 1);
    router.childExited(QStringLiteral("server 'demo' exited"));
    EXPECT_FALSE(router.heartbeatOutstanding());
    answerInit(startChild());
    EXPECT_EQ(router.heartbeat().size(), 1);
}

// ---------------------------------------------------------------------------------------------
// 15. duplicate in-flight ids

TEST_F(RouterTest, DuplicateInFlightIdFromTheSameSessionIsRefused)
{
    bringUp();
    connectSession(1);
    const qint64 first = forward(1, request("5", "tools/call", "{\"name\":\"a\"}"));

    const RouterActions duplicate = router.fromSession(1, request("5", "tools/call", "{\"name\":\"b\"}"));
    ASSERT_EQ(duplicate.size(), 1) << dump(duplicate);
    EXPECT_EQ(duplicate[0].kind, Kind::ToSession);
    EXPECT_EQ(duplicate[0].session, 1u);
    const QJsonObject error = parse(duplicate[0].data);
    EXPECT_EQ(error.value("id"), QJsonValue(5));
    EXPECT_EQ(error.value("error").toObject().value("code").toInteger(), -32600);
    EXPECT_EQ(router.inFlightCount(), 1);

    // "5" (a string) is a different id from 5.
    const qint64 stringId = forward(1, request("\"5\"", "tools/call", "{}"));
    EXPECT_NE(stringId, first);

    const RouterActions answer = router.fromChild(result(QByteArray::number(first), "{\"first\":true}"));
    ASSERT_EQ(answer.size(), 1) << dump(answer);
    EXPECT_EQ(answer[0].session, 1u);
    EXPECT_EQ(answer[0].data, result("5", "{\"first\":true}"));

    // Once answered, the id may be used again.
    forward(1, request("5", "tools/call", "{}"));
}

TEST_F(RouterTest, DuplicateIdWhileQueuedIsRefusedToo)
{
    router.addSession(1);
    router.fromSession(1, request("1", "tools/list"));
    const RouterActions duplicate = router.fromSession(1, request("1", "tools/list"));
    ASSERT_EQ(duplicate.size(), 1) << dump(duplicate);
    EXPECT_EQ(duplicate[0].kind, Kind::ToSession);
    EXPECT_EQ(parse(duplicate[0].data).value("error").toObject().value("code").toInteger(), -32600);
    EXPECT_EQ(router.waitingCount(), 1);
}

} // namespace
