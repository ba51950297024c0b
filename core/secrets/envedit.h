#pragma once

#include "config/serverconfig.h"

#include <QHash>
#include <QJsonObject>
#include <QMap>
#include <QStringList>

namespace manifold {

// What an `add` or `update` request (docs/wire.md) does to a server's environment: which
// variables stay plain (servers.json) and which are secret (the SecretStore), and which store
// entries to read, write and remove. Pure: no store, no I/O.
struct EnvEdit
{
    QMap<QString, QString> env;      // plain variables of the new definition
    QStringList secretEnv;           // secret variables of the new definition (sorted)
    QHash<QString, QString> toWrite; // variable -> value to put into the store
    QStringList toRead;              // secret variables turning plain: read, then into env
    QStringList toRemove;            // store entries the new definition no longer uses
    QString error;                   // non-empty: the request is refused

    // params: "env" {name: value|null} and "secretEnv" [names], both optional for update.
    // current: the server being updated, nullptr for add. Without "secretEnv", add marks the
    // variables whose names look like secrets, and update keeps each variable's kind (a new
    // variable is marked when its name looks like a secret).
    static EnvEdit plan(const ServerConfig *current, const QJsonObject &params);
    // The same for a remote server's headers: "headers" {name: value|null} and
    // "secretHeaders" [names]; env/secretEnv above then hold headers.
    static EnvEdit planHeaders(const ServerConfig *current, const QJsonObject &params);

private:
    struct Fields;
    static EnvEdit plan(const Fields &fields, const QJsonObject &params);
};

} // namespace manifold
