#pragma once

#include <QLoggingCategory>

namespace manifold {

// "manifold.config": the server registry. Defined in serverregistry.cpp.
Q_DECLARE_LOGGING_CATEGORY(lcConfig)

} // namespace manifold
