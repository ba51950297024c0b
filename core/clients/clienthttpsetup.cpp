// ClientSetup's HTTP half: what setup --transport http and revert ask of the broker's front door.
#include "clients/clientsetup.h"

#include "clients/httpsetup.h"
#include "clients/setupmanifest.h"
#include "http/tokenstore.h"

#include <QJsonArray>

namespace manifold {

namespace {

// Runs calls one after another; stops at the first failure.
struct Chain
{
    ClientSetup::ControlCall call;
    QList<std::pair<QString, QJsonObject>> steps;
    std::function<void(const QString &method, const QJsonObject &params, const QJsonObject &result)>
        answered;
    std::function<void(const QString &method, const QJsonObject &params, const QString &error)>
        failed;
    std::function<void()> finished;
};

void runChain(std::shared_ptr<Chain> chain)
{
    if (chain->steps.isEmpty())
        return chain->finished();
    const auto step = chain->steps.takeFirst();
    chain->call(step.first, step.second,
                [chain, step](bool ok, const QJsonObject &result, const QString &error) {
                    // Replacing a token the user revoked meanwhile: it is gone already.
                    const bool gone = step.first == QLatin1String("http/tokenRevoke");
                    if (!ok && !gone)
                        return chain->failed(step.first, step.second, error);
                    if (ok)
                        chain->answered(step.first, step.second, result);
                    runChain(chain);
                });
}

QString tokenName(const QJsonObject &params)
{
    return params.value(QStringLiteral("name")).toString();
}

} // namespace

void ClientSetup::readHttpTarget(std::function<void(const HttpTarget &, const QString &)> done)
{
    if (!m_control) {
        later([done] {
            done({},
                 QStringLiteral("setting clients up over HTTP needs the broker running (its "
                                "front door makes their tokens); start Manifold and try again"));
        });
        return;
    }
    SetupManifest manifest(m_configDir);
    manifest.load(nullptr);
    const QStringList made = manifest.tokenNames();
    // A broker whose front door has been off since it started lists no tokens: the file has them.
    QStringList onDisk;
    http::TokenStore store(m_configDir);
    if (store.load(nullptr)) {
        for (const http::TokenStore::Token &token : store.tokens())
            onDisk.append(token.name);
    }
    m_control(QStringLiteral("http/status"), {},
              [done, made, onDisk](bool ok, const QJsonObject &result, const QString &error) {
                  if (!ok)
                      return done({}, QStringLiteral("cannot read the HTTP front door's settings "
                                                     "from the broker: %1")
                                          .arg(error));
                  HttpTarget target;
                  target.baseUrl = result.value(QStringLiteral("url")).toString();
                  if (target.baseUrl.endsWith(QLatin1String("NAME")))
                      target.baseUrl.chop(4);
                  target.enabled = result.value(QStringLiteral("enabled")).toBool() &&
                                   result.value(QStringLiteral("listening")).toBool();
                  for (const QJsonValue &token : result.value(QStringLiteral("tokens")).toArray()) {
                      const QString name =
                          token.toObject().value(QStringLiteral("name")).toString();
                      target.tokenNames.append(name);
                      if (made.contains(name))
                          target.setupTokenNames.append(name);
                  }
                  for (const QString &name : onDisk) {
                      if (target.tokenNames.contains(name))
                          continue;
                      target.tokenNames.append(name);
                      if (made.contains(name))
                          target.setupTokenNames.append(name);
                  }
                  if (!target.baseUrl.endsWith(QLatin1String("/mcp/")))
                      return done({}, QStringLiteral("the broker reports no front door URL"));
                  done(target, QString());
              });
}

void ClientSetup::prepareFrontDoor(const SetupPlan &plan, const QList<FilePlan> &files,
                                   std::shared_ptr<SetupOutcome> outcome,
                                   std::function<void(const QHash<QString, QString> &)> next,
                                   std::function<void()> failed)
{
    if (!m_control) {
        outcome->errors.append(QStringLiteral("the broker is not reachable; nothing was changed"));
        later(failed);
        return;
    }
    auto chain = std::make_shared<Chain>();
    chain->call = m_control;
    if (plan.enableFrontDoor)
        chain->steps.append({QStringLiteral("http/enable"), {}});
    for (const PlannedToken &token : plan.tokens) {
        const bool used = std::any_of(files.begin(), files.end(), [&](const FilePlan &file) {
            return file.after.contains(token.placeholder);
        });
        if (!used)
            continue;
        const QJsonObject params{{QStringLiteral("name"), token.name}};
        if (token.replaces)
            chain->steps.append({QStringLiteral("http/tokenRevoke"), params});
        chain->steps.append({QStringLiteral("http/tokenAdd"), params});
    }
    auto secrets = std::make_shared<QHash<QString, QString>>();
    const QString baseUrl = plan.httpBaseUrl;
    const QList<PlannedToken> tokens = plan.tokens;
    chain->answered = [secrets, outcome, baseUrl, tokens](const QString &method,
                                                          const QJsonObject &params,
                                                          const QJsonObject &result) {
        if (method == QLatin1String("http/enable")) {
            outcome->notes.append(
                QStringLiteral("turned the HTTP front door on: %1NAME")
                    .arg(result.value(QStringLiteral("url")).toString().chopped(4)));
            return;
        }
        if (method != QLatin1String("http/tokenAdd"))
            return;
        const QString name = tokenName(params);
        secrets->insert(name, result.value(QStringLiteral("secret")).toString());
        for (const PlannedToken &token : tokens) {
            if (token.name != name)
                continue;
            const ClientKind *kind = findClientKind(token.clientId);
            const QString client = kind ? kind->displayName : token.clientId;
            outcome->notes.append(
                token.replaces
                    ? QStringLiteral("replaced token \"%1\" of %2: the old one no longer works, "
                                     "every entry of %2 has the new one")
                          .arg(name, client)
                    : QStringLiteral("made token \"%1\" for %2 (only its config holds it)")
                          .arg(name, client));
        }
    };
    chain->failed = [this, secrets, outcome, failed](
                        const QString &method, const QJsonObject &params, const QString &error) {
        outcome->notes.clear();
        outcome->errors.append(
            method == QLatin1String("http/enable")
                ? QStringLiteral("cannot turn the HTTP front door on (%1); nothing was changed")
                      .arg(error)
                : QStringLiteral("cannot make token \"%1\" (%2); nothing was changed")
                      .arg(tokenName(params), error));
        revokeTokens(secrets->keys(), outcome, failed);
    };
    chain->finished = [secrets, next] { next(*secrets); };
    runChain(chain);
}

void ClientSetup::revokeTokens(QStringList names, std::shared_ptr<SetupOutcome> outcome,
                               std::function<void()> next)
{
    if (names.isEmpty()) {
        later(next);
        return;
    }
    if (!m_control) {
        for (const QString &name : names)
            outcome->errors.append(QStringLiteral("token \"%1\" was not revoked: the broker is "
                                                  "not reachable (manifoldctl http token revoke "
                                                  "%1)")
                                       .arg(name));
        later(next);
        return;
    }
    const QString name = names.takeFirst();
    m_control(
        QStringLiteral("http/tokenRevoke"), {{QStringLiteral("name"), name}},
        [this, name, names, outcome, next](bool ok, const QJsonObject &, const QString &error) {
            if (ok)
                outcome->notes.append(QStringLiteral("revoked token \"%1\"").arg(name));
            else
                outcome->errors.append(
                    QStringLiteral("token \"%1\" was not revoked (%2)").arg(name, error));
            revokeTokens(names, outcome, next);
        });
}

} // namespace manifold
