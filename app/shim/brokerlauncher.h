#pragma once

#include <QString>

// Starts `manifold --headless` fully detached from the MCP client that started the shim:
// double fork, new session, stdio on /dev/null (logs to <socket>.log), no inherited fds.
// Only one shim at a time launches (a lock next to the socket); the broker's own lock makes
// sure that even then exactly one broker survives.
class BrokerLauncher final
{
public:
    explicit BrokerLauncher(QString socketPath) : m_socketPath(std::move(socketPath)) {}

    // The manifold executable to run: $MANIFOLD_BIN, else next to the shim, else from PATH.
    static QString brokerExecutable();
    // A desktop session is present (DISPLAY / WAYLAND_DISPLAY); MANIFOLD_LAUNCH=headless|tray forces it.
    static bool graphicalSession();

    bool launch(QString *error) const;

private:
    QString m_socketPath;
};
