#pragma once

// What manifold-shim needs from the operating system, Qt-free. app/shim/posix/ implements it for
// Linux and macOS, app/shim/win/ for Windows; tests/shim drives ShimCore with a fake ShimHost.
//
// The split: ShimCore (shimcore.h) and Connector (connector.h) are the whole behaviour, as pure
// logic. They call a ShimHost for everything that touches the system, and the platform's event
// loop (runShim) calls them back with events (client bytes/EOF, broker bytes/EOF, the timer).
// Everything runs on one thread as far as ShimCore can tell: a platform that uses threads (the
// Windows stdin reader) hands events to ShimCore one at a time.

#include "connector.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace manifold::shim {

class ShimCore;

// The outcome of one synchronous attempt to open the broker's endpoint.
struct ConnectOutcome
{
    enum class Status {
        Connected, // the channel is open; its bytes arrive as ShimCore::brokerBytes/brokerEof
        Busy,      // there is a listener but it cannot take us now (backlog full, pipe busy): retry
        Failed,    // nothing (usable) listens there: retry, or start a broker
        OtherUser, // connected, but the peer runs as another user (closed again; see peerUid)
    };
    Status status = Status::Failed;
    int64_t peerUid = -1; // OtherUser: the peer's uid
    std::string error;    // Failed: the system's reason, for messages only
};

// Facts about this process that go into the hello.
struct ProcessFacts
{
    int64_t pid = -1;
    int64_t ppid = -1;
    std::string parentExe; // the parent's executable (empty when unknown, e.g. macOS today)
    std::string cwd;       // Windows: with '/' separators, as QDir::currentPath() gives it
};

// Called by ShimCore/Connector; implemented by the platform's event loop (and a fake in tests).
// All calls return at once (no waiting for a peer), except writeStdout, which blocks until the
// client took the bytes: a client that stops reading must stall its shim (backpressure).
class ShimHost
{
public:
    virtual ~ShimHost() = default;

    // --- the client's stdio
    // false: the client is gone (write error); ShimCore then exits 1.
    virtual bool writeStdout(std::string_view bytes) = 0;
    virtual void writeStderr(std::string_view text) = 0;

    // --- the broker channel (at most one open at a time)
    // Opens the endpoint (a Unix socket path or a pipe name) and checks its peer is our user.
    // Replaces any open channel. Connected: later bytes/EOF are reported to ShimCore (the
    // channel counts as closed before brokerEof is reported).
    virtual ConnectOutcome connectBroker(const std::string &endpoint) = 0;
    // Queues bytes for the open channel, never blocks (the platform buffers what the broker does
    // not take yet and keeps reading it meanwhile). Ignored without an open channel.
    virtual void writeBroker(std::string_view bytes) = 0;
    // Closes the open channel. flush: what writeBroker queued is delivered first (whatever the
    // broker sends meanwhile is discarded). No brokerEof is reported for a channel closed here.
    virtual void closeBroker(bool flush) = 0;

    // --- reaching and starting the broker
    virtual bool fileExists(const std::string &path) = 0;
    // mkdir -p (the directory of a socket given with --socket); best effort.
    virtual void makePath(const std::string &dir) = 0;
    // The default rendezvous directory made private (wire::ensurePrivateDirectory on POSIX).
    virtual bool ensurePrivateDirectory(const std::string &dir, std::string *error) = 0;
    // Takes the launch lock at path without waiting (QLockFile-compatible: an old Qt shim and
    // this one exclude each other). false: another process holds it. Held until released.
    virtual bool tryLaunchLock(const std::string &path) = 0;
    virtual void releaseLaunchLock() = 0;
    // Starts `manifold --headless|--minimized --socket SOCKET` detached from this process
    // (executable: $MANIFOLD_BIN, then beside the shim, then PATH; output appended to
    // SOCKET.log). false with *error (the text after "could not be started: ").
    virtual bool startBroker(const std::string &socketPath, std::string *error) = 0;

    // --- time and the end
    // One timer: fires ShimCore::timerFired once, ms from now. Re-arming replaces it.
    virtual void armTimer(int ms) = 0;
    virtual void cancelTimer() = 0;
    // The loop ends and the process exits with code once this call returns.
    virtual void exit(int code) = 0;

    virtual ProcessFacts processFacts() = 0;
};

// Per-platform functions used by main.cpp.
namespace platform {

// Process-wide setup before anything else: the allocator, SIGPIPE ignored (POSIX), binary stdout
// (Windows).
void prepareProcess();
// The command line as UTF-8, without argv[0] (Windows reads the UTF-16 command line).
std::vector<std::string> arguments(int argc, char **argv);
// An environment variable as UTF-8; empty when unset.
std::string environment(const char *name);
// The broker endpoint used without --socket and MANIFOLD_SOCKET, and every endpoint a broker of
// this user may serve on (the default first; POSIX: every rendezvous candidate).
std::string defaultSocketPath();
std::vector<std::string> defaultSocketCandidates();
// The directory of the endpoint, where the launch lock and the log go (for a Windows pipe name,
// the runtime dir), and the sidecar file path (endpoint + suffix, or runtime dir + name + suffix).
std::string socketDirectory(const std::string &endpoint);
std::string sidecarPath(const std::string &endpoint, const char *suffix);
// Where a shim for endpoint makes its directory, takes its launch lock and logs a broker it
// starts (launchplace.cpp, from the two functions above; private for the default rendezvous).
Connector::LaunchPlace launchPlace(const std::string &endpoint);

// Runs the shim: builds the platform's ShimHost, a ShimCore for server on endpoint, starts it and
// loops until it exits. Returns the exit code.
int runShim(const std::string &endpoint, const std::string &server);

} // namespace platform

} // namespace manifold::shim
