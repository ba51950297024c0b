#include "control/trafficcontrol.h"

#include "broker/broker.h"
#include "jsonrpc/jsonrpc.h"

#include <QJsonArray>

#include <algorithm>

namespace manifold::trafficcontrol {

namespace {

constexpr int UnknownServer = -32001;

ControlService::Reply ok(QJsonObject result)
{
    return {std::move(result), 0, {}};
}

ControlService::Reply failure(int code, const QString &message)
{
    return {{}, code, message};
}

// The servers a call is about: one by name, or all of them (name absent or empty).
bool groupsFor(Broker *broker, const QJsonObject &params, QList<ServerGroup *> *groups, QString *error)
{
    const QString name = params.value(QStringLiteral("name")).toString();
    if (name.isEmpty()) {
        for (const QString &server : broker->serverNames())
            groups->append(broker->group(server));
        return true;
    }
    if (ServerGroup *group = broker->group(name)) {
        groups->append(group);
        return true;
    }
    *error = QStringLiteral("no server named '%1'; known: %2").arg(name, broker->serverNames().join(QStringLiteral(", ")));
    return false;
}

struct Picked
{
    qint64 timeUs;
    const TrafficRecorder *recorder;
    const TrafficRecord *record;
};

ControlService::Reply traffic(const QList<ServerGroup *> &groups, const QJsonObject &params)
{
    const QJsonObject after = params.value(QStringLiteral("after")).toObject();
    const qsizetype limit = qBound(1, params.value(QStringLiteral("limit")).toInt(DefaultLimit), MaxLimit);
    const bool skipOld = params.value(QStringLiteral("skipOld")).toBool();
    const bool bodies = params.value(QStringLiteral("bodies")).toBool();

    QList<Picked> picked;
    QJsonObject cursor;
    qint64 missed = 0, skipped = 0;
    bool more = false;
    QHash<const TrafficRecorder *, quint64> from;   // per server: the cursor it came with
    for (const ServerGroup *group : groups) {
        const TrafficRecorder &recorder = group->traffic();
        const TrafficRing &ring = recorder.ring();
        quint64 seen = quint64(after.value(recorder.server()).toInteger(0));
        if (seen > ring.lastSeq())
            seen = 0;   // numbered by another broker (restarted): everything is new
        from.insert(&recorder, seen);
        cursor.insert(recorder.server(), qint64(seen));
        const quint64 start = std::max(seen + 1, ring.firstSeq());
        missed += qint64(start - (seen + 1));
        if (ring.isEmpty() || start > ring.lastSeq())
            continue;
        const quint64 waiting = ring.lastSeq() - start + 1;
        const quint64 take = std::min<quint64>(waiting, quint64(limit));
        if (waiting > take) {
            if (skipOld)
                skipped += qint64(waiting - take);
            else
                more = true;
        }
        const quint64 first = skipOld ? ring.lastSeq() - take + 1 : start;
        for (quint64 seq = first; seq < first + take; ++seq) {
            const TrafficRecord *record = recorder.find(seq);
            picked.append({record->timeUs, &recorder, record});
        }
        if (skipOld)
            cursor.insert(recorder.server(), qint64(ring.lastSeq()));   // older ones are skipped
    }
    // One time line across servers; each server's records are in order already.
    std::stable_sort(picked.begin(), picked.end(),
                     [](const Picked &a, const Picked &b) { return a.timeUs < b.timeUs; });
    if (picked.size() > limit) {
        const qsizetype excess = picked.size() - limit;
        if (skipOld) {
            skipped += excess;
            picked.erase(picked.begin(), picked.begin() + excess);
        } else {
            more = true;
            picked.erase(picked.end() - excess, picked.end());
        }
    }
    QJsonArray records;
    for (const Picked &item : picked) {
        const TrafficRecorder *recorder = item.recorder;
        records.append(item.record->toJson(
            recorder->server(), [recorder](const QByteArray &text) { return recorder->masked(text); }, bodies));
        if (!skipOld)
            cursor.insert(recorder->server(), qint64(item.record->seq));
    }
    return ok({{QStringLiteral("records"), records},
               {QStringLiteral("cursor"), cursor},
               {QStringLiteral("missed"), missed},
               {QStringLiteral("skipped"), skipped},
               {QStringLiteral("more"), more}});
}

ControlService::Reply body(const ServerGroup *group, const QJsonObject &params)
{
    const TrafficRecorder &recorder = group->traffic();
    const quint64 seq = quint64(params.value(QStringLiteral("seq")).toInteger(0));
    const TrafficRecord *record = recorder.find(seq);
    if (!record) {
        return failure(jsonrpc::InvalidParams,
                       QStringLiteral("record %1 of server '%2' is no longer kept (the traffic memory limit)")
                           .arg(seq)
                           .arg(recorder.server()));
    }
    if (record->body.isEmpty()) {
        return failure(jsonrpc::InvalidParams,
                       QStringLiteral("no body was kept for record %1: body capture was off for server '%2' "
                                      "(manifoldctl set %2 captureBodies true)")
                           .arg(seq)
                           .arg(recorder.server()));
    }
    return ok({{QStringLiteral("seq"), qint64(seq)},
               {QStringLiteral("body"), QString::fromUtf8(recorder.masked(record->body))},
               {QStringLiteral("size"), record->sizeBytes},
               {QStringLiteral("truncated"), record->bodyTruncated}});
}

ControlService::Reply health(const QList<ServerGroup *> &groups)
{
    QJsonArray servers;
    for (ServerGroup *group : groups) {
        group->sampleHealth();   // the memory as it is now
        const TrafficRecorder &recorder = group->traffic();
        QJsonObject entry = recorder.health().toJson(recorder.nowUs() / 1000);
        entry.insert(QStringLiteral("name"), recorder.server());
        servers.append(entry);
    }
    return ok({{QStringLiteral("servers"), servers}});
}

} // namespace

bool handles(const QString &method)
{
    return method == QLatin1String("traffic") || method == QLatin1String("trafficBody") ||
           method == QLatin1String("trafficClear") || method == QLatin1String("health");
}

ControlService::Reply call(Broker *broker, const QString &method, const QJsonObject &params)
{
    QList<ServerGroup *> groups;
    QString error;
    const bool needsOne = method == QLatin1String("trafficBody") || method == QLatin1String("trafficClear");
    if (needsOne && params.value(QStringLiteral("name")).toString().isEmpty())
        return failure(jsonrpc::InvalidParams, QStringLiteral("%1 needs a server name").arg(method));
    if (!groupsFor(broker, params, &groups, &error))
        return failure(UnknownServer, error);
    if (method == QLatin1String("traffic"))
        return traffic(groups, params);
    if (method == QLatin1String("health"))
        return health(groups);
    if (method == QLatin1String("trafficBody"))
        return body(groups.first(), params);
    groups.first()->traffic().clear();
    return ok({{QStringLiteral("ok"), true}});
}

} // namespace manifold::trafficcontrol
