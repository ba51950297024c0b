#include "clients/clientsetup.h"

#include "clients/clientwrite.h"
#include "clients/httpsetup.h"
#include "clients/setupmanifest.h"
#include "clients/shimlauncher.h"
#include "config/serverregistry.h"
#include "secrets/secretstore.h"

#include <QDir>
#include <QFileInfo>

#include <memory>

namespace manifold {

namespace {

bool hasEntryOfKind(const QList<ClientEntry> &entries, ClientEntry::Kind kind)
{
    return std::any_of(entries.begin(), entries.end(),
                       [kind](const ClientEntry &entry) { return entry.kind == kind; });
}

// The secret literals of the rewritten entries of one file, cut out for the backup, and any
// other occurrence of those secrets in the file hidden too.
struct Redacted
{
    QList<redaction::Cut> cuts;       // the entries' literals
    QByteArray backup;                // the file with every secret replaced by placeholders
    QStringList ids;                  // every placeholder used
    QHash<QString, QString> literals; // secretBackupKey(id) -> literal text
};

// Every secret value this setup run moves, from any file.
QList<QByteArray> movedSecretValues(const QList<FilePlan> &files)
{
    QList<QByteArray> values;
    for (const FilePlan &file : files) {
        for (const EntryPlan &entry : file.entries) {
            for (const QString &variable : entry.secrets) {
                const QByteArray value = entry.entry.env.value(variable).toUtf8();
                if (entry.rewritten && !values.contains(value))
                    values.append(value);
            }
            for (const QString &secret : entry.movedSecrets) {
                const QByteArray value = secret.toUtf8();
                if (entry.rewritten && !values.contains(value))
                    values.append(value);
            }
        }
    }
    return values;
}

Redacted redactFile(const FilePlan &file, const QList<QByteArray> &values)
{
    Redacted result;
    for (const EntryPlan &entry : file.entries) {
        if (!entry.rewritten)
            continue;
        QList<Span> spans = entry.secretSpans;
        for (const QString &variable : entry.secrets) {
            const auto span = entry.entry.envSpans.constFind(variable);
            if (span != entry.entry.envSpans.constEnd())
                spans.append(*span);
        }
        for (const Span &span : spans) {
            const QString id = redaction::newId();
            result.cuts.append({span, id});
            result.ids.append(id);
            result.literals.insert(
                redaction::secretBackupKey(id),
                QString::fromUtf8(file.loaded.text.sliced(span.first, span.second - span.first)));
        }
    }
    QMap<QString, QByteArray> hidden;
    result.backup =
        redaction::hideValues(redaction::apply(file.loaded.text, result.cuts), values, &hidden);
    for (auto it = hidden.cbegin(); it != hidden.cend(); ++it) {
        result.ids.append(it.key());
        result.literals.insert(redaction::secretBackupKey(it.key()), QString::fromUtf8(it.value()));
    }
    return result;
}

SetupGeneration::Entry recordEntry(const FilePlan &file, const EntryPlan &entry,
                                   const QList<redaction::Cut> &cuts)
{
    const Span span = entry.entry.span;
    QList<redaction::Cut> inside;
    for (const redaction::Cut &cut : cuts) {
        if (cut.span.first >= span.first && cut.span.second <= span.second)
            inside.append({{cut.span.first - span.first, cut.span.second - span.first}, cut.id});
    }
    const QByteArray original = file.loaded.text.sliced(span.first, span.second - span.first);
    return {entry.entry.location, entry.entry.name, entry.server,
            redaction::apply(original, inside)};
}

QString backupName(const FilePlan &file)
{
    return QStringLiteral("%1-%2-%3")
        .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz")),
             file.loaded.file.clientId, QFileInfo(file.loaded.file.path).fileName());
}

} // namespace

