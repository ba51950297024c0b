#pragma once

#include <string>

namespace manifold::shim::posix {

// Starts the broker (`manifold --headless|--minimized --socket SOCKET`) as an orphan in its own
// session, so it outlives this shim and is not in the client's process group; its output goes to
// SOCKET.log.
class BrokerLauncher final
{
public:
    explicit BrokerLauncher(std::string socketPath) : m_socketPath(std::move(socketPath)) {}

    // $MANIFOLD_BIN, else `manifold` beside this executable, else on PATH; empty if none.
    static std::string brokerExecutable();
    // $MANIFOLD_LAUNCH (headless/tray) decides; else the tray when a desktop session is there
    // (always on macOS).
    static bool graphicalSession();

    // false with *error when the broker could not be started.
    bool launch(std::string *error) const;

private:
    std::string m_socketPath;
};

} // namespace manifold::shim::posix
