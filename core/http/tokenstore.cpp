#include "tokenstore.h"

#include "platform/atomicfile.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>

namespace manifold::http {

namespace {

constexpr int FormatVersion = 1;

QByteArray hashOf(QByteArrayView secret)
{
    return QCryptographicHash::hash(secret, QCryptographicHash::Sha256);
}

// Compares without stopping at the first difference.
bool sameBytes(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

bool setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

} // namespace

QByteArray TokenStore::randomBytes(qsizetype count)
{
    QByteArray bytes(count, Qt::Uninitialized);   // count: a multiple of 4
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(bytes.data()),
                                         reinterpret_cast<quint32 *>(bytes.data() + bytes.size()));
    return bytes;
}

QString TokenStore::filePath() const
{
    return m_configDir + QStringLiteral("/http-tokens.json");
}

bool TokenStore::isValidName(const QString &name)
{
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    return valid.match(name).hasMatch();
}

QByteArray TokenStore::bearerSecret(QByteArrayView authorization)
{
    const QByteArrayView trimmed = authorization.trimmed();
    if (trimmed.size() < 8 || QByteArrayView(trimmed).first(7).compare("Bearer ", Qt::CaseInsensitive) != 0)
        return {};
    const QByteArray secret = trimmed.sliced(7).trimmed().toByteArray();
    return secret.contains(' ') ? QByteArray() : secret;
}

bool TokenStore::load(QString *error)
{
    m_tokens.clear();
    m_loadFailed = true;
    QFile file(filePath());
    if (!file.exists()) {
        m_loadFailed = false;
        return true;
    }
    if (!file.open(QIODevice::ReadOnly))
        return setError(error, QStringLiteral("%1: cannot read: %2").arg(filePath(), file.errorString()));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    const QJsonValue list = document.object().value(QStringLiteral("tokens"));
    if (parseError.error != QJsonParseError::NoError || !document.isObject() || !list.isArray())
        return setError(error, QStringLiteral("%1: not a Manifold token file (expected {\"tokens\": [...]})").arg(filePath()));
    for (const QJsonValue &value : list.toArray()) {
        const QJsonObject object = value.toObject();
        Token token{object.value(QStringLiteral("name")).toString(),
                    QByteArray::fromHex(object.value(QStringLiteral("sha256")).toString().toLatin1()),
                    QDateTime::fromString(object.value(QStringLiteral("created")).toString(), Qt::ISODate),
                    QDateTime::fromString(object.value(QStringLiteral("lastUsed")).toString(), Qt::ISODate)};
        if (!isValidName(token.name) || token.sha256.size() != 32)
            return setError(error, QStringLiteral("%1: a token entry is not valid").arg(filePath()));
        m_tokens.append(token);
    }
    m_loadFailed = false;
    return true;
}

bool TokenStore::save(QString *error) const
{
    if (m_loadFailed)
        return setError(error, QStringLiteral("%1 could not be read, so it is left untouched; fix or remove it first")
                                   .arg(filePath()));
    QJsonArray list;
    for (const Token &token : m_tokens) {
        QJsonObject object{{QStringLiteral("name"), token.name},
                           {QStringLiteral("sha256"), QString::fromLatin1(token.sha256.toHex())},
                           {QStringLiteral("created"), token.created.toString(Qt::ISODate)}};
        if (token.lastUsed.isValid())
            object.insert(QStringLiteral("lastUsed"), token.lastUsed.toString(Qt::ISODate));
        list.append(object);
    }
    if (!QDir().mkpath(m_configDir))
        return setError(error, QStringLiteral("cannot create directory %1").arg(m_configDir));
    const QJsonObject root{{QStringLiteral("version"), FormatVersion}, {QStringLiteral("tokens"), list}};
    return platform::writeFileAtomically(filePath(), QJsonDocument(root).toJson(QJsonDocument::Indented),
                                         platform::ownerOnly, error);
}

QString TokenStore::add(const QString &name, QString *error)
{
    if (!isValidName(name)) {
        setError(error, QStringLiteral("'%1' is not a valid token name: letters, digits, '.', '_' and '-', at most 64")
                            .arg(name));
        return {};
    }
    for (const Token &token : std::as_const(m_tokens)) {
        if (token.name == name) {
            setError(error, QStringLiteral("a token named '%1' exists already; revoke it first").arg(name));
            return {};
        }
    }
    const QByteArray secret =
        SecretPrefix + randomBytes(32).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    m_tokens.append({name, hashOf(secret), QDateTime::currentDateTimeUtc(), {}});
    return QString::fromLatin1(secret);
}

bool TokenStore::revoke(const QString &name, QString *error)
{
    for (qsizetype i = 0; i < m_tokens.size(); ++i) {
        if (m_tokens[i].name == name) {
            m_tokens.removeAt(i);
            return true;
        }
    }
    return setError(error, QStringLiteral("no token named '%1'").arg(name));
}

QString TokenStore::verify(QByteArrayView secret)
{
    if (!secret.startsWith(SecretPrefix))
        return {};
    const QByteArray hash = hashOf(secret);
    Token *match = nullptr;
    for (Token &token : m_tokens) {   // every one compared, the same way
        if (sameBytes(token.sha256, hash))
            match = &token;
    }
    if (!match)
        return {};
    match->lastUsed = QDateTime::currentDateTimeUtc();
    return match->name;
}

} // namespace manifold::http
