#pragma once

#include <QString>

#include <functional>

class QJsonValue;

namespace manifold {

// Text the tray's tables show for durations, times and sizes, shared so every table agrees.
namespace ModelFormat {

// Milliseconds on a monotonic clock; models take one so tests can move time by hand.
using Clock = std::function<qint64()>;
qint64 steadyNowMs();

// What a cell shows when the broker has no value for it.
QString none();
// "45s", "3m 05s", "2h 03m", "4d 02h".
QString duration(qint64 ms);
// "350 ms", "4.2 s", then as duration(): for ages of requests.
QString shortDuration(qint64 ms);
// A size in KiB (the JSON number, absent or null allowed) as "12.3 MiB", or none().
QString memory(const QJsonValue &kb);
// An ISO-8601 time as local "14:03:05" (today) or "2026-01-02 14:03", or none().
QString localTime(const QString &iso);
// An ISO-8601 time as a full local date and time, for tooltips; empty when invalid.
QString fullTime(const QString &iso);

} // namespace ModelFormat

} // namespace manifold
