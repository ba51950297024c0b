#pragma once

#include "clients/clientcatalog.h"
#include "clients/clientfile.h"
#include "clients/setupplanner.h"

#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace manifold {

class SecretStore;

// One client config file as it stands now.
struct ClientFileStatus
{
    enum class State {
        Missing,   // no such file
        Broken,    // does not parse (error says why); never touched
        NoServers, // parses, no entries
        NotSetUp,  // has stdio entries Manifold could take over
        SetUp,     // every stdio entry runs manifold-shim (or reaches the HTTP front door)
        Partly,    // some run manifold-shim, others could
    };

    ClientConfigFile file;
    const ClientKind *kind = nullptr;
    State state = State::Missing;
    bool installed = false;  // the client's directory exists
    bool revertible = false; // setup changed it and can put it back
    QString error;
    QList<ClientEntry> entries;
};

QString describeFileState(ClientFileStatus::State state);

struct RevertFilePlan
{
    QString clientId;
    QString path;
    QByteArray before;  // the file now
    QByteArray after;   // the file after revert (secrets filled back in)
    bool exact = false; // after == the bytes before the first setup
    QStringList notes;  // entries changed since setup and left as they are
    QString error;

    QByteArray maskedAfter; // after, with restored secret literals shown as "********"

    bool changes() const { return error.isEmpty() && before != after; }
};

struct RevertPlan
{
    QList<RevertFilePlan> files;
    QStringList tokens; // front door tokens setup made that no other set-up file uses: revoked
};

struct SetupOutcome
{
    QStringList written;        // files changed
    QStringList addedServers;   // new Manifold servers
    QStringList restartClients; // display names of clients that need a restart
    QStringList notes;          // front door turned on, tokens made, replaced or revoked
    QStringList errors;         // per file or global; a file with an error is unchanged
    bool ok() const { return errors.isEmpty(); }
};

// Detects client configs, takes their stdio servers over (setup) and puts them back (revert).
// Two steps each: plan (reads only; the plan carries the before/after bytes for a diff
// preview) and apply (re-checks that every file is still what was planned, then writes).
class ClientSetup final : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QStringList clients;     // client ids; empty = all
        QStringList projectDirs; // extra project directories (remembered ones are added)
        QStringList secretNames; // more env variable names to treat as secrets
        SetupTransport transport = SetupTransport::Shim;
    };

    // One call of the broker's control protocol (docs/wire.md), answered later on the event loop:
    // BrokerView::call in the tray, the control socket in manifoldctl. Setup over HTTP reads
    // http/status, turns the front door on (http/enable) and makes tokens (http/tokenAdd);
    // revert revokes them (http/tokenRevoke). Without one, only the shim can be set up.
    using ControlReply =
        std::function<void(bool ok, const QJsonObject &result, const QString &error)>;
    using ControlCall =
        std::function<void(const QString &method, const QJsonObject &params, ControlReply reply)>;
    void setControl(ControlCall call) { m_control = std::move(call); }

    ClientSetup(ClientEnvironment env, QString configDir, SecretStore *store,
                QObject *parent = nullptr);

    // Where configs will point: the stable launcher path by default.
    QString shimPath() const { return m_shimPath; }
    void setShimPath(const QString &path) { m_shimPath = path; }
    // The real shim the launcher execs; empty = do not write the launcher (tests that set a
    // shim path of their own).
    void setRealShim(const QString &path)
    {
        m_realShim = path.isEmpty() ? QStringList() : QStringList{path};
    }
    void setServerDefaults(const ServerConfig &defaults) { m_defaults = defaults; }

    QList<ClientFileStatus> status(const QStringList &projectDirs = {}) const;
    QStringList rememberedProjects() const;

    void planSetup(const Options &options,
                   std::function<void(const SetupPlan &plan, const QString &error)> done);
    void applySetup(const SetupPlan &plan, std::function<void(const SetupOutcome &)> done);

    void planRevert(const Options &options,
                    std::function<void(const RevertPlan &plan, const QString &error)> done);
    void applyRevert(const RevertPlan &plan, std::function<void(const SetupOutcome &)> done);

    // Unknown ids in a list of client ids, for clear command-line errors.
    static QStringList unknownClients(const QStringList &ids);

private:
    // The catalog's files of the chosen clients, with the remembered and the given projects.
    QList<ClientConfigFile> selectedFiles(const Options &options, QStringList projects) const;
    // Runs step from the event loop: every answer comes after the call returns.
    void later(std::function<void()> step);
    void planWith(const Options &options, const HttpTarget &target,
                  std::function<void(const SetupPlan &plan, const QString &error)> done);
    // clienthttpsetup.cpp: what setup over HTTP asks of the broker.
    void readHttpTarget(std::function<void(const HttpTarget &target, const QString &error)> done);
    void prepareFrontDoor(const SetupPlan &plan, const QList<FilePlan> &files,
                          std::shared_ptr<SetupOutcome> outcome,
                          std::function<void(const QHash<QString, QString> &secrets)> next,
                          std::function<void()> failed);
    void revokeTokens(QStringList names, std::shared_ptr<SetupOutcome> outcome,
                      std::function<void()> next);
    void writeSetup(const SetupPlan &plan, QList<FilePlan> files,
                    const QHash<QString, QString> &tokens, std::shared_ptr<SetupOutcome> outcome,
                    std::function<void(const SetupOutcome &)> done);

    ClientEnvironment m_env;
    QString m_configDir;
    SecretStore *m_store;
    QString m_shimPath;
    QStringList m_realShim; // program and leading arguments (shimlauncher::bundledShim)
    ServerConfig m_defaults;
    ControlCall m_control;
};

} // namespace manifold
