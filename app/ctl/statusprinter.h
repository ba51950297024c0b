#pragma once

#include <QJsonObject>
#include <QString>

// Renders `manifoldctl status` for people: one table of servers, one of sessions.
QString formatStatus(const QJsonObject &status);
