#include "secrets/envedit.h"

#include "secrets/secretstore.h"

#include <QJsonArray>

namespace manifold {

EnvEdit EnvEdit::plan(const ServerConfig *current, const QJsonObject &params)
{
    EnvEdit edit;
    const QMap<QString, QString> plainBefore = current ? current->env : QMap<QString, QString>();
    const QStringList secretBefore = current ? current->secretEnv : QStringList();

    // Left out: every variable as it is.
    QJsonObject given;
    if (params.contains(QStringLiteral("env"))) {
        given = params.value(QStringLiteral("env")).toObject();
    } else {
        for (auto it = plainBefore.cbegin(); it != plainBefore.cend(); ++it)
            given.insert(it.key(), QJsonValue());
        for (const QString &variable : secretBefore)
            given.insert(variable, QJsonValue());
    }

    QStringList secret;
    if (params.contains(QStringLiteral("secretEnv"))) {
        for (const QJsonValue &value : params.value(QStringLiteral("secretEnv")).toArray()) {
            const QString variable = value.toString();
            if (!given.contains(variable)) {
                edit.error =
                    QStringLiteral("secretEnv names %1, which env does not hold").arg(variable);
                return edit;
            }
            secret << variable;
        }
    } else {
        for (auto it = given.constBegin(); it != given.constEnd(); ++it) {
            const bool known = plainBefore.contains(it.key()) || secretBefore.contains(it.key());
            if (known ? secretBefore.contains(it.key()) : looksLikeSecretName(it.key()))
                secret << it.key();
        }
    }
    secret.sort();
    secret.removeDuplicates();
    edit.secretEnv = secret;

    for (auto it = given.constBegin(); it != given.constEnd(); ++it) {
        const QString &variable = it.key();
        const bool keep = it.value().isNull();
        if (variable.isEmpty() || variable.contains(QLatin1Char('='))) {
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
                edit.error =
                    QStringLiteral("no value for the new secret variable %1").arg(variable);
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
