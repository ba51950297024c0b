#pragma once

#include <QLoggingCategory>

namespace manifold::platform {

// "manifold.platform": OS-level plumbing (paths, credentials, child processes). Defined in
// runtimepaths.cpp.
Q_DECLARE_LOGGING_CATEGORY(lcPlatform)

} // namespace manifold::platform
