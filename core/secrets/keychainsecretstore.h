#pragma once

#include "secrets/secretstore.h"

namespace QKeychain {
class Job;
}

namespace manifold {

// SecretStore over the OS keychain through QtKeychain (Secret Service on Linux, Keychain on
// macOS, Credential Manager on Windows). Entries are (service, key) pairs; every call runs as
// one asynchronous QtKeychain job and answers from its finished signal.
class KeychainSecretStore final : public SecretStore
{
    Q_OBJECT

public:
    explicit KeychainSecretStore(QString service = defaultService(), QObject *parent = nullptr);

    // "Manifold", or $MANIFOLD_KEYCHAIN_SERVICE (tests use their own so they never touch a
    // user's entries).
    static QString defaultService();
    QString service() const { return m_service; }

    // A job that has not finished by then is answered as Failed (a keychain waiting for a
    // password prompt nobody sees must not hold a server's start forever).
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    void read(const QString &key, Callback done) override;
    void write(const QString &key, const QString &value, Callback done) override;
    void remove(const QString &key, Callback done) override;

private:
    void run(QKeychain::Job *job, Callback done);

    QString m_service;
    int m_timeoutMs = 30000;
};

} // namespace manifold
