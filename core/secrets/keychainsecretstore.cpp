#include "secrets/keychainsecretstore.h"

#include "secrets/glibpump.h"

#include <QLoggingCategory>
#include <QTimer>

#include <qt6keychain/keychain.h>

#include <memory>

Q_LOGGING_CATEGORY(lcKeychain, "manifold.secrets.keychain")

namespace manifold {

namespace {

#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
// libsecret reports an unreachable Secret Service as a D-Bus failure text, not as an error code.
bool secretServiceUnreachable(const QKeychain::Job &job)
{
    if (job.error() == QKeychain::NoBackendAvailable ||
        !qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"))
        return true;
    static const char *const signs[] = {
        "Could not connect",  "org.freedesktop.secrets",      "ServiceUnknown",
        "StartServiceByName", "not provided by any .service", "D-Bus"};
    for (const char *sign : signs) {
        if (job.errorString().contains(QLatin1String(sign), Qt::CaseInsensitive))
            return true;
    }
    return false;
}
#endif

// Says why in words a user can act on.
QString describeFailure(const QKeychain::Job &job)
{
    const QString detail =
        job.errorString().isEmpty() ? QStringLiteral("unknown error") : job.errorString();
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
    if (secretServiceUnreachable(job))
        return QStringLiteral("no Secret Service on the session bus: %1").arg(detail);
#endif
    if (job.error() == QKeychain::AccessDeniedByUser || job.error() == QKeychain::AccessDenied)
        return QStringLiteral("the keychain refused access (is it locked?): %1").arg(detail);
    return QStringLiteral("keychain error: %1").arg(detail);
}

} // namespace

KeychainSecretStore::KeychainSecretStore(QString service, QObject *parent)
    : SecretStore(parent), m_service(std::move(service))
{
}

QString KeychainSecretStore::defaultService()
{
    const QString fromEnv = qEnvironmentVariable("MANIFOLD_KEYCHAIN_SERVICE");
    return fromEnv.isEmpty() ? QStringLiteral("Manifold") : fromEnv;
}

void KeychainSecretStore::read(const QString &key, Callback done)
{
    auto *job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setKey(key);
    run(job, std::move(done));
}

void KeychainSecretStore::write(const QString &key, const QString &value, Callback done)
{
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setKey(key);
    job->setTextData(value);
    run(job, std::move(done));
}

void KeychainSecretStore::remove(const QString &key, Callback done)
{
    auto *job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setKey(key);
    run(job, std::move(done));
}

void KeychainSecretStore::run(QKeychain::Job *job, Callback done)
{
    job->setAutoDelete(true);
    // Under Qt's own dispatcher libsecret's answer needs GLib's context turned; until the job goes.
    // Ended once: when the job goes, or when it is given up (one stuck at a prompt would
    // otherwise keep the pump running).
    GlibPump::instance().jobStarted();
    auto pumped = std::make_shared<bool>(true);
    const auto endPump = [pumped] {
        if (std::exchange(*pumped, false))
            GlibPump::instance().jobEnded();
    };
    connect(job, &QObject::destroyed, &GlibPump::instance(), endPump);
    job->setInsecureFallback(false); // never a plain-text file instead of the keychain
    // Whichever comes first, the job's answer or the timeout, answers the caller; once.
    auto callback = std::make_shared<Callback>(std::move(done));
    auto *timeout = new QTimer(job);
    timeout->setSingleShot(true);
    const QString key = job->key();
    connect(timeout, &QTimer::timeout, this, [this, callback, key, endPump] {
        endPump();
        qCWarning(lcKeychain).noquote() << "no answer from the keychain for" << key;
        if (const Callback answer = std::exchange(*callback, {}))
            answer({Status::Failed,
                    {},
                    QStringLiteral("the keychain did not answer within %1 s (is it locked or "
                                   "waiting for a password prompt?)")
                        .arg(m_timeoutMs / 1000)});
    });
    connect(job, &QKeychain::Job::finished, this, [callback](QKeychain::Job *finished) {
        const Callback answer = std::exchange(*callback, {});
        if (!answer)
            return;
        Result result;
        if (finished->error() == QKeychain::NoError) {
            result.status = Status::Ok;
            if (auto *reader = qobject_cast<QKeychain::ReadPasswordJob *>(finished))
                result.value = reader->textData();
        } else if (finished->error() == QKeychain::EntryNotFound) {
            result.status = Status::NotFound;
        } else {
            result.status = Status::Failed;
            result.error = describeFailure(*finished);
        }
        answer(result);
    });
    timeout->start(m_timeoutMs);
    job->start(); // queued: QtKeychain starts it from the event loop
}

} // namespace manifold
