#pragma once

#include "control/controlservice.h"
#include "secrets/envedit.h"

#include <QObject>

#include <functional>

namespace manifold {

class Broker;
struct ServerConfig;

// The control methods that touch a server's environment and therefore its secrets: add, update,
// remove and revealEnv (docs/wire.md). Secret values go to and come from the broker's
// SecretStore, asynchronously; servers.json and replies only ever name secret variables, except
// revealEnv, which hands out one value on purpose.
class EnvControl final : public QObject
{
    Q_OBJECT

public:
    using Done = std::function<void(const ControlService::Reply &)>;

    explicit EnvControl(Broker *broker, QObject *parent = nullptr);

    static bool handles(const QString &method);
    // done is called once: at once when no secret is involved, else later from the event loop.
    void call(const QString &method, const QJsonObject &params, Done done);

private:
    void add(const QJsonObject &params, Done done);
    void update(const QJsonObject &params, Done done);
    void remove(const QString &name, Done done);
    void reveal(const QString &name, const QString &variable, Done done);
    // Reads, writes, saves, then cleans up the store, in that order; any failure before saving
    // leaves servers.json as it was.
    void apply(ServerConfig config, const EnvEdit &edit, bool adding, Done done);
    void save(ServerConfig config, const EnvEdit &edit, bool adding,
              const QMap<QString, QString> &plainAgain, const QStringList &written, Done done);

    Broker *m_broker;
};

} // namespace manifold
