#include "winnames.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace manifold::shim::win {

namespace {

constexpr std::string_view PipePrefix = "\\\\.\\pipe\\";

std::string slashes(std::string_view path)
{
    std::string out(path);
    std::replace(out.begin(), out.end(), '\\', '/');
    return out;
}

void upperDriveLetter(std::string &path)
{
    if (path.size() >= 2 && path[1] == ':' && path[0] >= 'a' && path[0] <= 'z')
        path[0] = char(path[0] - 'a' + 'A');
}

} // namespace

std::string pipePath(std::string_view endpoint)
{
    if (endpoint.substr(0, PipePrefix.size()) == PipePrefix)
        return std::string(endpoint);
    return std::string(PipePrefix) + std::string(endpoint);
}

std::string cleanWindowsPath(std::string_view input)
{
    const std::string path = slashes(input);
    if (path.empty())
        return path;
    // The part no ".." may climb above: "C:/", "C:", "//server/share", "/" or nothing.
    std::string root;
    size_t pos = 0;
    if (path.size() >= 2 && path[1] == ':') {
        root = path.substr(0, 2);
        pos = 2;
        if (pos < path.size() && path[pos] == '/') {
            root += '/';
            ++pos;
        }
    } else if (path.size() >= 2 && path[0] == '/' && path[1] == '/') {
        root = "//";
        pos = 2;
    } else if (path[0] == '/') {
        root = "/";
        pos = 1;
    }
    std::vector<std::string> parts;
    bool leadingDotDots = false; // a relative path keeps its leading ".."
    while (pos <= path.size()) {
        size_t end = path.find('/', pos);
        if (end == std::string::npos)
            end = path.size();
        const std::string part = path.substr(pos, end - pos);
        pos = end + 1;
        if (part.empty() || part == ".")
            continue;
        if (part == "..") {
            if (!parts.empty() && !(leadingDotDots && parts.back() == "..")) {
                parts.pop_back();
                continue;
            }
            if (!root.empty())
                continue; // nothing above a root
            leadingDotDots = true;
        }
        parts.push_back(part);
    }
    std::string out = root;
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i > 0)
            out += '/';
        out += parts[i];
    }
    if (out.empty())
        return root.empty() ? std::string(".") : root;
    return out;
}

std::string tempPathFromNative(std::string_view nativeTemp)
{
    std::string path(nativeTemp);
    while (!path.empty() && path.back() == '\\')
        path.pop_back();
    path = slashes(path);
    if (path.empty())
        return "C:/tmp";
    upperDriveLetter(path);
    return cleanWindowsPath(path);
}

std::string currentPathFromNative(std::string_view nativeCwd)
{
    std::string path(nativeCwd);
    if (path.rfind("\\\\?\\UNC\\", 0) == 0)
        path = "\\\\" + path.substr(8);
    else if (path.rfind("\\\\?\\", 0) == 0)
        path = path.substr(4);
    upperDriveLetter(path);
    return slashes(path);
}

std::string runtimeDirFromTemp(std::string_view tempPath)
{
    return std::string(tempPath) + "/manifold";
}

std::string lockFileContent(const LockFileInfo &info)
{
    return std::to_string(info.pid) + "\n" + info.appName + "\n" + info.hostName + "\n\n\n";
}

std::optional<LockFileInfo> parseLockFile(std::string_view content)
{
    // QFile in text mode: "\r\n" reads as "\n".
    std::vector<std::string> lines;
    std::string line;
    for (const char c : content) {
        if (c == '\n') {
            lines.push_back(line);
            line.clear();
        } else if (c != '\r') {
            line += c;
        }
    }
    if (!line.empty())
        lines.push_back(line);
    if (lines.empty() || lines[0].empty())
        return std::nullopt;
    const std::string &pidText = lines[0];
    size_t digits = pidText[0] == '-' || pidText[0] == '+' ? 1 : 0;
    if (digits == pidText.size())
        return std::nullopt;
    for (size_t i = digits; i < pidText.size(); ++i) {
        if (pidText[i] < '0' || pidText[i] > '9')
            return std::nullopt;
    }
    LockFileInfo info;
    info.pid = std::strtoll(pidText.c_str(), nullptr, 10);
    if (info.pid <= 0)
        return std::nullopt;
    if (lines.size() > 1)
        info.appName = lines[1];
    if (lines.size() > 2)
        info.hostName = lines[2];
    return info;
}

bool lockIsStale(const std::optional<LockFileInfo> &info, std::string_view ourHost,
                 bool pidRunning, std::string_view appNameOfPid, int64_t ageMs)
{
    if (info && (info->hostName.empty() || info->hostName == ourHost)) {
        const bool sameProgram = appNameOfPid.empty() || appNameOfPid == info->appName;
        if (!pidRunning || !sameProgram)
            return true;
    }
    return std::llabs(ageMs) > StaleLockMs;
}

} // namespace manifold::shim::win
