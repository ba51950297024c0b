#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QList>
#include <QString>

namespace manifold::http {

// The front door's bearer tokens, one per client, in <configDir>/http-tokens.json (owner-only).
// Only a SHA-256 of each secret is kept: the secret is shown once, when it is made. Secrets are
// "mfd_" and 43 characters of base64url (32 random bytes), so secret scanners can find a leaked
// one; a fast hash is enough for random secrets of that length.
class TokenStore final
{
public:
    struct Token
    {
        QString name;
        QByteArray sha256;   // of the whole secret, raw bytes
        QDateTime created;
        QDateTime lastUsed;  // invalid: never used
    };

    explicit TokenStore(QString configDir) : m_configDir(std::move(configDir)) {}

    QString filePath() const;
    // A missing file is an empty store. A broken one is reported and never overwritten.
    bool load(QString *error);
    bool save(QString *error) const;

    const QList<Token> &tokens() const { return m_tokens; }
    // Makes a token for name and returns its secret, or an empty string (*error says why: a bad
    // or already used name).
    QString add(const QString &name, QString *error);
    bool revoke(const QString &name, QString *error);
    // The name of the token whose secret this is, empty if none; notes when it was used.
    QString verify(QByteArrayView secret);

    static bool isValidName(const QString &name);   // letters, digits, '.', '_', '-'; 1..64
    // The secret of "Authorization: Bearer <secret>", empty for any other scheme or shape.
    static QByteArray bearerSecret(QByteArrayView authorization);
    static constexpr char SecretPrefix[] = "mfd_";
    // From the system's secure generator (tokens, HTTP session ids); count a multiple of 4.
    static QByteArray randomBytes(qsizetype count);

private:
    QString m_configDir;
    QList<Token> m_tokens;
    bool m_loadFailed = false;
};

} // namespace manifold::http
