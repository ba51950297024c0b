#pragma once

#include "connector.h"
#include "linesplitter.h"
#include "requesttracker.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace manifold::shim {

class ShimHost;

// manifold-shim's behaviour, without I/O: stands in for an MCP server on a client's stdio and
// relays its lines unchanged to and from the broker session for one server. Starts the broker
// when none answers. When the broker goes away, answers what the client was waiting for with an
// error, reconnects (starting a broker again), replays the client's handshake and carries on.
// The platform's loop feeds it events; it acts only through its ShimHost.
class ShimCore final
{
public:
    // candidates: where a broker of this user may be, the endpoint to start one on first (see
    // Connector).
    ShimCore(ShimHost &host, std::vector<std::string> candidates,
             Connector::LaunchPlace launchPlace, std::string serverName);

    // Starts reaching the broker. The platform reads the client from the start as well.
    void start();

    // --- events
    void clientBytes(std::string_view data);
    void clientEof();
    void brokerBytes(std::string_view data);
    void brokerEof();
    void timerFired();

    bool finished() const { return m_finished; }
    int exitCode() const { return m_exitCode; }

private:
    void onWelcomed(std::string_view rest, int64_t brokerPid, int64_t session);
    void onConnectFailed(const std::string &message);
    // The broker closed this shim's session on purpose: answer what is open, say why, exit 1.
    void onClosedByBroker(const std::string &reason);
    void onBrokerGone();
    void fromClient(std::string_view data);
    void fromBroker(std::string_view data);
    void replayHandshake();
    void onReplayAnswered(const std::string &answer);
    void answerUnanswered(const std::string &message);
    void refuse(const std::string &message);
    void answerInitializeWithError();
    void closeAfterClientEof();
    void writeStdout(std::string_view data);
    void writeStderr(const std::string &text);
    void finish(int exitCode);

    ShimHost &m_host;
    std::string m_serverName;
    Connector m_connector;
    bool m_connected = false; // a welcomed broker channel is open
    LineSplitter m_toBroker;
    LineSplitter m_toClient;
    RequestTracker m_tracker;
    std::string m_pendingInput; // whole client lines waiting for the broker's welcome
    bool m_everWelcomed = false;
    bool m_stdinClosed = false;
    bool m_finished = false;
    int m_exitCode = 0;
    int m_reconnects = 0;
    std::string m_refusal;      // never welcomed: we can only answer initialize with an error
    std::string m_refusalLines; // client bytes not yet looked at while refusing
    bool m_refusalDiscarding = false; // inside an over-long line while refusing
    bool m_refusalTimerArmed = false;
    int64_t m_pid = -1;
};

} // namespace manifold::shim
