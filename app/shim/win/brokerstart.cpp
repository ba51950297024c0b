#include "brokerstart.h"

#include "winnames.h"
#include "winsystem.h"
#include "wintext.h"

#include <vector>

#include <windows.h>

#include "wire/constants.h"
#include "wire/rendezvous.h"

namespace manifold::shim::win {

namespace {

bool isFile(const std::wstring &path)
{
    const DWORD attributes = ::GetFileAttributesW(path.c_str());
    return attributes != INVALID_FILE_ATTRIBUTES && !(attributes & FILE_ATTRIBUTE_DIRECTORY);
}

// MANIFOLD_LAUNCH=headless|tray; otherwise the tray (a desktop is always there on Windows).
const char *launchMode()
{
    return environmentVariable("MANIFOLD_LAUNCH") == "headless" ? "--headless" : "--minimized";
}

class Handle final
{
public:
    explicit Handle(HANDLE handle) : m_handle(handle) {}
    ~Handle()
    {
        if (valid())
            ::CloseHandle(m_handle);
    }
    Handle(const Handle &) = delete;
    Handle &operator=(const Handle &) = delete;
    bool valid() const { return m_handle && m_handle != INVALID_HANDLE_VALUE; }
    HANDLE get() const { return m_handle; }

private:
    HANDLE m_handle;
};

} // namespace

std::string brokerExecutable()
{
    const std::string fromEnvironment = environmentVariable("MANIFOLD_BIN");
    if (!fromEnvironment.empty())
        return fromEnvironment;
    const std::wstring sibling = executableDirectory() + L"\\manifold.exe";
    if (isFile(sibling))
        return narrow(sibling);
    wchar_t found[MAX_PATH * 4];
    const DWORD length =
        ::SearchPathW(nullptr, L"manifold", L".exe", DWORD(MAX_PATH * 4), found, nullptr);
    return length > 0 && length < MAX_PATH * 4 ? narrow(found, length) : std::string();
}

bool startBroker(const std::string &endpoint, std::string *error)
{
    const std::string program = brokerExecutable();
    if (program.empty()) {
        *error = "cannot find the manifold executable (set MANIFOLD_BIN)";
        return false;
    }
    const std::wstring wideProgram = wide(program);
    if (!isFile(wideProgram)) {
        *error = program + " is not an executable file (check MANIFOLD_BIN)";
        return false;
    }

    SECURITY_ATTRIBUTES inheritable = {};
    inheritable.nLength = sizeof inheritable;
    inheritable.bInheritHandle = TRUE;
    const Handle null(::CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                    &inheritable, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr));
    const std::string logPath = wire::sidecarPath(endpoint, wire::LogSuffix, runtimeDir());
    const Handle log(::CreateFileW(wide(logPath).c_str(), FILE_APPEND_DATA | SYNCHRONIZE,
                                   FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                   &inheritable, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr));
    if (!null.valid()) {
        *error = "cannot open NUL: " + systemMessage(::GetLastError());
        return false;
    }
    HANDLE output = log.valid() ? log.get() : null.get();

    // Only these handles reach the broker, whatever else this process has made inheritable.
    std::vector<HANDLE> inherited{null.get()};
    if (output != null.get())
        inherited.push_back(output);
    SIZE_T attributeBytes = 0;
    ::InitializeProcThreadAttributeList(nullptr, 1, 0, &attributeBytes);
    std::vector<unsigned char> attributeStorage(attributeBytes);
    auto *attributes = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(attributeStorage.data());
    if (!::InitializeProcThreadAttributeList(attributes, 1, 0, &attributeBytes) ||
        !::UpdateProcThreadAttribute(attributes, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                     inherited.data(), inherited.size() * sizeof(HANDLE),
                                     nullptr, nullptr)) {
        *error = "cannot prepare the broker's handles: " + systemMessage(::GetLastError());
        return false;
    }

    STARTUPINFOEXW startup = {};
    startup.StartupInfo.cb = sizeof startup;
    startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    startup.StartupInfo.hStdInput = null.get();
    startup.StartupInfo.hStdOutput = output;
    startup.StartupInfo.hStdError = output;
    startup.lpAttributeList = attributes;

    std::wstring commandLine = wide(quoteArgument(program) + " " + launchMode() + " --socket " +
                                    quoteArgument(endpoint));
    const DWORD flags = EXTENDED_STARTUPINFO_PRESENT | DETACHED_PROCESS |
                        CREATE_NEW_PROCESS_GROUP | CREATE_UNICODE_ENVIRONMENT;
    PROCESS_INFORMATION started = {};
    // Out of the client's job, so that the broker outlives the client that started it; a job that
    // forbids breaking away refuses with ERROR_ACCESS_DENIED, and then the broker stays in it.
    BOOL ok = ::CreateProcessW(wideProgram.c_str(), commandLine.data(), nullptr, nullptr, TRUE,
                               flags | CREATE_BREAKAWAY_FROM_JOB, nullptr, nullptr,
                               &startup.StartupInfo, &started);
    if (!ok && ::GetLastError() == ERROR_ACCESS_DENIED) {
        ok = ::CreateProcessW(wideProgram.c_str(), commandLine.data(), nullptr, nullptr, TRUE, flags,
                              nullptr, nullptr, &startup.StartupInfo, &started);
    }
    const DWORD startError = ::GetLastError();
    ::DeleteProcThreadAttributeList(attributes);
    if (!ok) {
        *error = "could not start " + program + ": " + systemMessage(startError);
        return false;
    }
    ::CloseHandle(started.hThread);
    ::CloseHandle(started.hProcess);
    return true;
}

} // namespace manifold::shim::win
