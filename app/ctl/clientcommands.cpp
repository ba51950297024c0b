#include "clientcommands.h"

#include "controlclient.h"

#include "clients/clientsetup.h"
#include "clients/httpsetup.h"
#include "clients/unifieddiff.h"
#include "config/serverregistry.h"
#include "secrets/secretstorefactory.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <memory>

namespace manifold::ctl {

const char *const ClientUsage =
    "  clients [--all] [--json] [--project DIR]...   MCP clients found on this machine, their "
    "config\n"
    "                                                files and whether they use Manifold\n"
    "  setup [CLIENT...] [--dry-run] [--project DIR]... [--secret VAR]... [--transport shim|http]\n"
    "                                                import the clients' servers into Manifold "
    "and\n"
    "                                                point their configs at manifold-shim "
    "(backups\n"
    "                                                first; --dry-run prints the diffs only; "
    "secrets\n"
    "                                                go to the keychain); --transport http points\n"
    "                                                clients that take URLs at the HTTP front "
    "door\n"
    "                                                (turned on if off) with a token each\n"
    "  revert [CLIENT...] [--dry-run]                put the client configs back as they were\n"
    "                                                (and revoke the tokens setup made)\n";

namespace {

struct Parsed
{
    QStringList clients;
    QStringList projects;
    QStringList secrets;
    bool dryRun = false;
    bool json = false;
    bool all = false;
    SetupTransport transport = SetupTransport::Shim;
};

void out(const QString &text)
{
    std::fputs(qPrintable(text), stdout);
}

int fail(const QString &message, int code)
{
    std::fprintf(stderr, "manifoldctl: %s\n", qPrintable(message));
    return code;
}

QString tildePath(const QString &path)
{
    const QString home = QDir::homePath();
    return path.startsWith(home + QLatin1Char('/')) ? QLatin1Char('~') + path.mid(home.size())
                                                    : path;
}

QString clientName(const QString &id)
{
    const ClientKind *kind = findClientKind(id);
    return kind ? kind->displayName : id;
}

// Runs the event loop until the asynchronous step calls back.
template <typename Result, typename Start> Result await(Start start)
{
    Result result{};
    bool finished = false;
    start([&](const Result &value) {
        result = value;
        finished = true;
        QCoreApplication::exit(0);
    });
    if (!finished)
        QCoreApplication::exec();
    return result;
}

QString describeEntry(const EntryPlan &entry)
{
    const QString name = entry.entry.name;
    QString line;
    switch (entry.action) {
    case EntryPlan::Action::Import:
        line = QStringLiteral("%1: new Manifold server \"%2\"").arg(name, entry.server);
        break;
    case EntryPlan::Action::Reuse:
        line = QStringLiteral("%1: uses Manifold server \"%2\"").arg(name, entry.server);
        break;
    case EntryPlan::Action::ImportRemote:
        line = QStringLiteral("%1: new remote Manifold server \"%2\"").arg(name, entry.server);
        break;
    case EntryPlan::Action::ReuseRemote:
        line = QStringLiteral("%1: uses remote Manifold server \"%2\"").arg(name, entry.server);
        break;
    case EntryPlan::Action::AlreadyManaged:
        line = QStringLiteral("%1: already runs Manifold server \"%2\"").arg(name, entry.server);
        break;
    case EntryPlan::Action::LeaveRemote:
    case EntryPlan::Action::LeaveUnsupported:
        line = QStringLiteral("%1: left alone").arg(name);
        break;
    }
    if (entry.viaHttp && entry.action != EntryPlan::Action::AlreadyManaged)
        line += QStringLiteral(", over HTTP");
    if (!entry.note.isEmpty() && entry.action != EntryPlan::Action::LeaveRemote &&
        entry.action != EntryPlan::Action::LeaveUnsupported)
        line += QStringLiteral(" (%1)").arg(entry.note);
    else if (!entry.note.isEmpty())
        line = QStringLiteral("%1: %2").arg(name, entry.note);
    if (!entry.secrets.isEmpty() && (entry.action == EntryPlan::Action::Import ||
                                     entry.action == EntryPlan::Action::ImportRemote))
        line +=
            QStringLiteral("; to the keychain: %1").arg(entry.secrets.join(QStringLiteral(", ")));
    if (entry.entry.scope != QLatin1String("user") && entry.entry.scope != QLatin1String("project"))
        line += QStringLiteral(" [%1]").arg(entry.entry.scope);
    return line;
}

// Each new server with its sharing mode, and why when setup chose per-project.
void printNewServers(const SetupPlan &plan)
{
    if (plan.newServers.isEmpty())
        return;
    out(QStringLiteral("new Manifold servers:\n"));
    for (const ServerConfig &server : plan.newServers) {
        const QString reason = plan.perProjectReasons.value(server.name);
        if (server.isRemote()) {
            QStringList secrets = server.secretHeaders;
            if (server.oauth.clientSecret)
                secrets.append(QStringLiteral("OAuth client secret"));
            out(QStringLiteral("  %1: remote %2 (%3)%4\n")
                    .arg(server.name, server.url, ServerConfig::transportName(server.transport),
                         secrets.isEmpty() ? QString()
                                           : QStringLiteral("; to the keychain: %1")
                                                 .arg(secrets.join(QStringLiteral(", ")))));
            continue;
        }
        out(QStringLiteral("  %1: %2%3\n")
                .arg(server.name, ServerConfig::sharingName(server.sharing),
                     reason.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(reason)));
    }

}

int printOutcome(const SetupOutcome &outcome, const QString &verb)
{
    for (const QString &path : outcome.written)
        out(QStringLiteral("%1 %2\n").arg(verb, tildePath(path)));
    for (const QString &note : outcome.notes)
        out(note + QLatin1Char('\n'));
    if (!outcome.addedServers.isEmpty())
        out(QStringLiteral("added Manifold servers: %1\n")
                .arg(outcome.addedServers.join(QStringLiteral(", "))));
    for (const QString &client : outcome.restartClients)
        out(QStringLiteral("note: quit %1 completely and start it again to pick up the change\n")
                .arg(client));
    for (const QString &error : outcome.errors)
        std::fprintf(stderr, "manifoldctl: %s\n", qPrintable(error));
    return outcome.ok() ? 0 : 1;
}

int clients(ClientSetup &setup, const Parsed &options)
{
    const QList<ClientFileStatus> files = setup.status(options.projects);
    if (options.json) {
        QJsonArray array;
        for (const ClientFileStatus &file : files) {
            QJsonArray entries;
            for (const ClientEntry &entry : file.entries) {
                entries.append(QJsonObject{{QStringLiteral("name"), entry.name},
                                           {QStringLiteral("kind"), describeEntryKind(entry.kind)},
                                           {QStringLiteral("scope"), entry.scope},
                                           {QStringLiteral("server"), entry.managedServer},
                                           {QStringLiteral("reason"), entry.reason}});
            }
            array.append(QJsonObject{{QStringLiteral("client"), file.file.clientId},
                                     {QStringLiteral("name"), file.kind->displayName},
                                     {QStringLiteral("path"), file.file.path},
                                     {QStringLiteral("scope"), file.file.scope},
                                     {QStringLiteral("installed"), file.installed},
                                     {QStringLiteral("state"), describeFileState(file.state)},
                                     {QStringLiteral("revertible"), file.revertible},
                                     {QStringLiteral("error"), file.error},
                                     {QStringLiteral("entries"), entries}});
        }
        out(QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Indented)));
        return 0;
    }
    out(QStringLiteral("%1 %2 %3 %4 %5 %6 %7  %8\n")
            .arg(QStringLiteral("CLIENT"), -20)
            .arg(QStringLiteral("SCOPE"), -8)
            .arg(QStringLiteral("STATE"), -14)
            .arg(QStringLiteral("STDIO"), 5)
            .arg(QStringLiteral("MANAGED"), 7)
            .arg(QStringLiteral("REMOTE"), 6)
            .arg(QStringLiteral("OTHER"), 5)
            .arg(QStringLiteral("FILE")));
    int shown = 0;
    for (const ClientFileStatus &file : files) {
        if (!options.all && file.state == ClientFileStatus::State::Missing && !file.installed)
            continue;
        ++shown;
        int counts[4] = {0, 0, 0, 0};
        for (const ClientEntry &entry : file.entries)
            ++counts[int(entry.kind)];
        const bool hasCounts = file.state != ClientFileStatus::State::Missing &&
                               file.state != ClientFileStatus::State::Broken;
        const auto count = [&](int kind) {
            return hasCounts ? QString::number(counts[kind]) : QString();
        };
        QString state = describeFileState(file.state);
        if (file.revertible)
            state += QLatin1Char('*');
        out(QStringLiteral("%1 %2 %3 %4 %5 %6 %7  %8\n")
                .arg(file.kind->displayName, -20)
                .arg(file.file.scope, -8)
                .arg(state, -14)
                .arg(count(0), 5)
                .arg(count(2), 7)
                .arg(count(1), 6)
                .arg(count(3), 5)
                .arg(tildePath(file.file.path)));
        if (!file.error.isEmpty())
            out(QStringLiteral("    broken: %1 (it will not be touched)\n").arg(file.error));
    }
    if (shown == 0)
        out(QStringLiteral(
            "no MCP client configs found (--all lists where they are looked for)\n"));
    else
        out(QStringLiteral("* setup changed this file; `manifoldctl revert` puts it back\n"));
    return 0;
}

