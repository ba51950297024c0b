#include "requesttracker.h"

#include "control/hello.h"
#include "jsonrpc/jsonrpc.h"

#include <algorithm>

using manifold::jsonrpc::Envelope;
namespace json = manifold::json;

namespace {
// Calls fn for each element of a batch (a JSON array of messages).
template <typename Fn> void forEachElement(QByteArrayView line, Fn &&fn)
{
    const auto span = json::valueSpan(line);
    const QByteArrayView array = span ? span->in(line) : QByteArrayView();
    const auto elements = span ? json::arrayElements(array) : std::nullopt;
    if (!elements)
        return;
    for (const json::Span &element : *elements)
        fn(element.in(array));
}
} // namespace

void RequestTracker::clientLine(QByteArrayView line)
{
    clientMessage(line);
}

void RequestTracker::clientMessage(QByteArrayView message)
{
    const Envelope envelope = manifold::jsonrpc::parseEnvelope(message);
    switch (envelope.kind) {
    case Envelope::Kind::Request: {
        const QByteArray id = envelope.id.in(message).toByteArray();
        m_unanswered.insert(id, m_sent++);
        if (envelope.method == "initialize") {
            m_initializeLine = message.toByteArray();
            m_initializeId = id;
            m_initializeAnswered = false;
        } else if (envelope.method.startsWith("resources/") ||
                   envelope.method == "logging/setLevel") {
            noteSessionState(message, envelope.method);
        }
        break;
    }
    case Envelope::Kind::Notification:
        if (envelope.method == "notifications/initialized") {
            m_clientSentInitialized = true;
        } else if (envelope.method == "notifications/cancelled") {
            // A cancelled request may never be answered: the client no longer waits for it.
            if (const auto requestId = json::findPath(message, {"params", "requestId"}))
                m_unanswered.remove(requestId->in(message).toByteArray());
        }
        break;
    case Envelope::Kind::Batch:
        forEachElement(message, [this](QByteArrayView element) { clientMessage(element); });
        break;
    default:
        break; // responses to the server's requests, and lines the broker will refuse
    }
}

void RequestTracker::noteSessionState(QByteArrayView message, const QByteArray &method)
{
    // What a new broker has to be told again for this session.
    if (method == "logging/setLevel") {
        if (const auto params = json::findPath(message, {"params"}))
            m_logLevelParams = params->in(message).toByteArray();
        return;
    }
    const auto uri = json::findPath(message, {"params", "uri"});
    if (!uri)
        return;
    const QByteArray raw = uri->in(message).toByteArray();
    if (method == "resources/subscribe" && !m_subscriptions.contains(raw))
        m_subscriptions.append(raw);
    else if (method == "resources/unsubscribe")
        m_subscriptions.removeAll(raw);
}

RequestTracker::Route RequestTracker::brokerLine(QByteArrayView line)
{
    Route route = Route::Relay;
    brokerMessage(line, &route);
    return route;
}

void RequestTracker::brokerMessage(QByteArrayView message, Route *route)
{
    const Envelope envelope = manifold::jsonrpc::parseEnvelope(message);
    if (envelope.kind == Envelope::Kind::Batch) {
        forEachElement(message,
                       [this, route](QByteArrayView element) { brokerMessage(element, route); });
        *route = Route::Relay; // the batch's answer goes to the client as one line
        return;
    }
    if (envelope.kind == Envelope::Kind::Notification &&
        envelope.method == manifold::SessionClosing::Method) {
        const auto reason = json::findPath(message, {"params", "reason"});
        m_closingReason = QString::fromUtf8(
            reason ? json::decodeString(reason->in(message)).value_or(QByteArray()) : QByteArray());
        if (m_closingReason.isEmpty())
            m_closingReason = QStringLiteral("closed by Manifold");
        *route = Route::Swallow;
        return;
    }
    if (envelope.kind != Envelope::Kind::Response)
        return;
    const QByteArrayView id = envelope.id.in(message);
    if (!m_ownIds.isEmpty() && m_ownIds.removeOne(id.toByteArray())) {
        if (id == m_ownInitializeId)
            m_ownAnswer = message.toByteArray();
        *route = Route::Swallow;
        return;
    }
    const QByteArray key = id.toByteArray();
    m_unanswered.remove(key);
    if (key == m_initializeId && envelope.result.isValid())
        m_initializeAnswered = true;
}

QList<QByteArray> RequestTracker::takeUnanswered()
{
    QList<std::pair<quint64, QByteArray>> sorted;
    sorted.reserve(m_unanswered.size());
    for (auto it = m_unanswered.cbegin(); it != m_unanswered.cend(); ++it)
        sorted.append({it.value(), it.key()});
    m_unanswered.clear();
    std::sort(sorted.begin(), sorted.end());
    QList<QByteArray> ids;
    ids.reserve(sorted.size());
    for (const auto &entry : std::as_const(sorted))
        ids.append(entry.second);
    return ids;
}

QList<QByteArray> RequestTracker::replayHandshake(const QByteArray &idPrefix)
{
    QList<QByteArray> lines;
    m_ownIds.clear();
    m_ownAnswer.clear();
    if (!m_initializeAnswered)
        return lines;
    auto ownId = [&] {
        m_ownIds.append(json::encodeString(idPrefix + QByteArray::number(m_ownIds.size() + 1)));
        return m_ownIds.last();
    };
    const Envelope initialize = manifold::jsonrpc::parseEnvelope(m_initializeLine);
    m_ownInitializeId = ownId();
    lines.append(json::splice(m_initializeLine, initialize.id, m_ownInitializeId));
    if (m_clientSentInitialized)
        lines.append(manifold::jsonrpc::makeNotification("notifications/initialized"));
    for (const QByteArray &uri : std::as_const(m_subscriptions))
        lines.append(manifold::jsonrpc::makeRequest(ownId(), "resources/subscribe",
                                                    "{\"uri\":" + uri + '}'));
    if (!m_logLevelParams.isEmpty())
        lines.append(manifold::jsonrpc::makeRequest(ownId(), "logging/setLevel", m_logLevelParams));
    return lines;
}

QList<QByteArray> RequestTracker::listChangedNotifications(QByteArrayView ownAnswer)
{
    QList<QByteArray> notifications;
    const Envelope envelope = manifold::jsonrpc::parseEnvelope(ownAnswer);
    if (!envelope.result.isValid())
        return notifications;
    const QByteArrayView result = envelope.result.in(ownAnswer);
    for (const char *kind : {"tools", "prompts", "resources"}) {
        const auto flag = json::findPath(result, {"capabilities", kind, "listChanged"});
        if (flag && flag->in(result) == "true")
            notifications.append(manifold::jsonrpc::makeNotification(
                "notifications/" + QByteArray(kind) + "/list_changed"));
    }
    return notifications;
}
