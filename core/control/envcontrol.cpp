#include "control/envcontrol.h"

#include "broker/broker.h"
#include "jsonrpc/jsonrpc.h"
#include "secrets/secretstore.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QPointer>

Q_LOGGING_CATEGORY(lcEnvControl, "manifold.control.env")

namespace manifold {

namespace {

constexpr int UnknownServer = -32001;

ControlService::Reply failure(int code, const QString &message)
{
    return {{}, code, message};
}

ControlService::Reply success(QJsonObject result)
{
    return {std::move(result), 0, {}};
}

QString noStoreMessage()
{
    return QStringLiteral("no keychain is available for secret variables");
}

// "key: error" from a batch, with the key shown as the variable (or header) it belongs to.
QString describeStoreErrors(const QString &server, const QStringList &errors)
{
    const QString envPrefix = serverSecretKey(server, QString());
    const QString headerPrefix = serverHeaderSecretKey(server, QString());
    QStringList lines;
    for (const QString &error : errors) {
        if (error.startsWith(envPrefix))
            lines << error.mid(envPrefix.size());
        else if (error.startsWith(headerPrefix))
            lines << error.mid(headerPrefix.size());
        else
            lines << error;
    }
    return lines.join(QStringLiteral("; "));
}

// Where a secret of this server lives: env variables for a local server, headers for a remote one.
QString secretKeyOf(const ServerConfig &config, const QString &name)
{
    return config.isRemote() ? serverHeaderSecretKey(config.name, name) : serverSecretKey(config.name, name);
}

EnvEdit planSecrets(const ServerConfig &config, const ServerConfig *current, const QJsonObject &params)
{
    return config.isRemote() ? EnvEdit::planHeaders(current && current->isRemote() ? current : nullptr, params)
                             : EnvEdit::plan(current && !current->isRemote() ? current : nullptr, params);
}

} // namespace

EnvControl::EnvControl(Broker *broker, QObject *parent) : QObject(parent), m_broker(broker) {}

bool EnvControl::handles(const QString &method)
{
    return method == QLatin1String("add") || method == QLatin1String("update") ||
           method == QLatin1String("remove") || method == QLatin1String("revealEnv");
}

void EnvControl::call(const QString &method, const QJsonObject &params, Done done)
{
    const QString name = params.value(QStringLiteral("name")).toString();
    if (method == QLatin1String("add"))
        add(params, std::move(done));
    else if (method == QLatin1String("update"))
        update(params, std::move(done));
    else if (method == QLatin1String("remove"))
        remove(name, std::move(done));
    else
        reveal(name, params.value(QStringLiteral("key")).toString(), std::move(done));
}

void EnvControl::add(const QJsonObject &params, Done done)
{
    const QString name = params.value(QStringLiteral("name")).toString();
    ServerConfig config = ServerConfig::fromJson(name, params);
    config.name = name;
    if (config.command.isEmpty() && !config.isRemote())
        return done(failure(jsonrpc::InvalidParams, QStringLiteral("add needs a command or a url")));
    const EnvEdit edit = planSecrets(config, nullptr, params);
    if (!edit.error.isEmpty())
        return done(failure(jsonrpc::InvalidParams, edit.error));
    // Refused names are refused before any secret is written.
    ServerRegistry probe = m_broker->registry();
    QString error;
    if (!probe.add(config, &error))
        return done(failure(jsonrpc::InvalidParams, error));
    apply(config, edit, true, std::move(done));
}

void EnvControl::update(const QJsonObject &params, Done done)
{
    const QString name = params.value(QStringLiteral("name")).toString();
    const ServerConfig *current = m_broker->registry().find(name);
    if (!current)
        return done(failure(UnknownServer, QStringLiteral("no server named '%1'").arg(name)));
    // Fields left out keep their values; an env value of null keeps the stored value (front
    // ends never see secrets, so they cannot send them back).
    ServerConfig config = *current;
    const ServerConfig given = ServerConfig::fromJson(name, params);
    if (params.contains(QStringLiteral("command")))
        config.command = given.command;
    if (params.contains(QStringLiteral("args")))
        config.args = given.args;
    if (params.contains(QStringLiteral("cwd")))
        config.cwd = given.cwd;
    if (params.contains(QStringLiteral("sharing")))
        config.sharing = given.sharing;
    if (params.contains(QStringLiteral("lingerMs")))
        config.lingerMs = given.lingerMs;
    if (params.contains(QStringLiteral("heartbeatMs")))
        config.heartbeatMs = given.heartbeatMs;
    if (params.contains(QStringLiteral("maxInFlight")))
        config.maxInFlight = given.maxInFlight;
    if (params.contains(QStringLiteral("maxQueuedBytes")))
        config.maxQueuedBytes = given.maxQueuedBytes;
    if (params.contains(QStringLiteral("url")))
        config.url = given.url;
    if (params.contains(QStringLiteral("transport")))
        config.transport = given.transport;
    if (params.contains(QStringLiteral("oauth")))
        config.oauth = given.oauth;
    if (config.isRemote() != current->isRemote())
        return done(failure(jsonrpc::InvalidParams,
                            QStringLiteral("server '%1' cannot change between local and remote: remove it and add it "
                                           "again").arg(name)));
    const EnvEdit edit = planSecrets(config, current, params);
    if (!edit.error.isEmpty())
        return done(failure(jsonrpc::InvalidParams, edit.error));
    apply(config, edit, false, std::move(done));
}

void EnvControl::apply(ServerConfig config, const EnvEdit &edit, bool adding, Done done)
{
    SecretStore *store = m_broker->secretStore();
    const bool needsStore =
        !edit.toRead.isEmpty() || !edit.toWrite.isEmpty() || !edit.toRemove.isEmpty();
    if (needsStore && !store)
        return done(failure(jsonrpc::ServerError, noStoreMessage()));
    if (edit.toRead.isEmpty() && edit.toWrite.isEmpty())
        return save(std::move(config), edit, adding, {}, {}, std::move(done));

    const QString server = config.name;
    QStringList readKeys;
    for (const QString &variable : edit.toRead)
        readKeys << secretKeyOf(config, variable);
    const QPointer<EnvControl> self(this);
    // Unmarked secrets come back into servers.json: read them before anything changes.
    store->readAll(readKeys, [self, store, config, edit, adding, done,
                              server](const QHash<QString, QString> &values,
                                      const QStringList &missing, const QStringList &errors) {
        if (!self)
            return;
        if (!errors.isEmpty()) {
            return done(failure(
                jsonrpc::ServerError,
                QStringLiteral("cannot read the secrets of server '%1' to make them plain: %2")
                    .arg(server, describeStoreErrors(server, errors))));
        }
        if (!missing.isEmpty()) {
            return done(failure(
                jsonrpc::InvalidParams,
                QStringLiteral("the secret %1 of server '%2' is not in the keychain; give it a "
                               "value to make it plain")
                    .arg(describeStoreErrors(server, missing), server)));
        }
        QMap<QString, QString> plainAgain;
        for (const QString &variable : edit.toRead)
            plainAgain.insert(variable, values.value(secretKeyOf(config, variable)));
        QHash<QString, QString> writes;
        for (auto it = edit.toWrite.cbegin(); it != edit.toWrite.cend(); ++it)
            writes.insert(secretKeyOf(config, it.key()), it.value());
        store->writeAll(writes, [self, config, edit, adding, done, server, writes,
                                 plainAgain](const QStringList &failed) {
            if (!self)
                return;
            if (!failed.isEmpty()) {
                return done(failure(
                    jsonrpc::ServerError,
                    QStringLiteral("cannot store the secrets of server '%1' in the keychain: %2")
                        .arg(server, describeStoreErrors(server, failed))));
            }
            self->save(config, edit, adding, plainAgain, writes.keys(), done);
        });
    });
}

void EnvControl::save(ServerConfig config, const EnvEdit &edit, bool adding,
                      const QMap<QString, QString> &plainAgain, const QStringList &written,
                      Done done)
{
    QMap<QString, QString> &plain = config.isRemote() ? config.headers : config.env;
    plain = edit.env;
    for (auto it = plainAgain.cbegin(); it != plainAgain.cend(); ++it)
        plain.insert(it.key(), it.value());
    (config.isRemote() ? config.secretHeaders : config.secretEnv) = edit.secretEnv;

    QString error;
    const bool saved =
        adding ? m_broker->addServer(config, &error) : m_broker->updateServer(config, &error);
    SecretStore *store = m_broker->secretStore();
    if (!saved) {
        // A server that was not added must not leave its secrets behind.
        if (adding && !written.isEmpty() && store)
            store->removeAll(written, [](const QStringList &) {});
        return done(failure(jsonrpc::InvalidParams, error));
    }
    const QJsonObject result{
        {adding ? QStringLiteral("added") : QStringLiteral("updated"), config.name}};
    if (edit.toRemove.isEmpty() || !store)
        return done(success(result));
    QStringList keys;
    for (const QString &variable : edit.toRemove)
        keys << secretKeyOf(config, variable);
    const QString server = config.name;
    store->removeAll(keys, [done, result, server](const QStringList &errors) {
        QJsonObject answer = result;
        if (!errors.isEmpty()) {
            const QString warning =
                QStringLiteral("saved, but the keychain kept old secrets of server '%1': %2")
                    .arg(server, describeStoreErrors(server, errors));
            qCWarning(lcEnvControl).noquote() << warning;
            answer.insert(QStringLiteral("warning"), warning);
        }
        done(success(answer));
    });
}

void EnvControl::remove(const QString &name, Done done)
{
    const ServerConfig *current = m_broker->registry().find(name);
    QStringList keys;
    if (current) {
        for (const QString &variable : current->isRemote() ? current->secretHeaders : current->secretEnv)
            keys << secretKeyOf(*current, variable);
        if (current->isRemote())
            keys << remoteSignInKeys(name);   // a removed server's tokens must not outlive it
    }
    QString error;
    if (!m_broker->removeServer(name, &error))
        return done(failure(UnknownServer, error));
    const QJsonObject result{{QStringLiteral("removed"), name}};
    SecretStore *store = m_broker->secretStore();
    if (keys.isEmpty() || !store)
        return done(success(result));
    store->removeAll(keys, [done, result, name](const QStringList &errors) {
        QJsonObject answer = result;
        if (!errors.isEmpty()) {
            const QString warning =
                QStringLiteral("removed, but the keychain kept the secrets of server '%1': %2")
                    .arg(name, describeStoreErrors(name, errors));
            qCWarning(lcEnvControl).noquote() << warning;
            answer.insert(QStringLiteral("warning"), warning);
        }
        done(success(answer));
    });
}

void EnvControl::reveal(const QString &name, const QString &variable, Done done)
{
    const ServerConfig *config = m_broker->registry().find(name);
    const QString unknown = QStringLiteral("no variable '%1' for server '%2'").arg(variable, name);
    if (!config)
        return done(failure(jsonrpc::InvalidParams, unknown));
    const QMap<QString, QString> &plain = config->isRemote() ? config->headers : config->env;
    if (plain.contains(variable))
        return done(success({{QStringLiteral("value"), plain.value(variable)}}));
    if (!(config->isRemote() ? config->secretHeaders : config->secretEnv).contains(variable))
        return done(failure(jsonrpc::InvalidParams, unknown));
    SecretStore *store = m_broker->secretStore();
    if (!store)
        return done(failure(jsonrpc::ServerError, noStoreMessage()));
    store->read(
        secretKeyOf(*config, variable), [done, name, variable](const SecretStore::Result &result) {
            switch (result.status) {
            case SecretStore::Status::Ok:
                return done(success(
                    {{QStringLiteral("value"), result.value}, {QStringLiteral("secret"), true}}));
            case SecretStore::Status::NotFound:
                return done(
                    failure(jsonrpc::ServerError,
                            QStringLiteral("the secret %1 of server '%2' is not in the keychain")
                                .arg(variable, name)));
            case SecretStore::Status::Failed:
                break;
            }
            done(failure(jsonrpc::ServerError,
                         QStringLiteral("cannot read the secret %1 of server '%2': %3")
                             .arg(variable, name, result.error)));
        });
}

} // namespace manifold
