#include "learnedstate.h"

#include "config/logging.h"
#include "platform/atomicfile.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>

namespace manifold {

namespace {
constexpr int FormatVersion = 1;
}

LearnedState::LearnedState(QString configDir) : m_configDir(std::move(configDir)) {}

QString LearnedState::filePath() const
{
    return m_configDir + QStringLiteral("/learned.json");
}

bool LearnedState::load(QString *error)
{
    m_servers = {};
    QFile file(filePath());
    if (!file.exists())
        return true;
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(filePath(), file.errorString());
        return false;
    }
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!doc.isObject() || !doc.object().value(QStringLiteral("servers")).isObject()) {
        if (error) {
            *error = QStringLiteral("%1: not a learned-state file (%2); it will be replaced")
                         .arg(filePath(), parseError.error == QJsonParseError::NoError
                                              ? QStringLiteral("no \"servers\" object")
                                              : parseError.errorString());
        }
        return false;
    }
    m_servers = doc.object().value(QStringLiteral("servers")).toObject();
    return true;
}

bool LearnedState::save(QString *error) const
{
    if (!QDir().mkpath(m_configDir)) {
        if (error)
            *error = QStringLiteral("cannot create directory %1").arg(m_configDir);
        return false;
    }
    QJsonObject root;
    root.insert(QStringLiteral("version"), FormatVersion);
    root.insert(QStringLiteral("servers"), m_servers);
    if (!platform::writeFileAtomically(filePath(), QJsonDocument(root).toJson(QJsonDocument::Indented),
                                       platform::ownerOnly, error))
        return false;
    qCDebug(lcConfig) << "saved what was learned to" << filePath();
    return true;
}

QJsonValue LearnedState::value(const QString &server, const QString &key) const
{
    return m_servers.value(server).toObject().value(key);
}

bool LearnedState::setValue(const QString &server, const QString &key, const QJsonValue &value)
{
    QJsonObject object = m_servers.value(server).toObject();
    if (object.value(key) == value)
        return false;
    object.insert(key, value);
    m_servers.insert(server, object);
    return true;
}

bool LearnedState::forget(const QString &server)
{
    if (!m_servers.contains(server))
        return false;
    m_servers.remove(server);
    return true;
}

} // namespace manifold