int setupCommand(ClientSetup &setup, const Parsed &options)
{
    struct Planned
    {
        SetupPlan plan;
        QString error;
    };
    const Planned planned = await<Planned>([&](auto done) {
        setup.planSetup({options.clients, options.projects, options.secrets, options.transport},
                        [done](const SetupPlan &plan, const QString &error) {
                            done({plan, error});
                        });
    });
    if (!planned.error.isEmpty())
        return fail(planned.error, 1);
    const SetupPlan &plan = planned.plan;
    bool anyFile = false;
    for (const FilePlan &file : plan.files) {
        if (!file.loaded.exists)
            continue;
        anyFile = true;
        out(QStringLiteral("%1 (%2)\n")
                .arg(file.kind->displayName, tildePath(file.loaded.file.path)));
        if (!file.error.isEmpty())
            out(QStringLiteral("  not touched: %1\n").arg(file.error));
        if (!file.transportNote.isEmpty())
            out(QStringLiteral("  %1\n").arg(file.transportNote));
        for (const EntryPlan &entry : file.entries)
            out(QStringLiteral("  %1\n").arg(describeEntry(entry)));
        if (options.dryRun && file.changes()) {
            const QString path = tildePath(file.loaded.file.path);
            out(unifiedDiff(file.maskedBefore(), file.maskedAfter(), path, path));
        }
    }
    if (plan.enableFrontDoor)
        out(QStringLiteral("the HTTP front door is off: setup turns it on (%1NAME)\n")
                .arg(plan.httpBaseUrl));
    for (const PlannedToken &token : plan.tokens) {
        out((token.replaces ? QStringLiteral("token \"%1\" for %2: replaced by a new one (the old "
                                             "one is revoked)\n")
                            : QStringLiteral("token \"%1\" for %2: made when applying, written "
                                             "only into its config\n"))
                .arg(token.name, clientName(token.clientId)));
    }
    if (!anyFile)
        out(QStringLiteral("no MCP client configs found\n"));
    if (!plan.changes()) {
        out(QStringLiteral("nothing to change\n"));
        return 0;
    }
    printNewServers(plan);
    if (options.dryRun) {
        for (const QString &note : plan.signInNotes()) // applying prints them as it goes
            out(QStringLiteral("note: %1\n").arg(note));
        out(QStringLiteral("dry run: nothing was changed\n"));
        return 0;
    }
    return printOutcome(await<SetupOutcome>([&](auto done) { setup.applySetup(plan, done); }),
                        QStringLiteral("rewrote"));
}

