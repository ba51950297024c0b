#pragma once

#include <QJsonObject>
#include <QString>

// Renders `manifoldctl status` for people: a table of servers, each followed by its running
// instances (key, state, pid, sessions with their clients), and a table of sessions.
QString formatStatus(const QJsonObject &status);