QString describeFileState(ClientFileStatus::State state)
{
    switch (state) {
    case ClientFileStatus::State::Missing:
        return QStringLiteral("missing");
    case ClientFileStatus::State::Broken:
        return QStringLiteral("broken");
    case ClientFileStatus::State::NoServers:
        return QStringLiteral("no servers");
    case ClientFileStatus::State::NotSetUp:
        return QStringLiteral("not set up");
    case ClientFileStatus::State::SetUp:
        return QStringLiteral("set up");
    case ClientFileStatus::State::Partly:
        return QStringLiteral("partly set up");
    }
    return QString();
}

ClientSetup::ClientSetup(ClientEnvironment env, QString configDir, SecretStore *store,
                         QObject *parent)
    : QObject(parent), m_env(std::move(env)), m_configDir(std::move(configDir)), m_store(store),
      m_shimPath(shimlauncher::stablePath(m_env)), m_realShim(shimlauncher::bundledShim())
{
}

QStringList ClientSetup::unknownClients(const QStringList &ids)
{
    QStringList unknown;
    for (const QString &id : ids) {
        if (!findClientKind(id))
            unknown.append(id);
    }
    return unknown;
}

void ClientSetup::later(std::function<void()> step)
{
    QMetaObject::invokeMethod(this, std::move(step), Qt::QueuedConnection);
}

QStringList ClientSetup::rememberedProjects() const
{
    SetupManifest manifest(m_configDir);
    manifest.load(nullptr);
    return manifest.projectDirs();
}

QList<ClientConfigFile> ClientSetup::selectedFiles(const Options &options,
                                                   QStringList projects) const
{
    for (const QString &dir : options.projectDirs) {
        const QString clean = QDir::cleanPath(QDir(dir).absolutePath());
        if (!projects.contains(clean))
            projects.append(clean);
    }
    QList<ClientConfigFile> files;
    for (const ClientConfigFile &file : clientConfigFiles(m_env, projects)) {
        if (options.clients.isEmpty() || options.clients.contains(file.clientId))
            files.append(file);
    }
    return files;
}

QList<ClientFileStatus> ClientSetup::status(const QStringList &projectDirs) const
{
    SetupManifest manifest(m_configDir);
    manifest.load(nullptr);
    QList<ClientFileStatus> result;
    for (const ClientConfigFile &file :
         selectedFiles({{}, projectDirs, {}}, manifest.projectDirs())) {
        ClientFileStatus status;
        status.file = file;
        status.kind = findClientKind(file.clientId);
        status.installed = !file.installDir.isEmpty() && QFileInfo(file.installDir).isDir();
        status.revertible = manifest.find(file.path) != nullptr;
        const LoadedClientFile loaded = readClientFile(file);
        if (!loaded.exists) {
            result.append(status);
            continue;
        }
        status.installed = true;
        QString error = loaded.readError;
        std::optional<ClientFile> parsed;
        if (error.isEmpty())
            parsed = ClientFile::parse(*status.kind, loaded.text, file.projectDir, &error);
        if (!parsed) {
            status.state = ClientFileStatus::State::Broken;
            status.error = error;
            result.append(status);
            continue;
        }
        status.entries = parsed->entries();
        const bool managed =
            hasEntryOfKind(status.entries, ClientEntry::Kind::Managed) ||
            std::any_of(status.entries.begin(), status.entries.end(), [](const ClientEntry &e) {
                return e.kind == ClientEntry::Kind::Remote &&
                       !httpsetup::frontDoorServer(e.url).isEmpty();
            });
        const bool stdio = hasEntryOfKind(status.entries, ClientEntry::Kind::Stdio);
        status.state = status.entries.isEmpty() ? ClientFileStatus::State::NoServers
                       : managed && stdio       ? ClientFileStatus::State::Partly
                       : managed                ? ClientFileStatus::State::SetUp
                       : stdio                  ? ClientFileStatus::State::NotSetUp
                                                : ClientFileStatus::State::NoServers;
        result.append(status);
    }
    return result;
}

void ClientSetup::planSetup(const Options &options,
                            std::function<void(const SetupPlan &, const QString &)> done)
{
    if (options.transport == SetupTransport::Shim) {
        planWith(options, {}, std::move(done));
        return;
    }
    readHttpTarget([this, options, done](const HttpTarget &target, const QString &error) {
        if (!error.isEmpty())
            return done({}, error);
        planWith(options, target, done);
    });
}