int revertCommand(ClientSetup &setup, const Parsed &options)
{
    struct Planned
    {
        RevertPlan plan;
        QString error;
    };
    const Planned planned = await<Planned>([&](auto done) {
        setup.planRevert({options.clients, {}, {}},
                         [done](const RevertPlan &plan, const QString &error) {
                             done({plan, error});
                         });
    });
    if (!planned.error.isEmpty())
        std::fprintf(stderr, "manifoldctl: %s\n", qPrintable(planned.error));
    if (planned.plan.files.isEmpty()) {
        out(QStringLiteral("nothing to revert: setup has not changed any %1\n")
                .arg(options.clients.isEmpty() ? QStringLiteral("client config")
                                               : QStringLiteral("config of these clients")));
        return planned.error.isEmpty() ? 0 : 1;
    }
    for (const RevertFilePlan &file : planned.plan.files) {
        const QString path = tildePath(file.path);
        out(QStringLiteral("%1 (%2)%3\n")
                .arg(clientName(file.clientId), path,
                     file.exact ? QStringLiteral(": back to the original bytes") : QString()));
        if (!file.error.isEmpty())
            out(QStringLiteral("  cannot revert: %1\n").arg(file.error));
        for (const QString &note : file.notes)
            out(QStringLiteral("  %1\n").arg(note));
        if (options.dryRun && file.changes())
            out(unifiedDiff(httpsetup::maskTokens(file.before), file.maskedAfter, path, path));
    }
    for (const QString &token : planned.plan.tokens)
        out(QStringLiteral("token \"%1\": setup made it, revert revokes it\n").arg(token));
    if (options.dryRun) {
        out(QStringLiteral("dry run: nothing was changed\n"));
        return 0;
    }
    return printOutcome(
        await<SetupOutcome>([&](auto done) { setup.applyRevert(planned.plan, done); }),
        QStringLiteral("restored"));
}

} // namespace

