#pragma once

#include <QHash>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace manifold {

// Where secret values live (the OS keychain in the apps, memory in unit tests). Every call
// answers through its callback, always later from the event loop, never before it returns.
class SecretStore : public QObject
{
    Q_OBJECT

public:
    enum class Status { Ok, NotFound, Failed };
    struct Result
    {
        Status status = Status::Failed;
        QString value; // for read
        QString error; // for Failed: what the store said
    };
    using Callback = std::function<void(const Result &)>;

    using QObject::QObject;
    ~SecretStore() override = default;

    virtual void read(const QString &key, Callback done) = 0;
    virtual void write(const QString &key, const QString &value, Callback done) = 0;
    virtual void remove(const QString &key, Callback done) = 0; // NotFound if there was none

    // Batches: one callback after every key was handled. readAll: values of the keys found;
    // failures (not NotFound) as "key: error". removeAll treats NotFound as done.
    void readAll(const QStringList &keys,
                 std::function<void(const QHash<QString, QString> &values,
                                    const QStringList &missing, const QStringList &errors)>
                     done);
    void writeAll(const QHash<QString, QString> &values,
                  std::function<void(const QStringList &errors)> done);
    void removeAll(const QStringList &keys, std::function<void(const QStringList &errors)> done);
};

// Key of one environment variable of one server: "server/<server>/env/<variable>".
QString serverSecretKey(const QString &server, const QString &variable);
// Key of one HTTP header value of a remote server: "server/<server>/header/<header>".
QString serverHeaderSecretKey(const QString &server, const QString &header);
// Every keychain item a remote server's sign-in may hold (tokens, registration, client secret).
QStringList remoteSignInKeys(const QString &server);
// Header names whose values are secrets unless the user says otherwise: Authorization,
// Proxy-Authorization, Cookie, or a name containing KEY, TOKEN, SECRET, PASSWORD or CREDENTIAL.
bool looksLikeSecretHeader(const QString &header);

// Environment variable names that hold secrets unless the user says otherwise: the name
// contains KEY, TOKEN, SECRET, PASSWORD, PASSWD or CREDENTIAL (any case).
bool looksLikeSecretName(const QString &variable);

// A store in memory, for tests and for running without a keychain on purpose.
class MemorySecretStore final : public SecretStore
{
    Q_OBJECT

public:
    using SecretStore::SecretStore;

    void read(const QString &key, Callback done) override;
    void write(const QString &key, const QString &value, Callback done) override;
    void remove(const QString &key, Callback done) override;

    const QMap<QString, QString> &values() const { return m_values; }
    void setFailing(const QString &error) { m_failure = error; } // every call fails

private:
    void answer(Callback done, Result result);

    QMap<QString, QString> m_values;
    QString m_failure;
};

} // namespace manifold
