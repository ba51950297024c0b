#pragma once

#include "../bytebuffer.h"
#include "../platform.h"
#include "launchlock.h"

#include <chrono>

namespace manifold::shim::posix {

// ShimHost on Linux and macOS, and the loop that drives a ShimCore: one thread, poll() over the
// client's stdin, the broker socket and the one timer. The broker socket is non-blocking with an
// output buffer (so we never block writing to a broker that is itself blocked writing to us);
// stdout is written blocking (a client that stops reading stalls its shim: backpressure).
class PosixHost final : public ShimHost
{
public:
    PosixHost();
    ~PosixHost() override;

    // Runs core until it exits; returns the exit code.
    int run(ShimCore &core);

    bool writeStdout(std::string_view bytes) override;
    void writeStderr(std::string_view text) override;
    ConnectOutcome connectBroker(const std::string &endpoint) override;
    void writeBroker(std::string_view bytes) override;
    void closeBroker(bool flush) override;
    bool fileExists(const std::string &path) override;
    void makePath(const std::string &dir) override;
    bool ensurePrivateDirectory(const std::string &dir, std::string *error) override;
    bool tryLaunchLock(const std::string &path) override;
    void releaseLaunchLock() override;
    bool startBroker(const std::string &socketPath, std::string *error) override;
    void armTimer(int ms) override;
    void cancelTimer() override;
    void exit(int code) override;
    ProcessFacts processFacts() override;

private:
    using Clock = std::chrono::steady_clock;

    void readStdin(ShimCore &core);
    void readBroker(ShimCore &core);
    bool flushBroker(); // false: the broker is gone (the loop then reads its EOF)
    void dropBroker();

    int m_broker = -1;
    unsigned m_brokerGeneration = 0; // tells a replaced channel from the one being read
    ByteBuffer m_brokerOut;          // bytes the broker has not taken yet
    bool m_stdinOpen = true;
    bool m_timerArmed = false;
    Clock::time_point m_deadline;
    bool m_exited = false;
    int m_exitCode = 0;
    LaunchLock m_launchLock;
    ProcessFacts m_facts;
    bool m_factsKnown = false;
};

} // namespace manifold::shim::posix
