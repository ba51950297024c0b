#pragma once

// Numbers and names the shim and the broker must agree on.

#include <cstddef>

namespace manifold::wire {

// A line up to this size is held and looked at whole; longer ones pass through in pieces.
inline constexpr std::size_t MaxHeldLineBytes = std::size_t(64) * 1024 * 1024;

// The shim: how often it retries the broker, how long it waits for one, how long a refused
// shim waits for its client's initialize.
inline constexpr int ConnectRetryMs = 50;
inline constexpr int MaxWaitForBrokerMs = 20000;
inline constexpr int RefusalTimeoutMs = 10000;

inline constexpr char SocketFileName[] = "broker.sock";
inline constexpr char LockSuffix[] = ".lock";
inline constexpr char LaunchLockSuffix[] = ".launch.lock";
inline constexpr char LogSuffix[] = ".log";
inline constexpr char PipePrefix[] = "\\\\.\\pipe\\manifold-";

} // namespace manifold::wire
