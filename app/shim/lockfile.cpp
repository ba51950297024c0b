#include "lockfile.h"

#include <cstdlib>
#include <vector>

namespace manifold::shim {

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

} // namespace manifold::shim
