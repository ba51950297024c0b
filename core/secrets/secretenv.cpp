#include "secrets/secretenv.h"

#include "secrets/secretstore.h"

#include <QPointer>
#include <QTimer>

namespace manifold {

void readSecretEnv(SecretStore *store, const ServerConfig &config, QObject *context,
                   SecretEnvDone done)
{
    const QString server = config.name;
    // A remote server's secrets are header values; a local server's, environment variables.
    const bool headers = config.isRemote();
    const QStringList variables = headers ? config.secretHeaders : config.secretEnv;
    const auto keyOf = [server, headers](const QString &name) {
        return headers ? serverHeaderSecretKey(server, name) : serverSecretKey(server, name);
    };
    if (!store) {
        const QString error =
            QStringLiteral("server '%1' cannot start: its secret %2 %3 needs a keychain, "
                           "and none is available")
                .arg(server, headers ? QStringLiteral("header") : QStringLiteral("variable"), variables.value(0));
        QTimer::singleShot(0, context, [done, error] { done({}, error); });
        return;
    }
    QStringList keys;
    QHash<QString, QString> variableOf;
    for (const QString &variable : variables) {
        keys << keyOf(variable);
        variableOf.insert(keys.last(), variable);
    }
    const QPointer<QObject> guard(context);
    store->readAll(keys, [guard, done, server, variables, keyOf,
                          variableOf](const QHash<QString, QString> &found,
                                      const QStringList &missing, const QStringList &errors) {
        if (!guard)
            return;
        if (!errors.isEmpty()) {
            // "key: what the store said"; report the variable by its name.
            const QString first = errors.first();
            const QString key = first.section(QStringLiteral(": "), 0, 0);
            const QString why = first.section(QStringLiteral(": "), 1);
            done({},
                 QStringLiteral(
                     "server '%1' cannot start: cannot read its secret %2 from the keychain: %3")
                     .arg(server, variableOf.value(key, key), why));
            return;
        }
        if (!missing.isEmpty()) {
            QStringList names;
            for (const QString &key : missing)
                names << variableOf.value(key, key);
            names.sort();
            done(
                {},
                QStringLiteral(
                    "server '%1' cannot start: its secret %2 is not in the keychain (set %3 in the "
                    "server's settings)")
                    .arg(server, names.join(QStringLiteral(", ")),
                         names.size() == 1 ? QStringLiteral("it") : QStringLiteral("them")));
            return;
        }
        QMap<QString, QString> values;
        for (const QString &variable : variables)
            values.insert(variable, found.value(keyOf(variable)));
        done(values, {});
    });
}

} // namespace manifold
