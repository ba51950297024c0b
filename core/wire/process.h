#pragma once

// Facts about this process and its parent that a shim puts in its hello and the broker shows,
// computed the same way by both (Qt-free).

#include <cstdint>
#include <string>

namespace manifold::wire {

// This process's parent (getppid; Windows: a Toolhelp snapshot); -1 when unknown.
int64_t parentProcessId();

// The full path of pid's executable, UTF-8: Linux /proc/PID/exe, Windows
// QueryFullProcessImageNameW (native separators); empty when unknown or elsewhere.
std::string processExecutable(int64_t pid);

} // namespace manifold::wire
