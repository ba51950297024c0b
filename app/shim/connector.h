#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace manifold::shim {

class ShimHost;

// Reaches the broker for one shim: connects to the endpoint, starts the broker when none answers
// (one shim at a time, under a launch lock next to the socket), says hello and reads the answer.
// Used at startup and again whenever the broker went away. With the default socket it also looks
// at the other places the rendezvous rule can give this user before starting a broker. Pure
// logic over ShimHost; ShimCore routes the broker's bytes here until the welcome.
class Connector final
{
public:
    struct Callbacks
    {
        // The broker said welcome; rest holds the bytes that followed the welcome line. The
        // channel stays open and belongs to the caller from now on.
        std::function<void(std::string_view rest, int64_t brokerPid, int64_t session)> welcomed;
        // The broker refused, or none answered in time.
        std::function<void(const std::string &message)> failed;
        // The broker refused a reconnect: it had closed that session on purpose, for this reason.
        std::function<void(const std::string &reason)> closedByBroker;
    };

    // Where a broker is started when none answers: on candidates.front(), with the launch lock
    // and the log beside it.
    struct LaunchPlace
    {
        std::string directory;         // made to exist before the lock goes in
        bool privateDirectory = false; // the default rendezvous: made private (0700, ours)
        std::string lockPath;          // <socket>.launch.lock
        std::string logPath;           // <socket>.log
    };

    // candidates: where to look, the endpoint to start a broker on first.
    Connector(ShimHost &host, std::vector<std::string> candidates, LaunchPlace launchPlace,
              std::string serverName, Callbacks callbacks);

    // Starts an attempt with a fresh time budget (wire::MaxWaitForBrokerMs).
    void start();
    // A reconnect: the hello names the session this shim had at that broker.
    void setResume(int64_t brokerPid, int64_t session)
    {
        m_resumeBrokerPid = brokerPid;
        m_resumeSession = session;
    }
    bool active() const { return m_active; }

    // Events while active.
    void brokerBytes(std::string_view data);
    void brokerEof();
    void timerFired();

private:
    void tryConnect();
    void onConnectError();
    void sayHello();
    void retryOrGiveUp(const std::string &giveUpMessage);
    void fail(const std::string &message);
    void stopAttempt(); // no more tries, the launch lock released
    void closeChannel();

    ShimHost &m_host;
    std::vector<std::string> m_candidates;
    size_t m_candidate = 0;
    std::string m_endpoint; // the one being tried
    LaunchPlace m_launchPlace;
    std::string m_serverName;
    Callbacks m_callbacks;
    std::string m_replyBuffer;
    bool m_open = false; // a channel is open, no answer yet
    int m_attempts = 0;
    int64_t m_resumeBrokerPid = -1;
    int64_t m_resumeSession = -1;
    bool m_active = false;
    bool m_launched = false;
    bool m_locked = false;
};

} // namespace manifold::shim