void ClientSetup::planWith(const Options &options, const HttpTarget &target,
                           std::function<void(const SetupPlan &, const QString &)> done)
{
    ServerRegistry registry(m_configDir);
    QString error;
    if (!registry.load(&error)) {
        later([done, error] { done({}, error); });
        return;
    }
    QStringList keys;
    for (const ServerConfig &server : registry.servers()) {
        for (const QString &variable : server.secretEnv)
            keys.append(serverSecretKey(server.name, variable));
    }
    const QList<ClientConfigFile> files = selectedFiles(options, rememberedProjects());
    const auto plan = [this, registry, files, options, target,
                       done](const QHash<QString, QString> &secrets) {
        PlanInput input;
        input.transport = options.transport;
        input.http = target;
        input.registry = registry.servers();
        input.registrySecrets = secrets;
        input.extraSecretNames = options.secretNames;
        input.shimPath = m_shimPath;
        input.defaults = m_defaults;
        QList<LoadedClientFile> loaded;
        for (const ClientConfigFile &file : files)
            loaded.append(readClientFile(file));
        done(manifold::planSetup(input, loaded), QString());
    };
    if (keys.isEmpty() || !m_store) {
        later([plan] { plan({}); });
        return;
    }
    // Secrets of servers already in Manifold take part in "same definition" checks. A failing
    // store only means such servers are not reused.
    m_store->readAll(keys, [plan](const QHash<QString, QString> &values, const QStringList &,
                                  const QStringList &) { plan(values); });
}

void ClientSetup::applySetup(const SetupPlan &plan, std::function<void(const SetupOutcome &)> done)
{
    auto outcome = std::make_shared<SetupOutcome>();
    QList<FilePlan> files;
    for (const FilePlan &file : plan.files) {
        if (!file.changes())
            continue;
        if (readClientFile(file.loaded.file).text != file.loaded.text) {
            outcome->errors.append(QStringLiteral("%1 changed since the preview; run setup again")
                                       .arg(file.loaded.file.path));
            continue;
        }
        files.append(file);
    }
    if (files.isEmpty() && !plan.enableFrontDoor) {
        later([done, outcome] { done(*outcome); });
        return;
    }
    if (plan.transport == SetupTransport::Shim) {
        writeSetup(plan, files, {}, outcome, std::move(done));
        return;
    }
    prepareFrontDoor(
        plan, files, outcome,
        [this, plan, files, outcome, done](const QHash<QString, QString> &tokens) {
            writeSetup(plan, files, tokens, outcome, done);
        },
        [done, outcome] { done(*outcome); });
}

