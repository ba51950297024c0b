#include "secrets/secretstorefactory.h"

#include "secrets/keychainsecretstore.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcSecretStore, "manifold.secrets")

namespace manifold {

std::unique_ptr<SecretStore> createSecretStore()
{
    const QString kind = qEnvironmentVariable("MANIFOLD_SECRET_STORE");
    if (kind == QLatin1String("memory")) {
        qCWarning(lcSecretStore)
            << "MANIFOLD_SECRET_STORE=memory: secrets are kept in memory only and lost on exit";
        return std::make_unique<MemorySecretStore>();
    }
    if (!kind.isEmpty() && kind != QLatin1String("keychain"))
        qCWarning(lcSecretStore).noquote()
            << "unknown MANIFOLD_SECRET_STORE" << kind << "- using the keychain";
    return std::make_unique<KeychainSecretStore>();
}

} // namespace manifold
