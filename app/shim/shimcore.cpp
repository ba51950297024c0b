#include "shimcore.h"

#include "platform.h"

#include <utility>

#include "wire/constants.h"
#include "wire/jsonrpc.h"

namespace manifold::shim {

namespace jsonrpc = wire::jsonrpc;

namespace {
// A refused shim looks at its client's lines only to answer them; longer ones are skipped.
constexpr size_t MaxRefusedLineBytes = 16 * 1024 * 1024;
} // namespace

ShimCore::ShimCore(ShimHost &host, std::vector<std::string> candidates,
                   Connector::LaunchPlace launchPlace, std::string serverName)
    : m_host(host), m_serverName(std::move(serverName)),
      m_connector(host, std::move(candidates), std::move(launchPlace), m_serverName,
                  Connector::Callbacks{
                      [this](std::string_view rest, int64_t brokerPid, int64_t session) {
                          onWelcomed(rest, brokerPid, session);
                      },
                      [this](const std::string &message) { onConnectFailed(message); },
                      [this](const std::string &reason) { onClosedByBroker(reason); }}),
      m_toBroker(wire::MaxHeldLineBytes), m_toClient(wire::MaxHeldLineBytes)
{
}

void ShimCore::start()
{
    m_pid = m_host.processFacts().pid;
    m_connector.start();
}

void ShimCore::onWelcomed(std::string_view rest, int64_t brokerPid, int64_t session)
{
    m_connector.setResume(brokerPid, session); // what the next hello names, if it comes to that
    m_connected = true;
    if (std::exchange(m_everWelcomed, true)) {
        writeStderr("manifold-shim: reconnected to the Manifold broker (pid " +
                    std::to_string(brokerPid) + ")\n");
        replayHandshake();
    }
    if (!m_pendingInput.empty())
        m_host.writeBroker(std::exchange(m_pendingInput, {}));
    if (!rest.empty())
        fromBroker(rest);
    if (m_connected && m_stdinClosed)
        closeAfterClientEof();
}

void ShimCore::replayHandshake()
{
    // The new broker has never seen this client: introduce it the way the client did, under ids
    // of our own whose answers the client never sees (it is initialized already).
    const std::string idPrefix = "manifold-shim:" + std::to_string(m_pid) + ":reconnect-" +
                                 std::to_string(++m_reconnects) + ':';
    std::string lines;
    for (const std::string &line : m_tracker.replayHandshake(idPrefix)) {
        lines += line;
        lines += '\n';
    }
    m_host.writeBroker(lines);
}

void ShimCore::onReplayAnswered(const std::string &answer)
{
    if (!jsonrpc::parseEnvelope(answer).result.isValid()) {
        writeStderr("manifold-shim: server '" + m_serverName +
                    "' did not accept the client's initialize again: " + answer + "\n");
        return;
    }
    // The server behind the new broker may offer other tools than the one the client listed.
    for (const std::string &notification : RequestTracker::listChangedNotifications(answer))
        writeStdout(notification + '\n');
}

void ShimCore::onConnectFailed(const std::string &message)
{
    if (!m_everWelcomed) {
        refuse(message);
        return;
    }
    writeStderr("manifold-shim: the Manifold broker could not be reached again: " + message + "\n");
    answerUnanswered("the Manifold broker went away and could not be reached again (" + message +
                     "); this request to server '" + m_serverName + "' was not completed");
    finish(1);
}

void ShimCore::brokerBytes(std::string_view data)
{
    if (m_connector.active())
        m_connector.brokerBytes(data);
    else if (m_connected)
        fromBroker(data);
}

void ShimCore::fromBroker(std::string_view data)
{
    m_toClient.feed(
        data,
        [this](std::string_view line) {
            return m_tracker.brokerLine(line) == RequestTracker::Route::Relay;
        },
        [this](std::string_view bytes) { writeStdout(bytes); });
    if (m_tracker.hasOwnAnswer())
        onReplayAnswered(m_tracker.takeOwnAnswer());
}

void ShimCore::brokerEof()
{
    if (m_connector.active())
        m_connector.brokerEof();
    else if (m_connected)
        onBrokerGone();
}

void ShimCore::onBrokerGone()
{
    m_connected = false;
    if (m_stdinClosed) {
        finish(0);
        return;
    }
    // Half a line from the broker was never relayed and is dropped; an over-long line already
    // partly relayed is ended so that what follows stays parseable.
    if (m_toClient.passingLongLine())
        writeStdout("\n");
    m_toClient.reset();
    m_toBroker.dropRestOfLongLine();

    const std::string closing = m_tracker.closingReason();
    if (!closing.empty()) {
        onClosedByBroker(closing);
        return;
    }
    writeStderr("manifold-shim: the Manifold broker went away; reconnecting\n");
    answerUnanswered("the Manifold broker went away before server '" + m_serverName +
                     "' answered; the request was not completed (the shim is reconnecting)");
    if (!m_finished)
        m_connector.start();
}

void ShimCore::onClosedByBroker(const std::string &reason)
{
    writeStderr("manifold-shim: Manifold closed the session: " + reason + "\n");
    answerUnanswered("Manifold closed this session (" + reason + ") before server '" +
                     m_serverName + "' answered; the request was not completed");
    finish(1);
}

void ShimCore::answerUnanswered(const std::string &message)
{
    for (const std::string &id : m_tracker.takeUnanswered())
        writeStdout(jsonrpc::makeError(id, jsonrpc::ServerError, message) + '\n');
}

void ShimCore::clientBytes(std::string_view data)
{
    if (!m_refusal.empty()) {
        m_refusalLines.append(data);
        answerInitializeWithError();
        return;
    }
    fromClient(data);
}

void ShimCore::fromClient(std::string_view data)
{
    m_toBroker.feed(
        data,
        [this](std::string_view line) {
            m_tracker.clientLine(line);
            return true;
        },
        [this](std::string_view bytes) {
            if (m_connected)
                m_host.writeBroker(bytes);
            else
                m_pendingInput.append(bytes);
        });
}

void ShimCore::clientEof()
{
    m_stdinClosed = true;
    if (!m_refusal.empty()) {
        finish(1);
        return;
    }
    if (!m_connected) {
        // Waiting for the broker: what the client sent goes there once it answers. While
        // reconnecting with nothing to deliver, there is nothing left to do.
        if (m_everWelcomed && m_pendingInput.empty() && !m_toBroker.midLine())
            finish(0);
        return;
    }
    closeAfterClientEof();
}

void ShimCore::closeAfterClientEof()
{
    // A held unterminated line still goes to the broker, then the session ends with the channel.
    const std::string unterminated = m_toBroker.takeHeld();
    if (!unterminated.empty())
        m_host.writeBroker(unterminated);
    m_host.closeBroker(true);
    m_connected = false;
    finish(0);
}

void ShimCore::timerFired()
{
    if (m_connector.active())
        m_connector.timerFired();
    else if (m_refusalTimerArmed)
        finish(1); // a refused client that never sent initialize
}

void ShimCore::refuse(const std::string &message)
{
    if (!m_refusal.empty())
        return;
    m_refusal = message;
    writeStderr("manifold-shim: " + message + "\n");
    m_refusalLines = std::exchange(m_pendingInput, {}) + m_toBroker.takeHeld();
    answerInitializeWithError();
    if (m_stdinClosed) {
        finish(1);
        return;
    }
    // A client that never sends initialize must not keep us around forever.
    if (!m_finished) {
        m_refusalTimerArmed = true;
        m_host.armTimer(wire::RefusalTimeoutMs);
    }
}

void ShimCore::answerInitializeWithError()
{
    size_t pos = 0;
    while (!m_finished) {
        const size_t newline = m_refusalLines.find('\n', pos);
        if (newline == std::string::npos)
            break;
        const std::string_view line = std::string_view(m_refusalLines).substr(pos, newline - pos);
        pos = newline + 1;
        if (std::exchange(m_refusalDiscarding, false))
            continue; // the end of a line too long to look at
        const auto envelope = jsonrpc::parseEnvelope(line);
        if (!envelope.isRequest())
            continue;
        writeStdout(jsonrpc::makeError(envelope.id.in(line), jsonrpc::RequestRefused, m_refusal) +
                    '\n');
        if (envelope.method == "initialize")
            finish(1);
    }
    m_refusalLines.erase(0, pos);
    if (m_refusalLines.size() > MaxRefusedLineBytes) {
        m_refusalLines.clear();
        m_refusalDiscarding = true;
    }
}

void ShimCore::writeStdout(std::string_view data)
{
    if (m_finished)
        return;
    if (!m_host.writeStdout(data))
        finish(1); // the client is gone
}

void ShimCore::writeStderr(const std::string &text)
{
    m_host.writeStderr(text);
}

void ShimCore::finish(int exitCode)
{
    if (std::exchange(m_finished, true))
        return;
    m_exitCode = exitCode;
    m_host.exit(exitCode);
}

} // namespace manifold::shim
