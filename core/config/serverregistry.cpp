#include "serverregistry.h"

#include "platform/atomicfile.h"

#include <utility>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

#include "logging.h"

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <sys/types.h>
#endif

namespace manifold {

Q_LOGGING_CATEGORY(lcConfig, "manifold.config")

namespace {

constexpr int FormatVersion = 1;

QString stringMapError(const QString &name, const QJsonObject &object, const QString &key)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined())
        return {};
    bool ok = value.isObject();
    for (const QJsonValue &entry : value.toObject())
        ok = ok && entry.isString();
    return ok ? QString() : QStringLiteral("server '%1': \"%2\" must be an object of strings").arg(name, key);
}

// A remote server's entry: a URL, a transport, headers; never a command as well.
QString remoteShapeError(const QString &name, const QJsonObject &object)
{
    const QJsonValue url = object.value(QStringLiteral("url"));
    QString why;
    if (!url.isString())
        return QStringLiteral("server '%1': \"url\" must be a string").arg(name);
    if (!ServerConfig::isValidRemoteUrl(url.toString(), &why))
        return QStringLiteral("server '%1': %2").arg(name, why);
    if (!object.value(QStringLiteral("command")).toString().isEmpty())
        return QStringLiteral("server '%1' has both \"url\" and \"command\": a server is either remote or local").arg(name);
    const QJsonValue transport = object.value(QStringLiteral("transport"));
    if (!transport.isUndefined() && !ServerConfig::parseTransport(transport.toString(), nullptr))
        return QStringLiteral("server '%1': \"transport\" must be \"auto\", \"http\" or \"sse\"").arg(name);
    if (QString error = stringMapError(name, object, QStringLiteral("headers")); !error.isEmpty())
        return error;
    const QJsonObject headers = object.value(QStringLiteral("headers")).toObject();
    for (auto it = headers.constBegin(); it != headers.constEnd(); ++it) {
        if (!ServerConfig::isSettableHeader(it.key(), &why))
            return QStringLiteral("server '%1': %2").arg(name, why);
    }
    const QJsonValue oauth = object.value(QStringLiteral("oauth"));
    if (!oauth.isUndefined() && !oauth.isObject())
        return QStringLiteral("server '%1': \"oauth\" must be an object").arg(name);
    if (QString error = stringMapError(name, oauth.toObject(), QStringLiteral("authorizeParams")); !error.isEmpty())
        return error;
    return {};
}

// Checks the parts of one server entry that fromJson() would silently default, so a typo in a
// hand-edited file is reported instead of starting the wrong thing.
QString shapeError(const QString &name, const QJsonValue &value)
{
    if (!ServerConfig::isValidName(name))
        return QStringLiteral("'%1' is not a valid server name").arg(name);
    if (!value.isObject())
        return QStringLiteral("server '%1' is not an object").arg(name);
    const QJsonObject object = value.toObject();
    const QJsonValue url = object.value(QStringLiteral("url"));
    if (!url.isUndefined())
        return remoteShapeError(name, object);
    const QJsonValue command = object.value(QStringLiteral("command"));
    if (!command.isString() || command.toString().isEmpty())
        return QStringLiteral("server '%1' has no \"command\" string (or \"url\" string)").arg(name);
    const QJsonValue args = object.value(QStringLiteral("args"));
    if (!args.isUndefined()) {
        if (!args.isArray())
            return QStringLiteral("server '%1': \"args\" must be an array of strings").arg(name);
        for (const QJsonValue &arg : args.toArray()) {
            if (!arg.isString())
                return QStringLiteral("server '%1': \"args\" must be an array of strings")
                    .arg(name);
        }
    }
    const QJsonValue env = object.value(QStringLiteral("env"));
    if (!env.isUndefined()) {
        if (!env.isObject())
            return QStringLiteral("server '%1': \"env\" must be an object of strings").arg(name);
        const QJsonObject envObject = env.toObject();
        for (auto it = envObject.constBegin(); it != envObject.constEnd(); ++it) {
            if (!it.value().isString())
                return QStringLiteral("server '%1': \"env\" must be an object of strings")
                    .arg(name);
        }
    }
    const QJsonValue cwd = object.value(QStringLiteral("cwd"));
    if (!cwd.isUndefined() && !cwd.isString())
        return QStringLiteral("server '%1': \"cwd\" must be a string").arg(name);
    const QJsonValue sharing = object.value(QStringLiteral("sharing"));
    if (!sharing.isUndefined() && !ServerConfig::parseSharing(sharing.toString(), nullptr))
        return QStringLiteral(
                   "server '%1': \"sharing\" must be \"shared\", \"per-project\", \"per-client\" or \"isolated\"")
            .arg(name);
    const QJsonValue capture = object.value(QStringLiteral("captureBodies"));
    if (!capture.isUndefined() && !capture.isBool())
        return QStringLiteral("server '%1': \"captureBodies\" must be true or false").arg(name);
    for (const char *key : {"lingerMs", "heartbeatMs", "maxLineBytes", "maxInFlight", "maxQueuedBytes"}) {
        const QJsonValue number = object.value(QLatin1String(key));
        if (!number.isUndefined() && !number.isDouble())
            return QStringLiteral("server '%1': \"%2\" must be a number")
                .arg(name, QLatin1String(key));
    }
    return {};
}

