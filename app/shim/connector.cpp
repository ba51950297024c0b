#include "connector.h"

#include "platform.h"

#include <utility>

#include "manifold/version.h"
#include "wire/constants.h"
#include "wire/hello.h"

namespace manifold::shim {

Connector::Connector(ShimHost &host, std::vector<std::string> candidates, LaunchPlace launchPlace,
                     std::string serverName, Callbacks callbacks)
    : m_host(host), m_candidates(std::move(candidates)), m_launchPlace(std::move(launchPlace)),
      m_serverName(std::move(serverName)), m_callbacks(std::move(callbacks))
{
}

void Connector::start()
{
    m_active = true;
    m_attempts = 0;
    m_launched = false;
    m_candidate = 0;
    m_endpoint = m_candidates.front();
    tryConnect();
}

void Connector::tryConnect()
{
    closeChannel();
    m_replyBuffer.clear();
    const ConnectOutcome outcome = m_host.connectBroker(m_endpoint);
    switch (outcome.status) {
    case ConnectOutcome::Status::Connected:
        m_open = true;
        sayHello();
        return;
    case ConnectOutcome::Status::OtherUser:
        // Only a broker of our own user gets this client's traffic (a socket in a shared /tmp
        // could have been put there by someone else).
        fail("the socket " + m_endpoint + " belongs to another user (uid " +
             std::to_string(outcome.peerUid) + "); refusing to use it");
        return;
    case ConnectOutcome::Status::Busy:
        // A broker listens but is not taking connections this instant: no reason to start one.
        retryOrGiveUp("Manifold broker did not come up at " + m_endpoint + " (see " +
                      m_launchPlace.logPath + ")");
        return;
    case ConnectOutcome::Status::Failed:
        onConnectError();
        return;
    }
}

void Connector::onConnectError()
{
    if (!m_launched) {
        // A broker of this user started before its login created /run/user/UID serves from /tmp.
        while (++m_candidate < m_candidates.size()) {
            if (m_host.fileExists(m_candidates[m_candidate])) {
                m_endpoint = m_candidates[m_candidate];
                tryConnect();
                return;
            }
        }
        m_endpoint = m_candidates.front();
        // One shim launches; the others wait for the socket to appear. The lock is held until
        // the broker answers, so the shims started with this one just wait. The default
        // rendezvous is made private before the launch lock and log go into it (the broker
        // would do it too, but only once it runs).
        if (m_launchPlace.privateDirectory) {
            std::string dirError;
            if (!m_host.ensurePrivateDirectory(m_launchPlace.directory, &dirError)) {
                fail("cannot use the Manifold runtime directory: " + dirError);
                return;
            }
        } else {
            m_host.makePath(m_launchPlace.directory);
        }
        if (m_locked)
            m_host.releaseLaunchLock();
        m_locked = m_host.tryLaunchLock(m_launchPlace.lockPath);
        if (m_locked) {
            std::string launchError;
            if (!m_host.startBroker(m_endpoint, &launchError)) {
                fail("Manifold broker is not running and could not be started: " + launchError);
                return;
            }
        }
        m_launched = true;
    }
    retryOrGiveUp("Manifold broker did not come up at " + m_endpoint + " (see " +
                  m_launchPlace.logPath + ")");
}

void Connector::retryOrGiveUp(const std::string &giveUpMessage)
{
    if (++m_attempts * wire::ConnectRetryMs > wire::MaxWaitForBrokerMs) {
        fail(giveUpMessage);
        return;
    }
    m_host.armTimer(wire::ConnectRetryMs);
}

void Connector::sayHello()
{
    const ProcessFacts facts = m_host.processFacts();
    wire::Hello hello;
    hello.role = "shim";
    hello.server = m_serverName;
    hello.pid = facts.pid;
    hello.ppid = facts.ppid;
    hello.parentExe = facts.parentExe;
    hello.cwd = facts.cwd;
    hello.peerVersion = manifold::versionString();
    hello.previousSession = m_resumeSession;
    hello.previousBrokerPid = m_resumeBrokerPid;
    m_host.writeBroker(hello.toLine() + '\n');
}

void Connector::brokerBytes(std::string_view data)
{
    if (!m_active || !m_open)
        return;
    m_replyBuffer.append(data);
    const size_t newline = m_replyBuffer.find('\n');
    if (newline == std::string::npos)
        return;
    const auto reply =
        wire::HelloReply::fromLine(std::string_view(m_replyBuffer).substr(0, newline));
    const std::string rest = m_replyBuffer.substr(newline + 1);
    m_replyBuffer.clear();
    if (reply && !reply->accepted && !reply->closedReason.empty()) {
        stopAttempt();
        closeChannel();
        m_callbacks.closedByBroker(reply->closedReason);
        return;
    }
    if (!reply || !reply->accepted) {
        fail(reply ? reply->error : std::string("the broker sent an unexpected answer"));
        return;
    }
    if (reply->brokerVersion != manifold::versionString()) {
        m_host.writeStderr("manifold-shim: note: broker is version " + reply->brokerVersion +
                           ", shim is " + manifold::versionString() + "\n");
    }
    stopAttempt();
    m_open = false; // the channel is the caller's now
    m_callbacks.welcomed(rest, reply->brokerPid, reply->session);
}

void Connector::brokerEof()
{
    if (!m_active || !m_open)
        return;
    m_open = false; // the host closed it
    // The broker went away before answering (it was stopping, or crashed): try again.
    retryOrGiveUp("the Manifold broker at " + m_endpoint +
                  " closed the connection before answering");
}

void Connector::timerFired()
{
    if (m_active)
        tryConnect();
}

void Connector::fail(const std::string &message)
{
    if (!m_active)
        return;
    stopAttempt();
    closeChannel();
    m_callbacks.failed(message);
}

void Connector::stopAttempt()
{
    m_active = false;
    m_host.cancelTimer();
    if (std::exchange(m_locked, false))
        m_host.releaseLaunchLock();
}

void Connector::closeChannel()
{
    if (std::exchange(m_open, false))
        m_host.closeBroker(false);
}

} // namespace manifold::shim
