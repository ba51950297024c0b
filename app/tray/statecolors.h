#pragma once

#include <QColor>
#include <QIcon>
#include <QJsonArray>

class QPalette;

namespace manifold {

// Colours and icons for server states, derived from the current palette so they stay readable
// in light and dark themes. The only place in the tray app that picks colours.
namespace StateColors {

enum class Health { Good, Degraded, Failed };

// The translated name of a broker state ("running", "failed", ...).
QString stateText(const QString &state);
QColor forState(const QString &state, bool unresponsive, const QPalette &palette);
QIcon dot(const QString &state, bool unresponsive, const QPalette &palette);

// Overall health of a status "servers" array: any failed -> Failed; any restarting, starting
// or unresponsive -> Degraded; else Good.
Health health(const QJsonArray &servers);
// The tray/window icon: the Manifold glyph with a badge for the given health.
QIcon appIcon(Health health, const QPalette &palette);

} // namespace StateColors

} // namespace manifold
