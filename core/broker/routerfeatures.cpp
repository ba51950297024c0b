// Router, per-feature bookkeeping: resource subscriptions, log levels, roots and tasks.
#include "router.h"

#include "broker/routerutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

namespace manifold {

using jsonrpc::Envelope;
using namespace routerutil;

namespace {
bool isTerminalTaskStatus(QByteArrayView status)
{
    return status == "completed" || status == "failed" || status == "cancelled";
}
} // namespace

bool Router::handleSubscription(RouterActions &out, SessionId session, QByteArrayView line, const Envelope &envelope)
{
    const bool subscribe = envelope.method == "resources/subscribe";
    if (!subscribe && envelope.method != "resources/unsubscribe")
        return false;
    const QByteArray uri = stringAt(line, envelope.params, {"uri"});
    const QByteArray rawId = envelope.id.in(line).toByteArray();
    if (uri.isEmpty())
        return false;   // let the child explain what is wrong with it
    // Only the first subscriber and the last unsubscriber reach the child.
    bool forward = false;
    if (subscribe)
        forward = !m_subscriptions.isSubscribed(session, uri) && m_subscriptions.subscribe(session, uri);
    else
        forward = m_subscriptions.unsubscribe(session, uri);
    if (forward) {
        forwardRequest(out, session, line, envelope, subscribe ? Purpose::Subscribe : Purpose::Unsubscribe, uri);
    } else {
        ++m_sessions[session].requestsServed;
        respond(out, session, rawId, jsonrpc::makeResult(rawId, "{}"));
    }
    return true;
}

bool Router::handleSetLevel(RouterActions &out, SessionId session, QByteArrayView line, const Envelope &envelope)
{
    if (envelope.method != "logging/setLevel")
        return false;
    const auto levelSpan = findBelow(line, envelope.params, {"level"});
    const auto severity = levelSpan ? LogLevels::severity(json::decodeString(levelSpan->in(line)).value_or(QByteArray()))
                                    : std::nullopt;
    if (!severity)
        return false;   // the child answers an invalid level with its own error
    m_logLevels.set(session, *severity);
    const std::optional<int> effective = m_logLevels.effective();
    const QByteArray rawId = envelope.id.in(line).toByteArray();
    if (effective == m_childLogLevel && m_state == ChildState::Ready) {
        ++m_sessions[session].requestsServed;
        respond(out, session, rawId, jsonrpc::makeResult(rawId, "{}"));
        return true;
    }
    // The child runs at the most verbose level any session wants; this request carries it.
    m_childLogLevel = effective;
    const QByteArray rewritten = json::splice(line, *levelSpan, json::encodeString(LogLevels::name(*effective)));
    forwardRequest(out, session, rewritten, jsonrpc::parseEnvelope(rewritten), Purpose::SetLevel, {});
    return true;
}

void Router::deliverLogMessage(RouterActions &out, QByteArrayView line)
{
    const auto level = json::findPath(line, {"params", "level"});
    const auto severity = level ? LogLevels::severity(json::decodeString(level->in(line)).value_or(QByteArray()))
                                : std::nullopt;
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        if (it->initialized && (!severity || m_logLevels.wants(it.key(), *severity)))
            out.append({RouterAction::Kind::ToSession, it.key(), line.toByteArray()});
    }
}

void Router::deliverResourceUpdate(RouterActions &out, QByteArrayView line)
{
    const auto uriSpan = json::findPath(line, {"params", "uri"});
    const QByteArray uri = uriSpan ? json::decodeString(uriSpan->in(line)).value_or(QByteArray()) : QByteArray();
    const QSet<quint64> subscribers = m_subscriptions.subscribersOf(uri);
    for (quint64 session : subscribers) {
        if (m_sessions.value(session).initialized)
            out.append({RouterAction::Kind::ToSession, session, line.toByteArray()});
    }
    if (subscribers.isEmpty())
        out.append(log(QStringLiteral("dropped an update for %1: no session subscribed").arg(QString::fromUtf8(uri))));
}

void Router::releaseSessionFeatures(RouterActions &out, SessionId session)
{
    const bool ready = m_state == ChildState::Ready;
    for (const QByteArray &uri : m_subscriptions.removeSession(session)) {
        if (ready)
            sendOwn(out, "resources/unsubscribe", "{\"uri\":" + json::encodeString(uri) + '}', "unsubscribe");
    }
    m_logLevels.remove(session);
    const std::optional<int> effective = m_logLevels.effective();
    if (ready && effective && effective != m_childLogLevel) {
        m_childLogLevel = effective;
        sendOwn(out, "logging/setLevel", "{\"level\":" + json::encodeString(LogLevels::name(*effective)) + '}',
                "logging level");
    }
    m_sessions[session].roots.clear();
    for (auto it = m_rootsQueries.begin(); it != m_rootsQueries.end();)
        it = it.value() == session ? m_rootsQueries.erase(it) : std::next(it);
    for (auto it = m_elicitations.begin(); it != m_elicitations.end();)
        it = it.value() == session ? m_elicitations.erase(it) : std::next(it);
    for (auto it = m_clientTasks.begin(); it != m_clientTasks.end();)
        it = it->session == session ? m_clientTasks.erase(it) : std::next(it);
    for (auto it = m_taskOwners.begin(); it != m_taskOwners.end();) {
        if (it.value() == session) {
            for (qint64 token : m_taskTokens.take(it.key()))
                m_progress.remove(token);
            it = m_taskOwners.erase(it);
        } else {
            ++it;
        }
    }
}

