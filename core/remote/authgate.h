#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QUrl>

namespace manifold {

// The sign-in of one remote server as its HTTP upstreams see it. One gate per server name is
// shared by every instance of that server (sharing modes may give several upstream sessions),
// so a refresh or a sign-in happens once for all of them. Implemented by SignIn (signin.h).
class AuthGate : public QObject
{
    Q_OBJECT

public:
    enum class State {
        Unknown,          // no token and no 401 seen yet: requests go without Authorization
        SignedIn,         // authorizationHeader() is good
        Refreshing,       // a refresh is under way; the old token may still be used
        SigningIn,        // discovery, or waiting for the user in the browser
        SignInRequired,   // the user must act (invalid_grant, refused, timed out, logged out)
    };
    Q_ENUM(State)

    using QObject::QObject;
    ~AuthGate() override = default;

    virtual State state() const = 0;
    // "Bearer <token>", or empty when there is none.
    virtual QByteArray authorizationHeader() const = 0;
    // A request sent with usedHeader got status (401, or 403 with insufficient_scope) and this
    // WWW-Authenticate value. The gate refreshes, or starts a sign-in (opening the browser once),
    // or does nothing if a newer token already exists; changed() tells when to try again.
    virtual void challenged(const QByteArray &usedHeader, int status, const QByteArray &wwwAuthenticate) = 0;
    // Why requests cannot be sent, for their errors: "sign in to NAME: manifoldctl login NAME (or
    // open URL)". Empty in SignedIn and Unknown.
    virtual QString waitingMessage() const = 0;

signals:
    void changed();   // the state or the token changed
    // A challenge to usedHeader will not be answered with a new token (a 403 insufficient_scope
    // for a scope a sign-in already asked for, or a re-authorization that failed while the old
    // token still works): requests refused with it should fail with message, not wait.
    void declined(const QByteArray &usedHeader, const QString &message);
};

} // namespace manifold