bool isClientCommand(const QString &command)
{
    return command == QLatin1String("clients") || command == QLatin1String("setup") ||
           command == QLatin1String("revert");
}

int runClientCommand(const QString &command, QStringList args, const BrokerConnector &connect)
{
    Parsed options;
    while (!args.isEmpty()) {
        const QString arg = args.takeFirst();
        const auto value = [&](QStringList *into) {
            if (args.isEmpty())
                return false;
            into->append(args.takeFirst());
            return true;
        };
        if (arg == QLatin1String("--dry-run") && command != QLatin1String("clients"))
            options.dryRun = true;
        else if (arg == QLatin1String("--json") && command == QLatin1String("clients"))
            options.json = true;
        else if (arg == QLatin1String("--all") && command == QLatin1String("clients"))
            options.all = true;
        else if (arg == QLatin1String("--project") && command != QLatin1String("revert")) {
            if (!value(&options.projects))
                return fail(QStringLiteral("--project needs a directory"), 2);
        } else if (arg == QLatin1String("--transport") && command == QLatin1String("setup")) {
            if (args.isEmpty() || !httpsetup::parseTransport(args.first(), &options.transport))
                return fail(QStringLiteral("--transport takes shim or http"), 2);
            args.removeFirst();
        } else if (arg == QLatin1String("--secret") && command == QLatin1String("setup")) {
            if (!value(&options.secrets))
                return fail(QStringLiteral("--secret needs a variable name"), 2);
        } else if (arg.startsWith(QLatin1String("--")) || command == QLatin1String("clients"))
            return fail(QStringLiteral("%1: unexpected '%2'").arg(command, arg), 2);
        else
            options.clients.append(arg);
    }
    const QStringList unknown = ClientSetup::unknownClients(options.clients);
    if (!unknown.isEmpty()) {
        QStringList known;
        for (const ClientKind &kind : clientKinds())
            known.append(kind.id);
        return fail(QStringLiteral("unknown client '%1'; known clients: %2")
                        .arg(unknown.first(), known.join(QStringLiteral(", "))),
                    2);
    }
    for (const QString &dir : options.projects) {
        if (!QFileInfo(dir).isDir())
            return fail(QStringLiteral("--project %1: not a directory").arg(dir), 2);
    }

    std::unique_ptr<SecretStore> store = createSecretStore();
    ClientSetup setup(ClientEnvironment::current(), ServerRegistry::defaultConfigDir(),
                      store.get());
    // The broker is asked only when the front door is involved, and then once connected.
    std::shared_ptr<ControlClient> broker;
    setup.setControl([&broker, connect](const QString &method, const QJsonObject &params,
                                        const ClientSetup::ControlReply &reply) {
        QString error;
        QJsonObject result;
        if (!broker) {
            broker = connect(&error);
            if (!broker)
                error = QStringLiteral("the broker is not running (%1)").arg(error);
        }
        const bool ok = broker && broker->call(method, params, &result, &error);
        QMetaObject::invokeMethod(
            QCoreApplication::instance(), [reply, ok, result, error] { reply(ok, result, error); },
            Qt::QueuedConnection);
    });
    if (command == QLatin1String("clients"))
        return clients(setup, options);
    if (command == QLatin1String("setup"))
        return setupCommand(setup, options);
    return revertCommand(setup, options);
}

} // namespace manifold::ctl