void Router::replayAfterRestart(RouterActions &out)
{
    QSet<QByteArray> queued;   // subscribes still waiting in the queue go out by themselves
    for (const RequestInfo &request : std::as_const(m_requests)) {
        if (request.purpose == Purpose::Subscribe && !request.forwarded)
            queued.insert(request.detail);
    }
    for (const QByteArray &uri : m_subscriptions.uris()) {
        if (!queued.contains(uri))
            sendOwn(out, "resources/subscribe", "{\"uri\":" + json::encodeString(uri) + '}', "subscribe");
    }
    m_childLogLevel = m_logLevels.effective();
    if (m_childLogLevel) {
        sendOwn(out, "logging/setLevel", "{\"level\":" + json::encodeString(LogLevels::name(*m_childLogLevel)) + '}',
                "logging level");
    }
}

void Router::askSessionForRoots(RouterActions &out, SessionId session)
{
    const qint64 id = nextId();
    m_rootsQueries.insert(id, session);
    const QByteArray request = jsonrpc::makeRequest(QByteArray::number(id), "roots/list");
    if (m_traffic)
        recordOwnRequest(session, "roots/list", QByteArray::number(id), request);
    out.append({RouterAction::Kind::ToSession, session, request});
}

void Router::storeRoots(RouterActions &out, SessionId session, QByteArrayView line, const Envelope &envelope)
{
    const auto roots = findBelow(line, envelope.result, {"roots"});
    const auto elements = roots ? json::arrayElements(roots->in(line)) : std::nullopt;
    m_rootsReported.insert(session);
    if (!elements) {
        out.append(log(QStringLiteral("session %1 did not report its roots").arg(session)));
        out.append({RouterAction::Kind::RootsReported, session, {}});
        return;
    }
    QList<QByteArray> list;
    for (const json::Span &element : *elements)
        list.append(json::Span{roots->begin + element.begin, roots->begin + element.end}.in(line).toByteArray());
    m_sessions[session].roots = list;
    // The broker decides what follows: the session stays, or moves to the instance of its roots.
    out.append({RouterAction::Kind::RootsReported, session, '[' + list.join(',') + ']'});
}

bool Router::handleTaskRequest(RouterActions &out, SessionId session, QByteArrayView line, const Envelope &envelope)
{
    if (envelope.method != "tasks/get" && envelope.method != "tasks/result" && envelope.method != "tasks/cancel")
        return false;
    // Task ids come from the shared child: a session may only touch its own tasks.
    const QByteArray taskId = stringAt(line, envelope.params, {"taskId"});
    const auto owner = m_taskOwners.constFind(taskId);
    if (owner != m_taskOwners.cend() && *owner == session)
        return false;   // forwarded as usual
    respondError(out, session, envelope.id.in(line).toByteArray(), jsonrpc::InvalidParams,
                 QStringLiteral("unknown task '%1'").arg(QString::fromUtf8(taskId)));
    return true;
}

void Router::noteElicitationsRequired(SessionId session, QByteArrayView line, const Envelope &envelope)
{
    // -32042 (URL elicitation required) names the elicitations whose completion the session
    // will be told about later.
    const auto code = findBelow(line, envelope.error, {"code"});
    if (!code || code->in(line) != "-32042")
        return;
    const auto list = findBelow(line, envelope.error, {"data", "elicitations"});
    const auto elements = list ? json::arrayElements(list->in(line)) : std::nullopt;
    if (!elements)
        return;
    for (const json::Span &element : *elements) {
        const QByteArrayView item = json::Span{list->begin + element.begin, list->begin + element.end}.in(line);
        if (const auto id = json::findPath(item, {"elicitationId"})) {
            const QByteArray elicitationId = json::decodeString(id->in(item)).value_or(QByteArray());
            if (!elicitationId.isEmpty())
                m_elicitations.insert(elicitationId, session);
        }
    }
}

void Router::noteTaskCreated(SessionId session, QByteArrayView line, const Envelope &envelope)
{
    const QByteArray taskId = stringAt(line, envelope.result, {"task", "taskId"});
    if (taskId.isEmpty())
        return;
    m_taskOwners.insert(taskId, session);
    // Progress for a task continues after the CreateTaskResult, until the task ends.
    const auto id = brokerIdFrom(json::findPath(line, {"id"})->in(line));
    if (id)
        m_taskTokens[taskId] += m_tokensOf.take(*id);
}

