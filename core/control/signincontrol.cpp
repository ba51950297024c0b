#include "control/signincontrol.h"

#include "broker/broker.h"
#include "broker/remoteaccess.h"
#include "broker/servergroup.h"
#include "jsonrpc/jsonrpc.h"
#include "remote/signin.h"

#include <QPointer>
#include <QTimer>

#include <memory>

namespace manifold {

namespace {

constexpr int UnknownServer = -32001;

ControlService::Reply failure(int code, const QString &message)
{
    return {{}, code, message};
}

} // namespace

SignInControl::SignInControl(Broker *broker, QObject *parent) : QObject(parent), m_broker(broker) {}

bool SignInControl::handles(const QString &method)
{
    return method == QLatin1String("login") || method == QLatin1String("loginWait") ||
           method == QLatin1String("logout");
}

void SignInControl::call(const QString &method, const QJsonObject &params, Done done)
{
    const QString name = params.value(QStringLiteral("name")).toString();
    const ServerGroup *group = m_broker->group(name);
    if (!group)
        return done(failure(UnknownServer, QStringLiteral("no server named '%1'").arg(name)));
    if (!group->config().isRemote())
        return done(failure(jsonrpc::InvalidParams,
                            QStringLiteral("server '%1' is not a remote server: it has nothing to sign in to").arg(name)));
    if (method == QLatin1String("login"))
        login(name, params.value(QStringLiteral("openBrowser")).toBool(true),
              params.value(QStringLiteral("clientId")).toString(), std::move(done));
    else if (method == QLatin1String("loginWait"))
        loginWait(name, std::move(done));
    else
        logout(name, std::move(done));
}

// Answers once the sign-in's URL is known (discovery and registration take a moment), or with
// the error that ended it first.
void SignInControl::login(const QString &name, bool openBrowser, const QString &clientId, Done done)
{
    RemoteAccess *remote = m_broker->remoteAccess();
    remote::SignIn *signIn = remote->signIn(m_broker->group(name)->config());
    auto answered = std::make_shared<bool>(false);
    auto context = new QObject(this);
    const auto finish = [answered, context, done](const ControlService::Reply &reply) {
        if (std::exchange(*answered, true))
            return;
        context->deleteLater();
        done(reply);
    };
    connect(signIn, &remote::SignIn::signInUrl, context, [finish](const QUrl &url) {
        finish({{{QStringLiteral("signInUrl"), QString::fromUtf8(url.toEncoded())}}, 0, {}});
    });
    connect(signIn, &remote::SignIn::loginFinished, context, [finish](bool ok, const QString &message) {
        if (ok)
            finish({{{QStringLiteral("signedIn"), true}}, 0, {}});
        else
            finish(failure(jsonrpc::ServerError, message));
    });
    connect(signIn, &QObject::destroyed, context, [finish, name] {
        finish(failure(jsonrpc::ServerError, QStringLiteral("the sign-in to '%1' was abandoned").arg(name)));
    });
    if (!openBrowser)
        remote->openNextElsewhere(name);
    const QUrl pending = signIn->currentSignInUrl();
    if (signIn->state() == AuthGate::State::SigningIn && !pending.isEmpty()) {
        // Joining the sign-in under way: its URL is already known.
        finish({{{QStringLiteral("signInUrl"), QString::fromUtf8(pending.toEncoded())}}, 0, {}});
        return;
    }
    signIn->login(clientId);
}

void SignInControl::loginWait(const QString &name, Done done)
{
    remote::SignIn *signIn = m_broker->remoteAccess()->signIn(m_broker->group(name)->config());
    if (signIn->state() != AuthGate::State::SigningIn) {
        if (signIn->state() == AuthGate::State::SignedIn || signIn->state() == AuthGate::State::Refreshing)
            return done({{{QStringLiteral("signedIn"), true}}, 0, {}});
        return done(failure(jsonrpc::ServerError, signIn->waitingMessage().isEmpty()
                                                      ? QStringLiteral("no sign-in to '%1' is under way").arg(name)
                                                      : signIn->waitingMessage()));
    }
    auto answered = std::make_shared<bool>(false);
    auto context = new QObject(this);
    const auto finish = [answered, context, done](const ControlService::Reply &reply) {
        if (std::exchange(*answered, true))
            return;
        context->deleteLater();
        done(reply);
    };
    connect(signIn, &remote::SignIn::loginFinished, context, [finish](bool ok, const QString &message) {
        finish(ok ? ControlService::Reply{{{QStringLiteral("signedIn"), true}}, 0, {}}
                  : failure(jsonrpc::ServerError, message));
    });
    connect(signIn, &QObject::destroyed, context, [finish, name] {
        finish(failure(jsonrpc::ServerError, QStringLiteral("the sign-in to '%1' was abandoned").arg(name)));
    });
}

void SignInControl::logout(const QString &name, Done done)
{
    remote::SignIn *signIn = m_broker->remoteAccess()->signIn(m_broker->group(name)->config());
    const QPointer<SignInControl> self(this);
    signIn->logout([self, done, name](bool ok, const QString &message) {
        if (!self)
            return;
        if (!ok)
            return done(failure(jsonrpc::ServerError, message));
        done({{{QStringLiteral("signedOut"), name}, {QStringLiteral("revoked"), true},
               {QStringLiteral("message"), message}}, 0, {}});
    });
}

} // namespace manifold
