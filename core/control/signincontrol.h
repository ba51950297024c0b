#pragma once

#include "control/controlservice.h"

#include <QObject>

#include <functional>

namespace manifold {

class Broker;

// The control methods of remote servers' sign-ins (docs/wire.md): login (start or join a
// sign-in; answers with the URL to open), loginWait (answers when that sign-in ends), logout.
class SignInControl final : public QObject
{
    Q_OBJECT

public:
    using Done = std::function<void(const ControlService::Reply &)>;

    explicit SignInControl(Broker *broker, QObject *parent = nullptr);

    static bool handles(const QString &method);
    void call(const QString &method, const QJsonObject &params, Done done);

private:
    void login(const QString &name, bool openBrowser, const QString &clientId, Done done);
    void loginWait(const QString &name, Done done);
    void logout(const QString &name, Done done);

    Broker *m_broker;
};

} // namespace manifold
