#include "clients/setupmanifest.h"

#include "platform/atomicfile.h"
#include "platform/runtimepaths.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUuid>

#include <algorithm>

namespace manifold {

namespace {

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

bool writePrivate(const QString &path, const QByteArray &bytes, QString *error)
{
    return platform::ensurePrivateDirectory(QFileInfo(path).absolutePath(), error) &&
           platform::writeFileAtomically(path, bytes, platform::ownerOnly, error);
}

QJsonArray toArray(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

QStringList fromArray(const QJsonValue &value)
{
    QStringList list;
    for (const QJsonValue &item : value.toArray())
        list.append(item.toString());
    return list;
}

QJsonObject generationToJson(const SetupGeneration &generation)
{
    QJsonArray entries;
    for (const SetupGeneration::Entry &entry : generation.entries) {
        entries.append(QJsonObject{
            {QStringLiteral("location"), toArray(entry.location)},
            {QStringLiteral("name"), entry.name},
            {QStringLiteral("server"), entry.server},
            {QStringLiteral("original"), QString::fromLatin1(entry.original.toBase64())}});
    }
    return {{QStringLiteral("time"), generation.time.toString(Qt::ISODate)},
            {QStringLiteral("backup"), generation.backup},
            {QStringLiteral("written"), QString::fromLatin1(generation.writtenHash)},
            {QStringLiteral("entries"), entries},
            {QStringLiteral("secrets"), toArray(generation.secretIds)},
            {QStringLiteral("tokens"), toArray(generation.tokens)}};
}

SetupGeneration generationFromJson(const QJsonObject &object)
{
    SetupGeneration generation;
    generation.time =
        QDateTime::fromString(object.value(QStringLiteral("time")).toString(), Qt::ISODate);
    generation.backup = object.value(QStringLiteral("backup")).toString();
    generation.writtenHash = object.value(QStringLiteral("written")).toString().toLatin1();
    generation.secretIds = fromArray(object.value(QStringLiteral("secrets")));
    generation.tokens = fromArray(object.value(QStringLiteral("tokens")));
    for (const QJsonValue &value : object.value(QStringLiteral("entries")).toArray()) {
        const QJsonObject entry = value.toObject();
        generation.entries.append(
            {fromArray(entry.value(QStringLiteral("location"))),
             entry.value(QStringLiteral("name")).toString(),
             entry.value(QStringLiteral("server")).toString(),
             QByteArray::fromBase64(
                 entry.value(QStringLiteral("original")).toString().toLatin1())});
    }
    return generation;
}

} // namespace

SetupManifest::SetupManifest(const QString &configDir) : m_configDir(configDir) {}

QString SetupManifest::directory() const
{
    return m_configDir + QStringLiteral("/clients");
}

QString SetupManifest::backupsDirectory() const
{
    return directory() + QStringLiteral("/backups");
}

bool SetupManifest::load(QString *error)
{
    m_records.clear();
    QFile file(directory() + QStringLiteral("/setup.json"));
    if (!file.exists())
        return true;
    if (!file.open(QIODevice::ReadOnly))
        return fail(error,
                    QStringLiteral("cannot read %1: %2").arg(file.fileName(), file.errorString()));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!doc.isObject())
        return fail(error, QStringLiteral("%1 is damaged (%2); fix or remove it")
                               .arg(file.fileName(), parseError.errorString()));
    for (const QJsonValue &value : doc.object().value(QStringLiteral("files")).toArray()) {
        const QJsonObject object = value.toObject();
        SetupRecord record;
        record.clientId = object.value(QStringLiteral("client")).toString();
        record.path = object.value(QStringLiteral("path")).toString();
        record.projectDir = object.value(QStringLiteral("projectDir")).toString();
        for (const QJsonValue &generation : object.value(QStringLiteral("generations")).toArray())
            record.generations.append(generationFromJson(generation.toObject()));
        if (!record.path.isEmpty() && !record.generations.isEmpty())
            m_records.append(record);
    }
    return true;
}

bool SetupManifest::save(QString *error) const
{
    QJsonArray files;
    for (const SetupRecord &record : m_records) {
        QJsonArray generations;
        for (const SetupGeneration &generation : record.generations)
            generations.append(generationToJson(generation));
        files.append(QJsonObject{{QStringLiteral("client"), record.clientId},
                                 {QStringLiteral("path"), record.path},
                                 {QStringLiteral("projectDir"), record.projectDir},
                                 {QStringLiteral("generations"), generations}});
    }
    const QJsonObject root{{QStringLiteral("version"), 1}, {QStringLiteral("files"), files}};
    return writePrivate(directory() + QStringLiteral("/setup.json"),
                        QJsonDocument(root).toJson(QJsonDocument::Indented), error);
}

SetupRecord *SetupManifest::find(const QString &path)
{
    for (SetupRecord &record : m_records) {
        if (record.path == path)
            return &record;
    }
    return nullptr;
}

const SetupRecord *SetupManifest::find(const QString &path) const
{
    return const_cast<SetupManifest *>(this)->find(path);
}

SetupRecord &SetupManifest::findOrAdd(const QString &clientId, const QString &path,
                                      const QString &projectDir)
{
    if (SetupRecord *record = find(path))
        return *record;
    m_records.append({clientId, path, projectDir, {}});
    return m_records.last();
}

void SetupManifest::removeRecord(const QString &path)
{
    m_records.erase(std::remove_if(m_records.begin(), m_records.end(),
                                   [&](const SetupRecord &record) { return record.path == path; }),
                    m_records.end());
}

QStringList SetupManifest::projectDirs() const
{
    QStringList dirs;
    for (const SetupRecord &record : m_records) {
        if (!record.projectDir.isEmpty() && !dirs.contains(record.projectDir))
            dirs.append(record.projectDir);
    }
    return dirs;
}

QStringList SetupManifest::tokenNames() const
{
    QStringList names;
    for (const SetupRecord &record : m_records) {
        for (const SetupGeneration &generation : record.generations) {
            for (const QString &token : generation.tokens) {
                if (!names.contains(token))
                    names.append(token);
            }
        }
    }
    return names;
}

bool SetupManifest::writeBackup(const QString &name, const QByteArray &bytes, QString *error) const
{
    return writePrivate(backupsDirectory() + QLatin1Char('/') + name, bytes, error);
}

bool SetupManifest::readBackup(const QString &name, QByteArray *bytes, QString *error) const
{
    QFile file(backupsDirectory() + QLatin1Char('/') + name);
    if (!file.open(QIODevice::ReadOnly))
        return fail(
            error,
            QStringLiteral("cannot read backup %1: %2").arg(file.fileName(), file.errorString()));
    *bytes = file.readAll();
    return true;
}

void SetupManifest::removeBackup(const QString &name) const
{
    if (!name.isEmpty())
        QFile::remove(backupsDirectory() + QLatin1Char('/') + name);
}

QByteArray SetupManifest::hash(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

namespace redaction {

QByteArray placeholder(const QString &id)
{
    return "@@manifold-secret:" + id.toLatin1() + "@@";
}

QString newId()
{
    return QUuid::createUuid().toString(QUuid::Id128);
}

QString secretBackupKey(const QString &id)
{
    return QStringLiteral("client-backup/") + id;
}

QByteArray apply(QByteArray text, QList<Cut> cuts)
{
    std::sort(cuts.begin(), cuts.end(),
              [](const Cut &a, const Cut &b) { return a.span.first > b.span.first; });
    for (const Cut &cut : cuts)
        text.replace(cut.span.first, cut.span.second - cut.span.first, placeholder(cut.id));
    return text;
}

QByteArray hideValues(QByteArray text, const QList<QByteArray> &values,
                      QMap<QString, QByteArray> *literals)
{
    for (const QByteArray &value : values) {
        if (value.size() < 4 || !text.contains(value))
            continue;
        const QString id = newId();
        // Placeholders already in the text must survive: split around them.
        QByteArray result;
        qsizetype from = 0;
        static const QByteArray open = "@@manifold-secret:";
        while (from < text.size()) {
            qsizetype start = text.indexOf(open, from);
            const qsizetype end =
                start < 0 ? text.size() : text.indexOf("@@", start + open.size()) + 2;
            QByteArray plain = text.mid(from, (start < 0 ? text.size() : start) - from);
            plain.replace(value, placeholder(id));
            result += plain;
            if (start < 0)
                break;
            result += text.mid(start, end - start);
            from = end;
        }
        text = result;
        literals->insert(id, value);
    }
    return text;
}

QStringList idsIn(const QByteArray &text)
{
    static const QRegularExpression pattern(QStringLiteral("@@manifold-secret:([0-9a-f]{32})@@"));
    QStringList ids;
    auto it = pattern.globalMatch(QString::fromLatin1(text));
    while (it.hasNext()) {
        const QString id = it.next().captured(1);
        if (!ids.contains(id))
            ids.append(id);
    }
    return ids;
}

bool fill(QByteArray *text, const QMap<QString, QByteArray> &literals, QString *missing)
{
    for (const QString &id : idsIn(*text)) {
        const auto it = literals.constFind(id);
        if (it == literals.constEnd()) {
            if (missing)
                *missing = id;
            return false;
        }
        text->replace(placeholder(id), *it);
    }
    return true;
}

} // namespace redaction

} // namespace manifold
