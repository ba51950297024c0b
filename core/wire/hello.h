#pragma once

// The first line on a broker connection and the broker's answer (docs/wire.md), Qt-free. The
// broker's QString API (core/control/hello.h) converts to and from these.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace manifold::wire {

struct Hello
{
    static constexpr int ProtocolVersion = 1;

    std::string role;        // "shim" or "control"
    std::string server;      // shim: the server name
    int64_t pid = -1;        // the peer's pid as it reports it
    int64_t ppid = -1;       // shim: its parent, usually the MCP client
    std::string parentExe;
    std::string cwd;
    std::string peerVersion; // Manifold version of the shim or manifoldctl
    int64_t previousSession = -1;   // reconnecting shim: the session it had
    int64_t previousBrokerPid = -1; // and the broker that had it
    int version = 0;

    // One compact JSON object, no '\n'; members in the order the Qt version wrote them is not
    // required (the broker reads by name).
    std::string toLine() const;
    // nullopt with *error set (the broker's refusal text) if line is not an acceptable hello.
    static std::optional<Hello> fromLine(std::string_view line, std::string *error);
};

struct HelloReply
{
    bool accepted = false;
    std::string error;
    int64_t brokerPid = -1;
    std::string brokerVersion;
    int64_t session = -1;     // welcome of a shim: its session id
    std::string closedReason; // refused: the reconnecting shim's session was closed on purpose

    std::string toLine() const;
    static std::optional<HelloReply> fromLine(std::string_view line);
};

// The broker's last line on a session it closes on purpose; a shim takes it as "do not reconnect".
struct SessionClosing
{
    static constexpr char Method[] = "notifications/manifold/sessionClosing";

    static std::string line(std::string_view reason); // no trailing '\n'
};

} // namespace manifold::wire
