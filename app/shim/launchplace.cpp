// The launch place of a shim, the same on every platform: built from the platform's
// socketDirectory() and sidecarPath().
#include "connector.h"
#include "platform.h"

#include "wire/constants.h"

namespace manifold::shim::platform {

Connector::LaunchPlace launchPlace(const std::string &endpoint)
{
    Connector::LaunchPlace place;
    place.directory = socketDirectory(endpoint);
    place.privateDirectory = endpoint == defaultSocketPath();
    place.lockPath = sidecarPath(endpoint, wire::LaunchLockSuffix);
    place.logPath = sidecarPath(endpoint, wire::LogSuffix);
    return place;
}

} // namespace manifold::shim::platform
