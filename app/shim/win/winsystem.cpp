#include "winsystem.h"

#include "winnames.h"
#include "wintext.h"

#include <iterator>
#include <vector>

#include <windows.h>


#include "wire/process.h"
#include "wire/rendezvous.h"

namespace manifold::shim::win {

namespace {

std::u16string toUtf16(const wchar_t *text, size_t length)
{
    std::u16string out(length, u'\0');
    for (size_t i = 0; i < length; ++i)
        out[i] = char16_t(text[i]);
    return out;
}

} // namespace

std::wstring wide(std::string_view utf8)
{
    const std::u16string units = utf16FromUtf8(utf8);
    std::wstring out(units.size(), L'\0');
    for (size_t i = 0; i < units.size(); ++i)
        out[i] = wchar_t(units[i]);
    return out;
}

std::string narrow(const wchar_t *text, size_t length)
{
    return utf8FromUtf16(toUtf16(text, length));
}

std::string narrow(const std::wstring &text)
{
    return narrow(text.data(), text.size());
}

std::string environmentVariable(const char *name)
{
    const std::wstring wideName = wide(name);
    const DWORD needed = ::GetEnvironmentVariableW(wideName.c_str(), nullptr, 0);
    if (needed == 0)
        return {};
    std::wstring value(needed, L'\0');
    const DWORD length = ::GetEnvironmentVariableW(wideName.c_str(), value.data(), needed);
    if (length == 0 || length >= needed)
        return {};
    value.resize(length);
    return narrow(value);
}

std::string systemMessage(unsigned long code)
{
    wchar_t *buffer = nullptr;
    const DWORD length = ::FormatMessageW(
        FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
        nullptr, code, 0, reinterpret_cast<wchar_t *>(&buffer), 0, nullptr);
    std::string text = length ? narrow(buffer, length) : std::string();
    if (buffer)
        ::LocalFree(buffer);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' ||
                             text.back() == '.'))
        text.pop_back();
    if (text.empty())
        text = "error";
    return text + " (" + std::to_string(code) + ")";
}

const std::string &runtimeDir()
{
    static const std::string dir = [] {
        wchar_t temp[MAX_PATH + 1];
        const DWORD length = ::GetTempPathW(DWORD(std::size(temp)), temp);
        std::string native;
        if (length > 0 && length < std::size(temp)) {
            // GetTempPathW can give a short (8.3) name; Qt expands it.
            wchar_t longTemp[MAX_PATH + 1];
            const DWORD longLength = ::GetLongPathNameW(temp, longTemp, DWORD(std::size(longTemp)));
            native = longLength > 0 && longLength < std::size(longTemp)
                         ? narrow(longTemp, longLength)
                         : narrow(temp, length);
        }
        return runtimeDirFromTemp(tempPathFromNative(native));
    }();
    return dir;
}

std::string currentPath()
{
    std::wstring buffer(MAX_PATH, L'\0');
    DWORD length = ::GetCurrentDirectoryW(DWORD(buffer.size()), buffer.data());
    if (length >= buffer.size()) {
        buffer.assign(length, L'\0');
        length = ::GetCurrentDirectoryW(DWORD(buffer.size()), buffer.data());
        if (length >= buffer.size())
            length = 0;
    }
    buffer.resize(length);
    return currentPathFromNative(narrow(buffer));
}

std::wstring executableDirectory()
{
    std::wstring path(MAX_PATH, L'\0');
    for (;;) {
        const DWORD length = ::GetModuleFileNameW(nullptr, path.data(), DWORD(path.size()));
        if (length == 0)
            return {};
        if (length < path.size()) {
            path.resize(length);
            break;
        }
        path.resize(path.size() * 2);
    }
    const size_t slash = path.find_last_of(L"\\/");
    return slash == std::wstring::npos ? std::wstring() : path.substr(0, slash);
}

bool processRunning(int64_t pid)
{
    HANDLE process = ::OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, DWORD(pid));
    if (!process)
        return false;
    DWORD exitCode = 0;
    if (!::GetExitCodeProcess(process, &exitCode))
        exitCode = 0;
    ::CloseHandle(process);
    return exitCode == STILL_ACTIVE;
}

std::string processBaseName(int64_t pid)
{
    std::string path = wire::processExecutable(pid);
    const size_t slash = path.find_last_of("\\/");
    if (slash != std::string::npos)
        path.erase(0, slash + 1);
    const size_t dot = path.rfind('.');
    if (dot != std::string::npos)
        path.resize(dot);
    return path;
}

bool pathExists(const std::string &path)
{
    if (wire::isPipeName(path)) {
        // A pipe exists while its server has an instance listening (or all are busy).
        const std::wstring name = wide(pipePath(path));
        return ::WaitNamedPipeW(name.c_str(), 1) || ::GetLastError() == ERROR_SEM_TIMEOUT;
    }
    return ::GetFileAttributesW(wide(path).c_str()) != INVALID_FILE_ATTRIBUTES;
}

bool makePath(const std::string &dir)
{
    const std::string clean = cleanWindowsPath(dir);
    // Create each missing level from the top; existing ones (and roots) just fail harmlessly.
    for (size_t slash = clean.find('/', 1); ; slash = clean.find('/', slash + 1)) {
        const std::string level = clean.substr(0, slash);
        if (!level.empty() && level.back() != ':')
            ::CreateDirectoryW(wide(level).c_str(), nullptr);
        if (slash == std::string::npos)
            break;
    }
    const DWORD attributes = ::GetFileAttributesW(wide(clean).c_str());
    return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY);
}

} // namespace manifold::shim::win
