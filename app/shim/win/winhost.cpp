#include "winhost.h"

#include "brokerstart.h"
#include "launchlock.h"
#include "winnames.h"
#include "winsystem.h"

#include "../shimcore.h"

#include <condition_variable>
#include <thread>
#include <vector>

#include <windows.h>

#include "wire/process.h"

namespace manifold::shim::win {

namespace {
constexpr DWORD ChunkBytes = 64 * 1024;
constexpr DWORD MaxWriteBytes = DWORD(1) << 30;
} // namespace

// The open broker channel: the handle and one overlapped read and one write in flight at most.
struct WinHost::Pipe
{
    HANDLE handle = INVALID_HANDLE_VALUE;
    OVERLAPPED readOp = {};
    OVERLAPPED writeOp = {};
    std::vector<char> readBuffer = std::vector<char>(ChunkBytes);
    bool reading = false;
    std::string writing; // the bytes of the write in flight
    bool writePending = false;
    std::string queued; // written after it
    bool broken = false;     // a write failed: the read will report the end
    bool readFailed = false; // ReadFile failed at once; the event was set by hand

    Pipe()
    {
        readOp.hEvent = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
        writeOp.hEvent = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
    }
    ~Pipe()
    {
        ::CloseHandle(readOp.hEvent);
        ::CloseHandle(writeOp.hEvent);
    }
};

// What the stdin thread read, waiting for the loop thread.
struct WinHost::StdinQueue
{
    std::mutex mutex;
    std::deque<std::string> chunks;
    bool eof = false;
    HANDLE ready = ::CreateEventW(nullptr, FALSE, FALSE, nullptr); // auto-reset
};

WinHost::WinHost() : m_stdin(std::make_shared<StdinQueue>()), m_lock(std::make_unique<LaunchLock>())
{
}

WinHost::~WinHost()
{
    dropPipe();
    m_retiredPipes.clear();
}

int WinHost::run(ShimCore &core)
{
    m_core = &core;
    // Blocked in ReadFile until the client closes stdin; it ends with the process.
    std::thread([queue = m_stdin, input = ::GetStdHandle(STD_INPUT_HANDLE)] {
        std::vector<char> chunk(ChunkBytes);
        for (;;) {
            DWORD n = 0;
            if (!input || !::ReadFile(input, chunk.data(), ChunkBytes, &n, nullptr) || n == 0)
                break;
            {
                std::lock_guard<std::mutex> lock(queue->mutex);
                queue->chunks.emplace_back(chunk.data(), n);
            }
            ::SetEvent(queue->ready);
        }
        {
            std::lock_guard<std::mutex> lock(queue->mutex);
            queue->eof = true;
        }
        ::SetEvent(queue->ready);
    }).detach();

    core.start();
    while (!m_exited && !core.finished()) {
        m_retiredPipes.clear();
        if (m_timerArmed && ::GetTickCount64() >= m_timerDue) {
            // Checked first so that a steady stream of bytes cannot starve it.
            m_timerArmed = false;
            core.timerFired();
            continue;
        }
        HANDLE handles[3];
        DWORD count = 0;
        handles[count++] = m_stdin->ready;
        const DWORD readIndex = count;
        if (m_pipe && m_pipe->reading)
            handles[count++] = m_pipe->readOp.hEvent;
        const DWORD writeIndex = count;
        if (m_pipe && m_pipe->writePending)
            handles[count++] = m_pipe->writeOp.hEvent;
        DWORD timeout = INFINITE;
        if (m_timerArmed) {
            const uint64_t now = ::GetTickCount64();
            timeout = m_timerDue > now ? DWORD(m_timerDue - now) : 0;
        }
        const DWORD woke = ::WaitForMultipleObjects(count, handles, FALSE, timeout);
        if (woke == WAIT_TIMEOUT) {
            m_timerArmed = false;
            core.timerFired();
        } else if (woke == WAIT_OBJECT_0) {
            drainStdin();
        } else if (woke == WAIT_OBJECT_0 + readIndex && readIndex < count) {
            onReadDone();
        } else if (woke == WAIT_OBJECT_0 + writeIndex && writeIndex < count) {
            onWriteDone();
        } else if (woke == WAIT_FAILED) {
            writeStderr("manifold-shim: waiting failed: " + systemMessage(::GetLastError()) + "\n");
            return 1;
        }
    }
    return m_exited ? m_exitCode : core.exitCode();
}

void WinHost::drainStdin()
{
    for (;;) {
        std::string chunk;
        bool eof = false;
        {
            std::lock_guard<std::mutex> lock(m_stdin->mutex);
            if (!m_stdin->chunks.empty()) {
                chunk = std::move(m_stdin->chunks.front());
                m_stdin->chunks.pop_front();
            } else {
                eof = m_stdin->eof;
                m_stdin->eof = false; // reported once
                if (!eof)
                    return;
            }
        }
        if (eof) {
            m_core->clientEof();
            return;
        }
        m_core->clientBytes(chunk);
        if (m_exited || m_core->finished())
            return;
    }
}

bool WinHost::writeStdout(std::string_view bytes)
{
    HANDLE output = ::GetStdHandle(STD_OUTPUT_HANDLE);
    while (!bytes.empty()) {
        DWORD n = 0;
        const DWORD size = bytes.size() > MaxWriteBytes ? MaxWriteBytes : DWORD(bytes.size());
        if (!::WriteFile(output, bytes.data(), size, &n, nullptr))
            return false;
        bytes.remove_prefix(n);
    }
    return true;
}

void WinHost::writeStderr(std::string_view text)
{
    HANDLE error = ::GetStdHandle(STD_ERROR_HANDLE);
    DWORD n = 0;
    if (error && error != INVALID_HANDLE_VALUE)
        ::WriteFile(error, text.data(), DWORD(text.size()), &n, nullptr);
}

ConnectOutcome WinHost::connectBroker(const std::string &endpoint)
{
    dropPipe();
    ConnectOutcome outcome;
    const std::wstring name = wide(pipePath(endpoint));
    HANDLE handle = INVALID_HANDLE_VALUE;
    for (int attempt = 0; attempt < 2; ++attempt) {
        // SECURITY_IDENTIFICATION: whoever serves the pipe may learn who we are, not act as us.
        handle = ::CreateFileW(name.c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr, OPEN_EXISTING,
                               FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT |
                                   SECURITY_IDENTIFICATION,
                               nullptr);
        if (handle != INVALID_HANDLE_VALUE || ::GetLastError() != ERROR_PIPE_BUSY)
            break;
        // Every instance is taken for the moment; the broker opens another at once.
        ::WaitNamedPipeW(name.c_str(), 50);
    }
    if (handle == INVALID_HANDLE_VALUE) {
        const DWORD error = ::GetLastError();
        outcome.status = error == ERROR_PIPE_BUSY ? ConnectOutcome::Status::Busy
                                                  : ConnectOutcome::Status::Failed;
        outcome.error = systemMessage(error);
        return outcome;
    }
    m_pipe = std::make_unique<Pipe>();
    m_pipe->handle = handle;
    outcome.status = ConnectOutcome::Status::Connected;
    startRead();
    return outcome;
}

void WinHost::startRead()
{
    Pipe &pipe = *m_pipe;
    ::ResetEvent(pipe.readOp.hEvent);
    if (::ReadFile(pipe.handle, pipe.readBuffer.data(), ChunkBytes, nullptr, &pipe.readOp) ||
        ::GetLastError() == ERROR_IO_PENDING) {
        pipe.reading = true; // a completion (even an immediate one) signals the event
        return;
    }
    // Failed at once (the broker is gone): reported from the loop, like a completed read.
    pipe.reading = true;
    pipe.readFailed = true;
    ::SetEvent(pipe.readOp.hEvent);
}

void WinHost::onReadDone()
{
    Pipe &pipe = *m_pipe;
    pipe.reading = false;
    DWORD n = 0;
    const bool ok = !pipe.readFailed &&
                    ::GetOverlappedResult(pipe.handle, &pipe.readOp, &n, FALSE) && n > 0;
    if (!ok) {
        // The broker closed its end or died. Nothing more is written to a dead pipe.
        dropPipe();
        m_core->brokerEof();
        return;
    }
    // The core may close or replace the channel from inside brokerBytes: dropPipe() then retires
    // the Pipe (and this buffer) until the next turn of the loop.
    Pipe *before = m_pipe.get();
    m_core->brokerBytes(std::string_view(pipe.readBuffer.data(), n));
    if (m_pipe && m_pipe.get() == before && !m_exited)
        startRead();
}

void WinHost::writeBroker(std::string_view bytes)
{
    if (!m_pipe || bytes.empty())
        return;
    m_pipe->queued.append(bytes.data(), bytes.size());
    if (!m_pipe->writePending)
        startWrite();
}

void WinHost::startWrite()
{
    Pipe &pipe = *m_pipe;
    if (pipe.queued.empty() || pipe.broken)
        return;
    pipe.writing.swap(pipe.queued);
    pipe.queued.clear();
    ::ResetEvent(pipe.writeOp.hEvent);
    const DWORD size = pipe.writing.size() > MaxWriteBytes ? MaxWriteBytes : DWORD(pipe.writing.size());
    if (::WriteFile(pipe.handle, pipe.writing.data(), size, nullptr, &pipe.writeOp) ||
        ::GetLastError() == ERROR_IO_PENDING) {
        pipe.writePending = true;
        return;
    }
    // The broker is gone; the pending read reports it.
    pipe.broken = true;
    pipe.writing.clear();
}

void WinHost::onWriteDone()
{
    Pipe &pipe = *m_pipe;
    pipe.writePending = false;
    DWORD n = 0;
    if (!::GetOverlappedResult(pipe.handle, &pipe.writeOp, &n, FALSE)) {
        pipe.broken = true;
        pipe.writing.clear();
        pipe.queued.clear();
        return;
    }
    // Byte-mode pipe writes complete whole; a write cut at MaxWriteBytes continues here.
    pipe.writing.erase(0, n);
    pipe.queued.insert(0, pipe.writing);
    pipe.writing.clear();
    startWrite();
}

void WinHost::closeBroker(bool flush)
{
    if (!m_pipe)
        return;
    Pipe &pipe = *m_pipe;
    // Delivered first: wait for the write in flight and the queue behind it, synchronously.
    while (flush && !pipe.broken && (pipe.writePending || !pipe.queued.empty())) {
        if (!pipe.writePending)
            startWrite();
        if (!pipe.writePending)
            break;
        DWORD n = 0;
        if (!::GetOverlappedResult(pipe.handle, &pipe.writeOp, &n, TRUE)) {
            pipe.writePending = false;
            break;
        }
        pipe.writePending = false;
        pipe.writing.erase(0, n);
        pipe.queued.insert(0, pipe.writing);
        pipe.writing.clear();
    }
    dropPipe();
}

void WinHost::dropPipe()
{
    if (!m_pipe)
        return;
    Pipe &pipe = *m_pipe;
    // The kernel may write into our buffers until the cancelled operations complete.
    if (pipe.reading || pipe.writePending) {
        ::CancelIoEx(pipe.handle, nullptr);
        DWORD n = 0;
        if (pipe.reading && !pipe.readFailed)
            ::GetOverlappedResult(pipe.handle, &pipe.readOp, &n, TRUE);
        if (pipe.writePending)
            ::GetOverlappedResult(pipe.handle, &pipe.writeOp, &n, TRUE);
    }
    ::CloseHandle(pipe.handle);
    m_retiredPipes.push_back(std::move(m_pipe));
}

bool WinHost::fileExists(const std::string &path)
{
    return pathExists(path);
}

void WinHost::makePath(const std::string &dir)
{
    win::makePath(dir);
}

bool WinHost::ensurePrivateDirectory(const std::string &dir, std::string *error)
{
    // %TEMP% is already the user's own (its ACL); Qt's broker only creates the directory too.
    if (win::makePath(dir))
        return true;
    if (error)
        *error = "cannot create directory " + dir;
    return false;
}

bool WinHost::tryLaunchLock(const std::string &path)
{
    return m_lock->tryLock(path);
}

void WinHost::releaseLaunchLock()
{
    m_lock->release();
}

bool WinHost::startBroker(const std::string &socketPath, std::string *error)
{
    return win::startBroker(socketPath, error);
}

void WinHost::armTimer(int ms)
{
    m_timerArmed = true;
    m_timerDue = ::GetTickCount64() + uint64_t(ms < 0 ? 0 : ms);
}

void WinHost::cancelTimer()
{
    m_timerArmed = false;
}

void WinHost::exit(int code)
{
    m_exited = true;
    m_exitCode = code;
}

ProcessFacts WinHost::processFacts()
{
    ProcessFacts facts;
    facts.pid = int64_t(::GetCurrentProcessId());
    facts.ppid = wire::parentProcessId();
    facts.parentExe = wire::processExecutable(facts.ppid);
    facts.cwd = currentPath();
    return facts;
}

} // namespace manifold::shim::win
