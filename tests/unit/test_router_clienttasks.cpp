// Router: tasks that sessions run for the child (task-augmented server->client requests,
// MCP 2025-11-25). Two sessions may pick the same task id; the child must never confuse them.
#include "routertest.h"

#include "jsonrpc/jsonscan.h"

#include <QMap>
#include <QSet>

namespace {

class RouterClientTaskTest : public RouterTest
{
protected:
    // The child asks for sampling as a task; returns the session-facing id and the target.
    std::pair<qint64, SessionId> taskAugmentedSampling(QByteArrayView childId)
    {
        const RouterActions actions = router.fromChild(
            request(childId, "sampling/createMessage", R"({"messages":[],"maxTokens":5,"task":{"ttl":60000}})"));
        const RouterActions sent = ofKind(actions, Kind::ToSession);
        EXPECT_EQ(sent.size(), 1) << dump(actions);
        if (sent.isEmpty())
            return {0, 0};
        return {idOf(sent[0].data), sent[0].session};
    }
};

TEST_F(RouterClientTaskTest, SameTaskIdFromTwoSessionsReachesTheChildAsTwoTasks)
{
    bringUp();
    connectSession(1, R"({"sampling":{},"tasks":{}})");
    connectSession(2, R"({"sampling":{},"tasks":{}})");
    QSet<QString> childTaskIds;
    QMap<SessionId, QString> taskOf;
    for (SessionId session : {SessionId(1), SessionId(2)}) {
        // The session's call is what makes the child ask (and the only one in flight).
        const qint64 call = forward(session, request("99", "tools/call", R"({"name":"think"})"));
        const auto [facingId, target] = taskAugmentedSampling("\"c" + QByteArray::number(session) + '"');
        ASSERT_EQ(target, session);
        router.fromChild(result(QByteArray::number(call), "{}"));
        const RouterActions actions = router.fromSession(
            session, result(QByteArray::number(facingId),
                            R"({"task":{"taskId":"task-1","status":"working","ttl":60000,"createdAt":"x","lastUpdatedAt":"x"}})"));
        ASSERT_EQ(actions.size(), 1) << dump(actions);
        const QJsonObject toChild = parse(actions[0].data);
        EXPECT_EQ(toChild.value("id").toString(), QStringLiteral("c%1").arg(session));
        const QString childTaskId = toChild.value("result").toObject().value("task").toObject().value("taskId").toString();
        EXPECT_FALSE(childTaskId.isEmpty());
        childTaskIds.insert(childTaskId);
        taskOf.insert(session, childTaskId);
    }
    EXPECT_EQ(childTaskIds.size(), 2);

    // The child polls session 2's task: it reaches session 2 under the session's own id.
    const RouterActions poll = router.fromChild(
        request("\"poll\"", "tasks/get", "{\"taskId\":" + manifold::json::encodeString(taskOf.value(2).toUtf8()) + '}'));
    const RouterActions sent = ofKind(poll, Kind::ToSession);
    ASSERT_EQ(sent.size(), 1) << dump(poll);
    EXPECT_EQ(sent[0].session, 2u);
    const QJsonObject asked = parse(sent[0].data);
    EXPECT_EQ(asked.value("params").toObject().value("taskId").toString(), QStringLiteral("task-1"));

    // Its answer goes back with the broker's task id and the child's request id.
    const RouterActions answer = router.fromSession(
        2, result(QByteArray::number(asked.value("id").toInteger()), R"({"taskId":"task-1","status":"completed"})"));
    ASSERT_EQ(answer.size(), 1) << dump(answer);
    const QJsonObject back = parse(answer[0].data);
    EXPECT_EQ(back.value("id").toString(), QStringLiteral("poll"));
    EXPECT_EQ(back.value("result").toObject().value("taskId").toString(), taskOf.value(2));

    // Status notifications from a session are renamed the same way.
    const RouterActions status = router.fromSession(1, notification("notifications/tasks/status",
                                                                    R"({"taskId":"task-1","status":"completed"})"));
    ASSERT_EQ(status.size(), 1) << dump(status);
    EXPECT_EQ(status[0].kind, Kind::ToChild);
    EXPECT_EQ(parse(status[0].data).value("params").toObject().value("taskId").toString(), taskOf.value(1));
}

TEST_F(RouterClientTaskTest, TasksOfADisconnectedSessionAreForgotten)
{
    bringUp();
    connectSession(1, R"({"sampling":{},"tasks":{}})");
    const auto [facingId, target] = taskAugmentedSampling("1");
    ASSERT_EQ(target, 1u);
    const RouterActions created = router.fromSession(
        1, result(QByteArray::number(facingId), R"({"task":{"taskId":"t","status":"working"}})"));
    const QString childTaskId = parse(created[0].data).value("result").toObject().value("task").toObject().value("taskId").toString();
    router.removeSession(1);
    connectSession(2, R"({"sampling":{}})");
    const RouterActions poll = router.fromChild(
        request("5", "tasks/get", "{\"taskId\":" + manifold::json::encodeString(childTaskId.toUtf8()) + '}'));
    // Nobody owns it any more: it is not handed to the unrelated session 2 under another name.
    for (const RouterAction &action : ofKind(poll, Kind::ToSession))
        EXPECT_FALSE(parse(action.data).value("params").toObject().value("taskId").toString() == QStringLiteral("t"));
}

} // namespace
