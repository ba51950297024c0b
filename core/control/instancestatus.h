#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace manifold {

// Reading the instances of a server in status JSON (`manifoldctl status --json`, BrokerView),
// the same way in manifoldctl and the tray window.

// The instance's key for people: its "key" ("project /home/u/app"), else its "keyParts"
// ("client claude-code"), else "shared".
QString instanceLabel(const QJsonObject &instance);

// The ids of the sessions an instance serves: its "sessions" list, else (a broker that only
// counts them) the sessions of `server` whose "instance" is the instance's key.
QList<qint64> instanceSessionIds(const QString &server, const QJsonObject &instance,
                                 const QJsonArray &sessions);

// How many sessions an instance serves, whether "sessions" lists or counts them.
qint64 instanceSessionCount(const QJsonObject &instance);

} // namespace manifold