bool Router::deliverTaskNotification(RouterActions &out, QByteArrayView line, const Envelope &envelope)
{
    QByteArray taskId;
    QByteArray status;
    if (envelope.method == "notifications/tasks/status") {
        taskId = stringAt(line, envelope.params, {"taskId"});
        status = stringAt(line, envelope.params, {"status"});
    } else {
        taskId = stringAt(line, envelope.params, {"_meta", RelatedTaskKey, "taskId"});
    }
    if (taskId.isEmpty())
        return false;
    const auto owner = m_taskOwners.constFind(taskId);
    if (owner == m_taskOwners.cend()) {
        out.append(log(QStringLiteral("dropped %1 for unknown task %2")
                           .arg(QString::fromUtf8(envelope.method), QString::fromUtf8(taskId))));
        return true;
    }
    bool wanted = m_sessions.value(*owner).initialized;
    if (envelope.method == "notifications/message") {
        const auto severity = LogLevels::severity(stringAt(line, envelope.params, {"level"}));
        wanted = wanted && (!severity || m_logLevels.wants(*owner, *severity));
    }
    if (wanted)
        out.append({RouterAction::Kind::ToSession, *owner, line.toByteArray()});
    // The task stays the owner's (its result can still be fetched); only its progress ends.
    if (isTerminalTaskStatus(status)) {
        for (qint64 token : m_taskTokens.take(taskId))
            m_progress.remove(token);
    }
    return true;
}

QByteArray Router::filterTaskList(SessionId session, QByteArrayView line, const Envelope &envelope) const
{
    // Rare and small: re-encoding this one result is fine.
    QJsonObject result = QJsonDocument::fromJson(envelope.result.in(line).toByteArray()).object();
    QJsonArray mine;
    for (const QJsonValue &task : result.value(QStringLiteral("tasks")).toArray()) {
        if (m_taskOwners.value(task.toObject().value(QStringLiteral("taskId")).toString().toUtf8()) == session)
            mine.append(task);
    }
    result.insert(QStringLiteral("tasks"), mine);
    return QJsonDocument(result).toJson(QJsonDocument::Compact);
}

} // namespace manifold

namespace manifold {

QByteArray Router::clientTaskFor(SessionId session, const QByteArray &taskId) const
{
    for (auto it = m_clientTasks.cbegin(); it != m_clientTasks.cend(); ++it) {
        if (it->session == session && it->taskId == taskId)
            return it.key();
    }
    return {};
}

QByteArray Router::rewriteClientTaskIds(SessionId session, QByteArrayView line, bool create)
{
    // Where a session's message names one of its own tasks (the CreateTaskResult it answers a
    // task-augmented request with, a tasks/status notification, related-task _meta), the child
    // gets the broker's id for that task instead.
    QList<Edit> edits;
    const Envelope envelope = jsonrpc::parseEnvelope(line);
    auto rename = [&](json::Span container, std::initializer_list<QByteArrayView> path, bool mayCreate) {
        const auto span = findBelow(line, container, path);
        if (!span)
            return;
        const QByteArray taskId = json::decodeString(span->in(line)).value_or(QByteArray());
        QByteArray brokerTaskId = clientTaskFor(session, taskId);
        if (brokerTaskId.isEmpty() && mayCreate && !taskId.isEmpty()) {
            brokerTaskId = "manifold-" + QByteArray::number(session) + '-' + taskId;
            m_clientTasks.insert(brokerTaskId, {session, taskId});
        }
        if (!brokerTaskId.isEmpty())
            edits.append({*span, json::encodeString(brokerTaskId)});
    };
    rename(envelope.result, {"task", "taskId"}, create);
    rename(envelope.result, {"taskId"}, false);   // tasks/get and tasks/cancel answers
    if (envelope.method == "notifications/tasks/status")
        rename(envelope.params, {"taskId"}, false);
    rename(envelope.params, {"_meta", RelatedTaskKey, "taskId"}, false);
    rename(envelope.result, {"_meta", RelatedTaskKey, "taskId"}, false);
    return edits.isEmpty() ? line.toByteArray() : applyEdits(line, edits);
}

bool Router::routeClientTaskRequest(RouterActions &out, QByteArrayView line, const Envelope &envelope)
{
    // The child asking about a task one of the sessions runs for it: to that session, with the
    // session's own task id.
    if (!envelope.method.startsWith("tasks/"))
        return false;
    const auto span = findBelow(line, envelope.params, {"taskId"});
    const auto task = span ? m_clientTasks.constFind(json::decodeString(span->in(line)).value_or(QByteArray()))
                           : m_clientTasks.cend();
    if (task == m_clientTasks.cend() || !m_sessions.contains(task->session))
        return false;
    const qint64 facingId = nextId();
    m_childRequests.insert(facingId, {task->session, envelope.id.in(line).toByteArray(), false, {}});
    out.append({RouterAction::Kind::ToSession, task->session,
                applyEdits(line, {{envelope.id, QByteArray::number(facingId)}, {*span, json::encodeString(task->taskId)}})});
    return true;
}

} // namespace manifold
