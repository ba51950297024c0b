#pragma once

#include "secrets/secretstore.h"

#include <memory>

namespace manifold {

// The store the apps use: the OS keychain (KeychainSecretStore), or, with
// MANIFOLD_SECRET_STORE=memory, a MemorySecretStore whose values are gone when the process ends
// (for trying Manifold out on a machine without a keychain).
std::unique_ptr<SecretStore> createSecretStore();

} // namespace manifold
