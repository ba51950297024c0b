#include "launchlock.h"

#include "lockfile.h"
#include "winsystem.h"

#include <windows.h>

namespace manifold::shim::win {

namespace {

// The file's content and age, read while another process may hold it (it shares reading).
bool readLock(const std::wstring &path, std::string *content, int64_t *ageMs)
{
    HANDLE file = ::CreateFileW(path.c_str(), GENERIC_READ,
                                FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                                OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (file == INVALID_HANDLE_VALUE)
        return false;
    char buffer[1024];
    DWORD n = 0;
    if (::ReadFile(file, buffer, DWORD(sizeof buffer), &n, nullptr))
        content->assign(buffer, n);
    FILETIME written = {};
    ::GetFileTime(file, nullptr, nullptr, &written);
    ::CloseHandle(file);
    FILETIME now = {};
    ::GetSystemTimeAsFileTime(&now);
    const auto ticks = [](const FILETIME &t) {
        return (int64_t(t.dwHighDateTime) << 32) | int64_t(t.dwLowDateTime);
    };
    *ageMs = (ticks(now) - ticks(written)) / 10000; // 100 ns units
    return true;
}

} // namespace

bool LaunchLock::tryCreate()
{
    const std::wstring path = wide(m_path);
    // Readers allowed (QLockFile reads the holder's pid), no delete or second writer.
    HANDLE file = ::CreateFileW(path.c_str(), GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ,
                                nullptr, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (file == INVALID_HANDLE_VALUE)
        return false;
    LockFileInfo info;
    info.pid = int64_t(::GetCurrentProcessId());
    info.appName = processBaseName(info.pid);
    info.hostName = environmentVariable("COMPUTERNAME");
    const std::string content = lockFileContent(info);
    DWORD written = 0;
    ::WriteFile(file, content.data(), DWORD(content.size()), &written, nullptr);
    ::FlushFileBuffers(file);
    m_file = file;
    return true;
}

bool LaunchLock::tryLock(const std::string &path)
{
    release();
    m_path = path;
    if (tryCreate())
        return true;
    const DWORD error = ::GetLastError();
    if (error != ERROR_FILE_EXISTS && error != ERROR_ALREADY_EXISTS &&
        error != ERROR_SHARING_VIOLATION && error != ERROR_ACCESS_DENIED)
        return false;
    std::string content;
    int64_t ageMs = 0;
    if (!readLock(wide(path), &content, &ageMs))
        return tryCreate(); // removed meanwhile
    const std::optional<LockFileInfo> holder = parseLockFile(content);
    const bool running = holder && processRunning(holder->pid);
    const std::string holderName = running ? processBaseName(holder->pid) : std::string();
    if (!lockIsStale(holder, environmentVariable("COMPUTERNAME"), running, holderName, ageMs))
        return false;
    // Deleting fails while the holder still has it open, so a live holder is never robbed.
    if (!::DeleteFileW(wide(path).c_str()))
        return false;
    return tryCreate();
}

void LaunchLock::release()
{
    if (!m_file)
        return;
    ::CloseHandle(static_cast<HANDLE>(m_file));
    m_file = nullptr;
    // A reader of the file (a waiting shim) makes the delete fail for a moment.
    const std::wstring path = wide(m_path);
    for (int attempt = 0; attempt < 100 && !::DeleteFileW(path.c_str()); ++attempt) {
        if (::GetLastError() == ERROR_FILE_NOT_FOUND)
            break;
        ::Sleep(1);
    }
}

} // namespace manifold::shim::win
