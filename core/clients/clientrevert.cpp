// ClientSetup's revert half: puts client files back as they were before setup.
#include "clients/clientsetup.h"

#include "clients/clientwrite.h"
#include "clients/httpsetup.h"
#include "clients/setupmanifest.h"
#include "secrets/secretstore.h"

#include <QFileInfo>

#include <memory>

namespace manifold {

namespace {

using Literals = QMap<QString, QByteArray>; // placeholder id -> secret literal

// Undoes the record's generations on the current text: whole files while the text is still
// exactly what a setup run wrote (byte-exact), then entry by entry for the rest (the user or the
// client changed the file since; their changes stay).
RevertFilePlan planFile(const SetupRecord &record, const SetupManifest &manifest,
                        const Literals &literals)
{
    RevertFilePlan plan;
    plan.clientId = record.clientId;
    plan.path = record.path;
    ClientConfigFile file{record.clientId, record.path, QString(), record.projectDir, QString()};
    const LoadedClientFile loaded = readClientFile(file);
    if (!loaded.exists || !loaded.readError.isEmpty()) {
        plan.error = loaded.exists ? loaded.readError : QStringLiteral("the file is gone");
        return plan;
    }
    plan.before = loaded.text;
    QByteArray text = loaded.text;
    QString error;
    qsizetype g = record.generations.size() - 1;
    while (g >= 0 && SetupManifest::hash(text) == record.generations.at(g).writtenHash) {
        QByteArray backup;
        QString missing;
        if (!manifest.readBackup(record.generations.at(g).backup, &backup, &error))
            break;
        if (!redaction::fill(&backup, literals, &missing)) {
            plan.error = QStringLiteral("a secret of the backup is missing from the keychain (%1)")
                             .arg(missing);
            return plan;
        }
        text = backup;
        --g;
    }
    plan.exact = g < 0;
    if (g >= 0) {
        const ClientKind *kind = findClientKind(record.clientId);
        std::optional<ClientFile> parsed =
            kind ? ClientFile::parse(*kind, text, record.projectDir, &error) : std::nullopt;
        if (!parsed) {
            plan.error = QStringLiteral("does not parse now (%1); the backups are in %2")
                             .arg(error, manifest.backupsDirectory());
            return plan;
        }
        for (; g >= 0; --g) {
            const SetupGeneration &generation = record.generations.at(g);
            for (const SetupGeneration::Entry &recorded : generation.entries) {
                const std::optional<ClientEntry> current = parsed->entry(recorded.location);
                const bool ours =
                    current && ((current->kind == ClientEntry::Kind::Managed &&
                                 current->managedServer == recorded.server) ||
                                (current->kind == ClientEntry::Kind::Remote &&
                                 httpsetup::isFrontDoorUrl(current->url, recorded.server)));
                if (!ours) {
                    plan.notes.append(QStringLiteral("\"%1\" changed since setup; left as it is")
                                          .arg(recorded.name));
                    continue;
                }
                QByteArray original = recorded.original;
                QString missing;
                if (!redaction::fill(&original, literals, &missing) ||
                    !parsed->restoreEntryText(*current, original, &error)) {
                    plan.notes.append(
                        QStringLiteral("\"%1\" cannot be put back (%2)")
                            .arg(recorded.name,
                                 missing.isEmpty()
                                     ? error
                                     : QStringLiteral("secret missing from the keychain")));
                }
            }
        }
        text = parsed->text();
    }
    plan.after = text;
    plan.maskedAfter = httpsetup::maskTokens(text);
    for (const QByteArray &literal : literals) {
        if (!literal.isEmpty())
            plan.maskedAfter.replace(literal, redaction::masked);
    }
    return plan;
}

} // namespace

void ClientSetup::planRevert(const Options &options,
                             std::function<void(const RevertPlan &, const QString &)> done)
{
    auto manifest = std::make_shared<SetupManifest>(m_configDir);
    QString error;
    if (!manifest->load(&error)) {
        later([done, error] { done({}, error); });
        return;
    }
    QList<SetupRecord> records;
    QStringList keys;
    QStringList tokens;     // made for the files reverted
    QStringList keptTokens; // still used by files not reverted
    for (const SetupRecord &record : manifest->records()) {
        const bool chosen = options.clients.isEmpty() || options.clients.contains(record.clientId);
        for (const SetupGeneration &generation : record.generations)
            (chosen ? tokens : keptTokens) += generation.tokens;
        if (!chosen)
            continue;
        records.append(record);
        for (const SetupGeneration &generation : record.generations) {
            for (const QString &id : generation.secretIds)
                keys.append(redaction::secretBackupKey(id));
        }
    }
    tokens.removeDuplicates();
    for (const QString &kept : keptTokens)
        tokens.removeAll(kept);
    const auto plan = [manifest, records, tokens, done](const QHash<QString, QString> &values,
                                                        const QStringList &errors) {
        Literals literals;
        for (auto it = values.cbegin(); it != values.cend(); ++it)
            literals.insert(it.key().section(QLatin1Char('/'), 1), it.value().toUtf8());
        RevertPlan result;
        result.tokens = tokens;
        for (const SetupRecord &record : records)
            result.files.append(planFile(record, *manifest, literals));
        done(result, errors.isEmpty()
                         ? QString()
                         : QStringLiteral("keychain: ") + errors.join(QStringLiteral("; ")));
    };
    if (keys.isEmpty() || !m_store) {
        later([plan] { plan({}, {}); });
        return;
    }
    m_store->readAll(keys, [plan](const QHash<QString, QString> &values, const QStringList &,
                                  const QStringList &errors) { plan(values, errors); });
}

void ClientSetup::applyRevert(const RevertPlan &plan,
                              std::function<void(const SetupOutcome &)> done)
{
    auto outcome = std::make_shared<SetupOutcome>();
    SetupManifest manifest(m_configDir);
    QString error;
    if (!manifest.load(&error)) {
        outcome->errors.append(error);
        later([done, outcome] { done(*outcome); });
        return;
    }
    QStringList forgotten; // keychain keys of backups no longer needed
    for (const RevertFilePlan &file : plan.files) {
        if (!file.error.isEmpty()) {
            outcome->errors.append(QStringLiteral("%1: %2").arg(file.path, file.error));
            continue;
        }
        ClientConfigFile config{file.clientId, file.path, QString(), QString(), QString()};
        if (readClientFile(config).text != file.before) {
            outcome->errors.append(
                QStringLiteral("%1 changed since the preview; run revert again").arg(file.path));
            continue;
        }
        if (file.changes() && !writeClientFile(file.path, file.after, &error)) {
            outcome->errors.append(
                QStringLiteral("%1: %2; the file is unchanged").arg(file.path, error));
            continue;
        }
        if (file.changes())
            outcome->written.append(file.path);
        if (const SetupRecord *record = manifest.find(file.path)) {
            for (const SetupGeneration &generation : record->generations) {
                manifest.removeBackup(generation.backup);
                for (const QString &id : generation.secretIds)
                    forgotten.append(redaction::secretBackupKey(id));
            }
            const ClientKind *kind = findClientKind(record->clientId);
            if (kind && kind->restartRequired && file.changes() &&
                !outcome->restartClients.contains(kind->displayName))
                outcome->restartClients.append(kind->displayName);
        }
        manifest.removeRecord(file.path);
    }
    if (!manifest.save(&error))
        outcome->errors.append(error);
    // A token goes once no file setup wrote uses it any more (a file that failed keeps its own).
    QStringList revoke = plan.tokens;
    for (const QString &kept : manifest.tokenNames())
        revoke.removeAll(kept);
    const auto finish = [this, revoke, outcome, done] {
        revokeTokens(revoke, outcome, [done, outcome] { done(*outcome); });
    };
    if (forgotten.isEmpty() || !m_store) {
        later(finish);
        return;
    }
    m_store->removeAll(forgotten, [finish](const QStringList &) { finish(); });
}

} // namespace manifold
