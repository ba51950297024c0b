#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <utility>

namespace manifold {

// What one setup run changed in one file: enough to put it back.
struct SetupGeneration
{
    struct Entry
    {
        QStringList location; // JSON path (Codex: {name})
        QString name;
        QString server;      // the Manifold server the rewritten entry runs
        QByteArray original; // the entry's text before setup, secrets replaced by placeholders
    };

    QDateTime time;
    QString backup;         // file name in the backups dir (redacted copy of the file before)
    QByteArray writtenHash; // sha256 (hex) of the bytes setup wrote
    QList<Entry> entries;
    QStringList secretIds; // placeholders used by backup and entries
    QStringList tokens;    // front door tokens this run made for the file's URL entries
};

struct SetupRecord
{
    QString clientId;
    QString path;
    QString projectDir;
    QList<SetupGeneration> generations; // oldest first
};

// <configDir>/clients/setup.json (owner-only) and the redacted backups next to it. Secret
// literals never reach these files: they are cut out into placeholders whose text lives in the
// SecretStore under secretBackupKey(id).
class SetupManifest final
{
public:
    explicit SetupManifest(const QString &configDir);

    QString directory() const; // <configDir>/clients
    QString backupsDirectory() const;

    bool load(QString *error); // a missing file is an empty manifest
    bool save(QString *error) const;

    QList<SetupRecord> &records() { return m_records; }
    const QList<SetupRecord> &records() const { return m_records; }
    SetupRecord *find(const QString &path);
    const SetupRecord *find(const QString &path) const;
    SetupRecord &findOrAdd(const QString &clientId, const QString &path, const QString &projectDir);
    void removeRecord(const QString &path);
    QStringList projectDirs() const;
    // Front door tokens named by any generation of any record (setup made them).
    QStringList tokenNames() const;

    bool writeBackup(const QString &name, const QByteArray &bytes, QString *error) const;
    bool readBackup(const QString &name, QByteArray *bytes, QString *error) const;
    void removeBackup(const QString &name) const;

    static QByteArray hash(const QByteArray &bytes);

private:
    QString m_configDir;
    QList<SetupRecord> m_records;
};

// Replacing secret literals by placeholders and back.
namespace redaction {

struct Cut
{
    std::pair<qsizetype, qsizetype> span; // in the text being redacted
    QString id;                           // placeholder id
};

QByteArray placeholder(const QString &id);
// How a secret literal is shown on screen (diff previews): "********", quotes included.
inline const char *const masked = "\"********\"";
QString newId();
QString secretBackupKey(const QString &id); // "client-backup/<id>"
QByteArray apply(QByteArray text, QList<Cut> cuts);
// Replaces every other occurrence of each value (at least 4 bytes) with a new placeholder, so a
// secret that also appears elsewhere in a file (a header of an entry left alone) is hidden too.
// New ids and their literals are added to *literals.
QByteArray hideValues(QByteArray text, const QList<QByteArray> &values,
                      QMap<QString, QByteArray> *literals);
// Replaces every placeholder with its literal; false (and *missing set) if one is unknown.
bool fill(QByteArray *text, const QMap<QString, QByteArray> &literals, QString *missing);
QStringList idsIn(const QByteArray &text);

} // namespace redaction

} // namespace manifold
