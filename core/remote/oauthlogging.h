#pragma once

#include <QLoggingCategory>

// The OAuth sign-in of remote servers (issue 15): "manifold.remote.oauth". Never logs a token,
// a code, a verifier or a secret.
Q_DECLARE_LOGGING_CATEGORY(lcOAuth)