// The rest of applySetup, once the front door is on and the tokens are made (tokens: name ->
// secret, filled in for their placeholders). A token no written file uses is revoked again.
void ClientSetup::writeSetup(const SetupPlan &plan, QList<FilePlan> files,
                             const QHash<QString, QString> &tokens,
                             std::shared_ptr<SetupOutcome> outcome,
                             std::function<void(const SetupOutcome &)> finished)
{
    QHash<QString, QStringList> fileTokens; // path -> tokens its text uses
    for (FilePlan &file : files) {
        for (auto it = tokens.cbegin(); it != tokens.cend(); ++it) {
            const QByteArray placeholder = httpsetup::tokenPlaceholder(it.key());
            if (!file.after.contains(placeholder))
                continue;
            file.after.replace(placeholder, it.value().toUtf8());
            fileTokens[file.loaded.file.path].append(it.key());
        }
    }
    auto used = std::make_shared<QStringList>();
    const auto done = [this, tokens, used, outcome, finished](const SetupOutcome &) {
        QStringList unused;
        for (auto it = tokens.cbegin(); it != tokens.cend(); ++it) {
            if (!used->contains(it.key()))
                unused.append(it.key());
        }
        revokeTokens(unused, outcome, [outcome, finished] { finished(*outcome); });
    };
    if (files.isEmpty()) {
        later([done, outcome] { done(*outcome); });
        return;
    }

    QList<Redacted> redacted;
    QHash<QString, QString> secrets = plan.secretValues;
    QList<QByteArray> values = movedSecretValues(files);
    for (const FilePlan &file : files) {
        // An earlier setup's front door secrets stay out of the backups too.
        for (const QByteArray &secret : httpsetup::tokenSecrets(file.loaded.text)) {
            if (!values.contains(secret))
                values.append(secret);
        }
    }
    for (const FilePlan &file : files) {
        redacted.append(redactFile(file, values));
        secrets.insert(redacted.last().literals);
    }
    if (!secrets.isEmpty() && !m_store) {
        outcome->errors.append(
            QStringLiteral("no keychain to keep secrets in; nothing was changed"));
        later([done, outcome] { done(*outcome); });
        return;
    }

    auto signInNoted = std::make_shared<bool>(false);
    const auto write = [this, plan, files, redacted, outcome, done, fileTokens, used,
                        signInNoted](const QStringList &storeErrors) {
        if (!storeErrors.isEmpty()) {
            outcome->errors.append(QStringLiteral("cannot store secrets in the keychain (%1); "
                                                  "nothing was changed")
                                       .arg(storeErrors.join(QStringLiteral("; "))));
            return done(*outcome);
        }
        QString error;
        if (!m_realShim.isEmpty() && !shimlauncher::install(m_shimPath, m_realShim, &error)) {
            outcome->errors.append(error + QStringLiteral("; nothing was changed"));
            return done(*outcome);
        }
        ServerRegistry registry(m_configDir);
        bool ok = registry.load(&error);
        for (const ServerConfig &server : plan.newServers) {
            ok = ok && registry.add(server, &error);
            if (ok)
                outcome->addedServers.append(server.name);
        }
        if (!ok || !registry.save(&error)) {
            outcome->addedServers.clear();
            outcome->errors.append(QStringLiteral("cannot add the servers to Manifold (%1); "
                                                  "nothing was changed")
                                       .arg(error));
            return done(*outcome);
        }
        SetupManifest manifest(m_configDir);
        if (!manifest.load(&error)) {
            outcome->errors.append(error);
            return done(*outcome);
        }
        for (qsizetype i = 0; i < files.size(); ++i) {
            const FilePlan &file = files.at(i);
            const QString path = file.loaded.file.path;
            SetupGeneration generation;
            generation.time = QDateTime::currentDateTime();
            generation.backup = backupName(file);
            generation.writtenHash = SetupManifest::hash(file.after);
            generation.secretIds = redacted.at(i).ids;
            generation.tokens = fileTokens.value(path);
            for (const EntryPlan &entry : file.entries) {
                if (entry.rewritten)
                    generation.entries.append(recordEntry(file, entry, redacted.at(i).cuts));
            }
            SetupRecord &record =
                manifest.findOrAdd(file.loaded.file.clientId, path, file.loaded.file.projectDir);
            record.generations.append(generation);
            if (!manifest.writeBackup(generation.backup, redacted.at(i).backup, &error) ||
                !manifest.save(&error) || !writeClientFile(path, file.after, &error)) {
                record.generations.removeLast();
                if (record.generations.isEmpty())
                    manifest.removeRecord(path);
                manifest.removeBackup(generation.backup);
                manifest.save(nullptr);
                outcome->errors.append(
                    QStringLiteral("%1: %2; the file is unchanged").arg(path, error));
                continue;
            }
            outcome->written.append(path);
            if (!*signInNoted) {
                for (const QString &note : plan.signInNotes())
                    outcome->notes.append(QStringLiteral("note: ") + note);
                *signInNoted = true;
            }
            *used += generation.tokens;
            if (file.kind->restartRequired &&
                !outcome->restartClients.contains(file.kind->displayName))
                outcome->restartClients.append(file.kind->displayName);
        }
        done(*outcome);
    };
    if (secrets.isEmpty())
        later([write] { write({}); });
    else
        m_store->writeAll(secrets, write);
}

} // namespace manifold
