#include "secrets/envedit.h"

#include "secrets/secretstore.h"

#include <QJsonArray>

namespace manifold {

struct EnvEdit::Fields
{
    QString plainKey;    // "env" | "headers"
    QString secretKey;   // "secretEnv" | "secretHeaders"
    QMap<QString, QString> plainBefore;
    QStringList secretBefore;
    bool (*looksSecret)(const QString &) = nullptr;
    bool headers = false;
};

EnvEdit EnvEdit::plan(const ServerConfig *current, const QJsonObject &params)
{
    return plan(Fields{QStringLiteral("env"), QStringLiteral("secretEnv"),
                       current ? current->env : QMap<QString, QString>(),
                       current ? current->secretEnv : QStringList(), &looksLikeSecretName, false},
                params);
}

EnvEdit EnvEdit::planHeaders(const ServerConfig *current, const QJsonObject &params)
{
    return plan(Fields{QStringLiteral("headers"), QStringLiteral("secretHeaders"),
                       current ? current->headers : QMap<QString, QString>(),
                       current ? current->secretHeaders : QStringList(), &looksLikeSecretHeader, true},
                params);
}

EnvEdit EnvEdit::plan(const Fields &fields, const QJsonObject &params)
{
    EnvEdit edit;
    const QMap<QString, QString> &plainBefore = fields.plainBefore;
    const QStringList &secretBefore = fields.secretBefore;

    // Left out: every variable as it is.
    QJsonObject given;
    if (params.contains(fields.plainKey)) {
        given = params.value(fields.plainKey).toObject();
    } else {
        for (auto it = plainBefore.cbegin(); it != plainBefore.cend(); ++it)
            given.insert(it.key(), QJsonValue());
        for (const QString &variable : secretBefore)
            given.insert(variable, QJsonValue());
    }

    QStringList secret;
    if (params.contains(fields.secretKey)) {
        for (const QJsonValue &value : params.value(fields.secretKey).toArray()) {
            const QString variable = value.toString();
            if (!given.contains(variable)) {
                edit.error = QStringLiteral("%1 names %2, which %3 does not hold")
                                 .arg(fields.secretKey, variable, fields.plainKey);
                return edit;
            }
            secret << variable;
        }
    } else {
        for (auto it = given.constBegin(); it != given.constEnd(); ++it) {
            const bool known = plainBefore.contains(it.key()) || secretBefore.contains(it.key());
            if (known ? secretBefore.contains(it.key()) : fields.looksSecret(it.key()))
                secret << it.key();
        }
    }
    secret.sort();
    secret.removeDuplicates();
    edit.secretEnv = secret;

    for (auto it = given.constBegin(); it != given.constEnd(); ++it) {
        const QString &variable = it.key();
        const bool keep = it.value().isNull();
        QString why;
        if (fields.headers && !ServerConfig::isSettableHeader(variable, &why)) {
            edit.error = why;
            return edit;
        }
        if (!fields.headers && (variable.isEmpty() || variable.contains(QLatin1Char('=')))) {
            edit.error =
                QStringLiteral("'%1' is not a valid environment variable name").arg(variable);
            return edit;
        }
        if (secret.contains(variable)) {
            if (!keep)
                edit.toWrite.insert(variable, it.value().toString());
            else if (plainBefore.contains(variable))
                edit.toWrite.insert(variable,
                                    plainBefore.value(variable)); // marked: the value moves
            else if (!secretBefore.contains(variable)) {
                edit.error = QStringLiteral("no value for the new secret %1 %2")
                                 .arg(fields.headers ? QStringLiteral("header") : QStringLiteral("variable"), variable);
                return edit;
            }
        } else if (!keep) {
            edit.env.insert(variable, it.value().toString());
        } else if (secretBefore.contains(variable)) {
            edit.toRead << variable; // unmarked: the stored value comes back into servers.json
        } else {
            edit.env.insert(variable, plainBefore.value(variable));
        }
    }
    for (const QString &variable : secretBefore) {
        if (!secret.contains(variable))
            edit.toRemove << variable;
    }
    return edit;
}

} // namespace manifold
