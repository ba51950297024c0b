#include "process.h"

#ifdef _WIN32
#include <iterator>
#include <windows.h>
#include <tlhelp32.h>
#else
#include <climits>
#include <cstdio>
#include <unistd.h>
#endif

namespace manifold::wire {

#ifdef _WIN32

int64_t parentProcessId()
{
    HANDLE snapshot = ::CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    if (snapshot == INVALID_HANDLE_VALUE)
        return -1;
    const DWORD self = ::GetCurrentProcessId();
    int64_t parent = -1;
    PROCESSENTRY32W entry = {};
    entry.dwSize = sizeof entry;
    for (BOOL more = ::Process32FirstW(snapshot, &entry); more;
         more = ::Process32NextW(snapshot, &entry)) {
        if (entry.th32ProcessID == self) {
            parent = entry.th32ParentProcessID;
            break;
        }
    }
    ::CloseHandle(snapshot);
    return parent;
}

std::string processExecutable(int64_t pid)
{
    if (pid <= 0)
        return {};
    HANDLE process = ::OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, DWORD(pid));
    if (!process)
        return {};
    wchar_t path[MAX_PATH * 4];
    DWORD size = DWORD(std::size(path));
    const bool ok = ::QueryFullProcessImageNameW(process, 0, path, &size) != 0;
    ::CloseHandle(process);
    if (!ok || size == 0)
        return {};
    const int bytes = ::WideCharToMultiByte(CP_UTF8, 0, path, int(size), nullptr, 0, nullptr, nullptr);
    std::string utf8(size_t(bytes > 0 ? bytes : 0), '\0');
    if (bytes > 0)
        ::WideCharToMultiByte(CP_UTF8, 0, path, int(size), utf8.data(), bytes, nullptr, nullptr);
    return utf8;
}

#else

int64_t parentProcessId()
{
    return ::getppid();
}

std::string processExecutable(int64_t pid)
{
#ifdef __linux__
    if (pid <= 0)
        return {};
    char link[64];
    std::snprintf(link, sizeof link, "/proc/%lld/exe", static_cast<long long>(pid));
    char target[PATH_MAX];
    const ssize_t n = ::readlink(link, target, sizeof target);
    return n > 0 ? std::string(target, size_t(n)) : std::string();
#else
    (void)pid;
    return {};
#endif
}

#endif

} // namespace manifold::wire
