#include "requesttracker.h"

#include <algorithm>

#include "wire/hello.h"
#include "wire/jsonrpc.h"

namespace manifold::shim {

namespace json = wire::json;
using wire::jsonrpc::Envelope;

namespace {
// Calls fn for each element of a batch (a JSON array of messages).
template <typename Fn> void forEachElement(std::string_view line, Fn &&fn)
{
    const auto span = json::valueSpan(line);
    if (!span)
        return;
    struct Context
    {
        std::string_view array;
        std::vector<json::Span> elements;
    } context{span->in(line), {}};
    const bool ok = json::visitElements(
        context.array,
        [](void *c, json::Span element) { static_cast<Context *>(c)->elements.push_back(element); },
        &context);
    if (!ok)
        return;
    for (const json::Span &element : context.elements)
        fn(element.in(context.array));
}

bool startsWith(std::string_view text, std::string_view prefix)
{
    return text.substr(0, prefix.size()) == prefix;
}
} // namespace

void RequestTracker::clientLine(std::string_view line)
{
    clientMessage(line);
}

void RequestTracker::clientMessage(std::string_view message)
{
    const Envelope envelope = wire::jsonrpc::parseEnvelope(message);
    switch (envelope.kind) {
    case Envelope::Kind::Request: {
        std::string id(envelope.id.in(message));
        if (envelope.method == "initialize") {
            m_initializeLine = std::string(message);
            m_initializeId = id;
            m_initializeAnswered = false;
        } else if (startsWith(envelope.method, "resources/") ||
                   envelope.method == "logging/setLevel") {
            noteSessionState(message, envelope.method);
        }
        m_unanswered[std::move(id)] = m_sent++;
        break;
    }
    case Envelope::Kind::Notification:
        if (envelope.method == "notifications/initialized") {
            m_clientSentInitialized = true;
        } else if (envelope.method == "notifications/cancelled") {
            // A cancelled request may never be answered: the client no longer waits for it.
            if (const auto requestId = json::findPath(message, {"params", "requestId"}))
                m_unanswered.erase(std::string(requestId->in(message)));
        }
        break;
    case Envelope::Kind::Batch:
        forEachElement(message, [this](std::string_view element) { clientMessage(element); });
        break;
    default:
        break; // responses to the server's requests, and lines the broker will refuse
    }
}

void RequestTracker::noteSessionState(std::string_view message, const std::string &method)
{
    // What a new broker has to be told again for this session.
    if (method == "logging/setLevel") {
        if (const auto params = json::findPath(message, {"params"}))
            m_logLevelParams = std::string(params->in(message));
        return;
    }
    const auto uri = json::findPath(message, {"params", "uri"});
    if (!uri)
        return;
    std::string raw(uri->in(message));
    const auto known = std::find(m_subscriptions.begin(), m_subscriptions.end(), raw);
    if (method == "resources/subscribe" && known == m_subscriptions.end())
        m_subscriptions.push_back(std::move(raw));
    else if (method == "resources/unsubscribe")
        m_subscriptions.erase(std::remove(m_subscriptions.begin(), m_subscriptions.end(), raw),
                              m_subscriptions.end());
}

RequestTracker::Route RequestTracker::brokerLine(std::string_view line)
{
    Route route = Route::Relay;
    brokerMessage(line, &route);
    return route;
}

void RequestTracker::brokerMessage(std::string_view message, Route *route)
{
    const Envelope envelope = wire::jsonrpc::parseEnvelope(message);
    if (envelope.kind == Envelope::Kind::Batch) {
        forEachElement(message,
                       [this, route](std::string_view element) { brokerMessage(element, route); });
        *route = Route::Relay; // the batch's answer goes to the client as one line
        return;
    }
    if (envelope.kind == Envelope::Kind::Notification &&
        envelope.method == wire::SessionClosing::Method) {
        const auto reason = json::findPath(message, {"params", "reason"});
        m_closingReason =
            reason ? json::decodeString(reason->in(message)).value_or(std::string()) : std::string();
        if (m_closingReason.empty())
            m_closingReason = "closed by Manifold";
        *route = Route::Swallow;
        return;
    }
    if (envelope.kind != Envelope::Kind::Response)
        return;
    const std::string_view id = envelope.id.in(message);
    if (!m_ownIds.empty()) {
        const auto own = std::find(m_ownIds.begin(), m_ownIds.end(), id);
        if (own != m_ownIds.end()) {
            m_ownIds.erase(own);
            if (id == m_ownInitializeId)
                m_ownAnswer = std::string(message);
            *route = Route::Swallow;
            return;
        }
    }
    const std::string key(id);
    m_unanswered.erase(key);
    if (key == m_initializeId && envelope.result.isValid())
        m_initializeAnswered = true;
}

std::vector<std::string> RequestTracker::takeUnanswered()
{
    std::vector<std::pair<uint64_t, std::string>> sorted;
    sorted.reserve(m_unanswered.size());
    for (auto &entry : m_unanswered)
        sorted.emplace_back(entry.second, entry.first);
    m_unanswered.clear();
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::string> ids;
    ids.reserve(sorted.size());
    for (auto &entry : sorted)
        ids.push_back(std::move(entry.second));
    return ids;
}

std::vector<std::string> RequestTracker::replayHandshake(const std::string &idPrefix)
{
    std::vector<std::string> lines;
    m_ownIds.clear();
    m_ownAnswer.clear();
    if (!m_initializeAnswered)
        return lines;
    auto ownId = [&] {
        m_ownIds.push_back(json::encodeString(idPrefix + std::to_string(m_ownIds.size() + 1)));
        return m_ownIds.back();
    };
    const Envelope initialize = wire::jsonrpc::parseEnvelope(m_initializeLine);
    m_ownInitializeId = ownId();
    lines.push_back(json::splice(m_initializeLine, initialize.id, m_ownInitializeId));
    if (m_clientSentInitialized)
        lines.push_back(wire::jsonrpc::makeNotification("notifications/initialized"));
    for (const std::string &uri : m_subscriptions)
        lines.push_back(
            wire::jsonrpc::makeRequest(ownId(), "resources/subscribe", "{\"uri\":" + uri + '}'));
    if (!m_logLevelParams.empty())
        lines.push_back(wire::jsonrpc::makeRequest(ownId(), "logging/setLevel", m_logLevelParams));
    return lines;
}

std::vector<std::string> RequestTracker::listChangedNotifications(std::string_view ownAnswer)
{
    std::vector<std::string> notifications;
    const Envelope envelope = wire::jsonrpc::parseEnvelope(ownAnswer);
    if (!envelope.result.isValid())
        return notifications;
    const std::string_view result = envelope.result.in(ownAnswer);
    for (const char *kind : {"tools", "prompts", "resources"}) {
        const auto flag = json::findPath(result, {"capabilities", kind, "listChanged"});
        if (flag && flag->in(result) == "true")
            notifications.push_back(wire::jsonrpc::makeNotification(
                "notifications/" + std::string(kind) + "/list_changed"));
    }
    return notifications;
}

} // namespace manifold::shim
