#pragma once

#include "broker/serverhost.h"
#include "config/serverconfig.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QUrl>

#include <functional>

namespace manifold {

class SecretStore;
namespace remote {
class SignIn;
}

// The broker's remote servers: one sign-in per remote server name, shared by every instance
// of it (sharing modes may give several upstream sessions, never several sign-ins), and the
// factory that gives a ServerHost its HTTP upstream.
class RemoteAccess final : public QObject
{
    Q_OBJECT

public:
    // Opens a sign-in URL for the user. The tray app opens the browser; the headless broker
    // prints it. $MANIFOLD_URL_OPENER, when set, always wins (tests, unusual desktops).
    using Opener = std::function<void(const QString &server, const QUrl &url)>;

    explicit RemoteAccess(SecretStore *secrets, QObject *parent = nullptr);
    ~RemoteAccess() override;

    void setOpener(Opener opener) { m_opener = std::move(opener); }
    ServerHost::RemoteFactory factory();

    // The sign-in of a remote server (made on first use); nullptr for a local server.
    remote::SignIn *signIn(const ServerConfig &config);
    remote::SignIn *existingSignIn(const QString &server) const;
    // The next URL of this server's sign-in is not opened here: a terminal (manifoldctl login) opens it.
    void openNextElsewhere(const QString &server) { m_openElsewhere.insert(server); }
    void forget(const QString &server);   // the server was removed
    QJsonObject authStatus(const QString &server) const;

signals:
    // The state or the token of this server's sign-in changed.
    void authChanged(const QString &server);
    // A sign-in began that needs the user: the URL was handed to the opener.
    void signInNeeded(const QString &server, const QUrl &url);

private:
    void open(const QString &server, const QUrl &url);

    SecretStore *m_secrets;
    Opener m_opener;
    struct Entry
    {
        QPointer<remote::SignIn> signIn;
        QString url;                  // what it was made for: a new URL or client needs a new one
        ServerConfig::OAuth oauth;
    };
    QHash<QString, Entry> m_signIns;
    QSet<QString> m_openElsewhere;
};

} // namespace manifold