const QString KeyDefaults = QStringLiteral("defaults");
const QString KeyDefaultMaxQueuedBytes = QStringLiteral("maxQueuedBytes");
const QString KeyDefaultTrafficMemoryBytes = QStringLiteral("trafficMemoryBytes");

QString defaultsShapeError(const QJsonValue &defaults)
{
    if (defaults.isUndefined())
        return {};
    if (!defaults.isObject())
        return QStringLiteral("\"defaults\" must be an object");
    const QJsonValue queued = defaults.toObject().value(KeyDefaultMaxQueuedBytes);
    if (!queued.isUndefined() && (!queued.isDouble() || queued.toDouble() < 0))
        return QStringLiteral("\"defaults\": \"maxQueuedBytes\" must be a number of bytes, 0 or more");
    const QJsonValue traffic = defaults.toObject().value(KeyDefaultTrafficMemoryBytes);
    if (!traffic.isUndefined() && (!traffic.isDouble() || traffic.toDouble() < 0))
        return QStringLiteral("\"defaults\": \"trafficMemoryBytes\" must be a number of bytes, 0 or more");
    return {};
}

bool setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

// Creates the config dir owner-only. An existing dir keeps its mode: it may be one the user chose.
bool ensureConfigDir(const QString &dir, QString *error)
{
    if (QFileInfo(dir).isDir())
        return true;
    const QString parent = QFileInfo(dir).absolutePath();
    if (!QDir().mkpath(parent))
        return setError(error, QStringLiteral("cannot create directory %1").arg(parent));
#ifdef Q_OS_UNIX
    // mkdir with the mode directly: no window in which the dir is group/world readable.
    if (::mkdir(QFile::encodeName(dir).constData(), 0700) != 0 && errno != EEXIST)
        return setError(error, QStringLiteral("cannot create directory %1: %2")
                                   .arg(dir, QString::fromLocal8Bit(std::strerror(errno))));
#else
    if (!QDir().mkpath(dir))
        return setError(error, QStringLiteral("cannot create directory %1").arg(dir));
#endif
    return true;
}

} // namespace

ServerRegistry::ServerRegistry(QString configDir) : m_configDir(std::move(configDir)) {}

QString ServerRegistry::defaultConfigDir()
{
    const QString fromEnv = qEnvironmentVariable("MANIFOLD_CONFIG_DIR");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QStringLiteral("/manifold");
}

QString ServerRegistry::filePath() const
{
    return m_configDir + QStringLiteral("/servers.json");
}

