#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace manifold::shim {

// What the shim's client is still waiting for, so that nothing it asked is left unanswered when
// the broker goes away, and the handshake the shim replays to a new broker. Looks only at each
// line's JSON-RPC envelope (one scan per line, no document is built): this runs on the relay's
// hot path.
class RequestTracker final
{
public:
    enum class Route { Relay, Swallow };

    // A complete line from the client, on its way to the broker.
    void clientLine(std::string_view line);
    // A complete line from the broker. Swallow: it answers one of the shim's own replayed
    // requests (see takeOwnAnswer()) or is the broker's closing notice (see closingReason()).
    Route brokerLine(std::string_view line);

    bool hasUnanswered() const { return !m_unanswered.empty(); }
    // Raw ids of the client's unanswered requests, oldest first; forgets them.
    std::vector<std::string> takeUnanswered();

    // What to send a new broker so that it knows this client as the old one did: its
    // initialize and notifications/initialized, then its resource subscriptions and its log
    // level. Each request goes under an id of the shim's own (a JSON string starting with
    // idPrefix) whose answer the client never sees. Empty unless the client's own initialize
    // was answered with a result.
    std::vector<std::string> replayHandshake(const std::string &idPrefix);
    // The broker's answer to the replayed initialize, once it came; cleared when taken.
    bool hasOwnAnswer() const { return !m_ownAnswer.empty(); }
    std::string takeOwnAnswer() { return std::exchange(m_ownAnswer, {}); }
    // The reason the broker gave for closing the session on purpose, empty if it did not.
    const std::string &closingReason() const { return m_closingReason; }

    // list_changed notifications to send after a replayed initialize answered by ownAnswer:
    // one per capability (tools, prompts, resources) that the server says it announces.
    static std::vector<std::string> listChangedNotifications(std::string_view ownAnswer);

private:
    void clientMessage(std::string_view message);
    void brokerMessage(std::string_view message, Route *route);
    void noteSessionState(std::string_view message, const std::string &method);

    std::unordered_map<std::string, uint64_t> m_unanswered; // raw id -> order it was sent in
    uint64_t m_sent = 0;
    std::string m_initializeLine;
    std::string m_initializeId;
    bool m_initializeAnswered = false;
    bool m_clientSentInitialized = false;
    std::vector<std::string> m_subscriptions; // raw uris the client subscribed to
    std::string m_logLevelParams;             // raw params of its last logging/setLevel
    std::vector<std::string> m_ownIds;        // the shim's replayed requests not answered yet
    std::string m_ownInitializeId;
    std::string m_ownAnswer;
    std::string m_closingReason;
};

} // namespace manifold::shim
