// Shared fixture and helpers for the Router unit tests (test_router_*.cpp). The router is driven
// directly: lines in, actions out, with an injected fake clock. Output lines are compared as
// parsed JSON, and as raw bytes where the broker promises byte-exact pass-through.
#pragma once

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
    static const char *const names[] = {"ToChild", "ToSession", "Log", "ChildReady", "HeartbeatAnswered", "NeedChild",
                                         "RootsReported", "ChildAskedRoots", "Learned"};
    *os << names[int(kind)];
}
} // namespace manifold

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
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
    case Kind::RootsReported: return "RootsReported";
    case Kind::ChildAskedRoots: return "ChildAskedRoots";
    case Kind::Learned: return "Learned";
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

// A tools/call of the named tool, and the tool a forwarded line calls.
QByteArray toolCall(QByteArrayView rawId, QByteArrayView name)
{
    return request(rawId, "tools/call", "{\"name\":\"" + name.toByteArray() + "\",\"arguments\":{}}");
}

QString toolName(const QByteArray &line)
{
    return parse(line).value("params").toObject().value("name").toString();
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
        const RouterActions ready = router.fromSession(session, notification("notifications/initialized"));
        if (capabilities.contains("\"roots\"")) {
            // A session with roots is asked for them once it is ready; it reports none here.
            ASSERT_EQ(ready.size(), 1) << dump(ready);
            const QJsonObject ask = parse(ready[0].data);
            EXPECT_EQ(ask.value("method").toString(), QStringLiteral("roots/list"));
            const QByteArray answer = "{\"jsonrpc\":\"2.0\",\"id\":" +
                                      QByteArray::number(ask.value("id").toInteger()) + ",\"result\":{\"roots\":[]}}";
            const RouterActions reported = router.fromSession(session, answer);
            ASSERT_EQ(reported.size(), 1) << dump(reported);
            EXPECT_EQ(reported[0].kind, Kind::RootsReported);
        } else {
            EXPECT_TRUE(ready.isEmpty()) << dump(ready);
        }
        EXPECT_TRUE(router.sessionInfo(session).initialized);
    }

    // Runs one such call of session to completion, so the router knows its kind as plain (it never
    // asks a client anything) and lets such calls of different sessions run at the same time.
    // Calls of an unknown kind from different sessions do not overlap (routerasking.cpp).
    void learnPlain(SessionId session, QByteArrayView method, QByteArrayView params)
    {
        const qint64 id = forward(session, request("\"warm-up\"", method, params));
        const RouterActions answered = router.fromChild(result(QByteArray::number(id), "{}"));
        EXPECT_EQ(toSession(answered, session).size(), 1) << dump(answered);
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


} // namespace
#pragma GCC diagnostic pop