bool ServerRegistry::load(QString *error)
{
    const QString path = filePath();
    m_servers.clear();
    m_defaults = {};
    m_http = {};
    m_loadFailed = true;

    QFile file(path);
    if (!file.exists()) {
        m_loadFailed = false;
        return true;
    }
    if (!file.open(QIODevice::ReadOnly))
        return setError(error, QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    const QByteArray data = file.readAll();
    if (file.error() != QFileDevice::NoError)
        return setError(error, QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(data, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return setError(error, QStringLiteral("%1: invalid JSON at offset %2: %3")
                                   .arg(path)
                                   .arg(parseError.offset)
                                   .arg(parseError.errorString()));
    if (!document.isObject())
        return setError(error,
                        QStringLiteral("%1: expected a JSON object at the top level").arg(path));
    const QJsonObject root = document.object();

    const QJsonValue version = root.value(QStringLiteral("version"));
    if (!version.isUndefined() && (!version.isDouble() || version.toInt() != FormatVersion))
        return setError(
            error, QStringLiteral("%1: unsupported \"version\" %2 (this build reads version %3)")
                       .arg(path, version.toVariant().toString())
                       .arg(FormatVersion));

    const QString defaultsProblem = defaultsShapeError(root.value(KeyDefaults));
    if (!defaultsProblem.isEmpty())
        return setError(error, QStringLiteral("%1: %2").arg(path, defaultsProblem));
    const QJsonObject defaults = root.value(KeyDefaults).toObject();
    const QJsonValue http = root.value(QStringLiteral("http"));
    if (!http.isUndefined() && !http.isObject())
        return setError(error, QStringLiteral("%1: \"http\" must be an object").arg(path));
    m_http = http.toObject();

    const QJsonValue servers = root.value(QStringLiteral("servers"));
    if (servers.isUndefined()) {
        m_defaults = defaults;
        m_loadFailed = false;
        return true;
    }
    if (!servers.isObject())
        return setError(
            error,
            QStringLiteral("%1: \"servers\" must be an object keyed by server name").arg(path));

    QList<ServerConfig> loaded;
    const QJsonObject serverObject = servers.toObject();
    for (auto it = serverObject.constBegin(); it != serverObject.constEnd(); ++it) {
        const QString problem = shapeError(it.key(), it.value());
        if (!problem.isEmpty())
            return setError(error, QStringLiteral("%1: %2").arg(path, problem));
        loaded.append(ServerConfig::fromJson(it.key(), it.value().toObject()));
    }
    m_servers = loaded;
    m_defaults = defaults;
    m_loadFailed = false;
    qCDebug(lcConfig) << "loaded" << m_servers.size() << "server(s) from" << path;
    return true;
}

bool ServerRegistry::save(QString *error) const
{
    const QString path = filePath();
    if (m_loadFailed)
        return setError(
            error,
            QStringLiteral("%1 could not be read, so it is left untouched; fix or remove it first")
                .arg(path));
    if (!ensureConfigDir(m_configDir, error))
        return false;

    QJsonObject servers;
    for (const ServerConfig &config : m_servers)
        servers.insert(config.name, config.toJson());
    QJsonObject root;
    root.insert(QStringLiteral("version"), FormatVersion);
    if (!m_defaults.isEmpty())
        root.insert(KeyDefaults, m_defaults);
    if (!m_http.isEmpty())
        root.insert(QStringLiteral("http"), m_http);
    root.insert(QStringLiteral("servers"), servers);

    // Env values may hold API keys: owner-only before the rename makes the file visible.
    if (!platform::writeFileAtomically(path, QJsonDocument(root).toJson(QJsonDocument::Indented),
                                       platform::ownerOnly, error))
        return false;
    qCDebug(lcConfig) << "saved" << m_servers.size() << "server(s) to" << path;
    return true;
}

const ServerConfig *ServerRegistry::find(const QString &name) const
{
    for (const ServerConfig &config : m_servers) {
        if (config.name == name)
            return &config;
    }
    return nullptr;
}

QStringList ServerRegistry::names() const
{
    QStringList result;
    result.reserve(m_servers.size());
    for (const ServerConfig &config : m_servers)
        result.append(config.name);
    return result;
}

// Exactly one of a command and a URL, and a URL that can be reached.
bool ServerRegistry::hasValidTarget(const ServerConfig &config, QString *error)
{
    if (!config.command.isEmpty() && config.isRemote())
        return setError(error, QStringLiteral("server '%1' has both a command and a URL: a server is either local "
                                              "or remote").arg(config.name));
    if (config.command.isEmpty() && !config.isRemote())
        return setError(error, QStringLiteral("server '%1' needs a command or a URL").arg(config.name));
    QString why;
    if (config.isRemote() && !ServerConfig::isValidRemoteUrl(config.url, &why))
        return setError(error, QStringLiteral("server '%1': %2").arg(config.name, why));
    for (auto it = config.headers.cbegin(); it != config.headers.cend(); ++it) {
        if (!ServerConfig::isSettableHeader(it.key(), &why))
            return setError(error, QStringLiteral("server '%1': %2").arg(config.name, why));
    }
    for (const QString &header : config.secretHeaders) {
        if (!ServerConfig::isSettableHeader(header, &why))
            return setError(error, QStringLiteral("server '%1': %2").arg(config.name, why));
    }
    return true;
}

bool ServerRegistry::add(const ServerConfig &config, QString *error)
{
    if (!ServerConfig::isValidName(config.name))
        return setError(
            error,
            QStringLiteral("'%1' is not a valid server name: use letters, digits, '.', '_' and '-' "
                           "(not first), at most 64 characters")
                .arg(config.name));
    if (!hasValidTarget(config, error))
        return false;
    if (find(config.name))
        return setError(error,
                        QStringLiteral("a server named '%1' already exists").arg(config.name));
    // Kept sorted by name, the same order a reload from disk gives.
    auto pos = m_servers.begin();
    while (pos != m_servers.end() && pos->name < config.name)
        ++pos;
    m_servers.insert(pos, config);
    return true;
}

bool ServerRegistry::update(const ServerConfig &config, QString *error)
{
    if (!hasValidTarget(config, error))
        return false;
    for (ServerConfig &existing : m_servers) {
        if (existing.name == config.name) {
            existing = config;
            return true;
        }
    }
    return setError(error, QStringLiteral("no server named '%1'").arg(config.name));
}

bool ServerRegistry::remove(const QString &name, QString *error)
{
    for (qsizetype i = 0; i < m_servers.size(); ++i) {
        if (m_servers.at(i).name == name) {
            m_servers.removeAt(i);
            return true;
        }
    }
    return setError(error, QStringLiteral("no server named '%1'").arg(name));
}

qint64 ServerRegistry::defaultMaxQueuedBytes() const
{
    return qint64(m_defaults.value(KeyDefaultMaxQueuedBytes).toDouble());
}

void ServerRegistry::setDefaultMaxQueuedBytes(qint64 bytes)
{
    if (bytes > 0)
        m_defaults.insert(KeyDefaultMaxQueuedBytes, bytes);
    else
        m_defaults.remove(KeyDefaultMaxQueuedBytes);
}

qint64 ServerRegistry::defaultTrafficMemoryBytes() const
{
    return qint64(m_defaults.value(KeyDefaultTrafficMemoryBytes).toDouble());
}

void ServerRegistry::setDefaultTrafficMemoryBytes(qint64 bytes)
{
    if (bytes > 0)
        m_defaults.insert(KeyDefaultTrafficMemoryBytes, bytes);
    else
        m_defaults.remove(KeyDefaultTrafficMemoryBytes);
}

} // namespace manifold
