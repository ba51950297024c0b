#pragma once

// The Windows ShimHost and its event loop. One thread runs ShimCore: it waits with
// WaitForMultipleObjects on the broker pipe's overlapped read and write (the pipe is opened with
// FILE_FLAG_OVERLAPPED: a synchronous pipe handle would serialise a pending read with our
// writes) and on an event set by the stdin thread. The client's stdin is an anonymous pipe,
// console or file, none of which has overlapped I/O, so a second thread blocks in ReadFile on it
// and queues what it reads. stdout is written synchronously from the loop thread, so a client
// that stops reading stalls the shim (backpressure). Windows only.

#include "../platform.h"

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace manifold::shim::win {

class LaunchLock;

class WinHost final : public ShimHost
{
public:
    WinHost();
    ~WinHost() override;

    // Starts the stdin thread, then loops until core finishes; returns its exit code.
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
    struct Pipe;
    struct StdinQueue;

    void startRead();
    void startWrite();
    // The broker read completed (or failed): hands bytes or EOF to the core.
    void onReadDone();
    void onWriteDone();
    void drainStdin();
    void dropPipe();

    ShimCore *m_core = nullptr;
    std::unique_ptr<Pipe> m_pipe;
    std::vector<std::unique_ptr<Pipe>> m_retiredPipes; // closed while a read buffer was in use
    std::shared_ptr<StdinQueue> m_stdin; // shared with the reader thread, which is never joined
    std::unique_ptr<LaunchLock> m_lock;
    bool m_timerArmed = false;
    uint64_t m_timerDue = 0; // GetTickCount64
    bool m_exited = false;
    int m_exitCode = 0;
};

} // namespace manifold::shim::win
