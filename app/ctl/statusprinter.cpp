#include "statusprinter.h"

#include <QJsonArray>
#include <QStringList>

#include "control/instancestatus.h"

using namespace manifold;

namespace {

QString formatUptime(qint64 ms)
{
    if (ms <= 0)
        return QStringLiteral("-");
    const qint64 s = ms / 1000;
    if (s < 60)
        return QStringLiteral("%1s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1m%2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1h%2m").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

QStringList tableLines(const QList<QStringList> &rows)
{
    QList<int> widths;
    for (const QStringList &row : rows) {
        for (int i = 0; i < row.size(); ++i) {
            if (widths.size() <= i)
                widths.append(0);
            widths[i] = qMax(widths[i], int(row[i].size()));
        }
    }
    QStringList lines;
    for (const QStringList &row : rows) {
        QStringList cells;
        for (int i = 0; i < row.size(); ++i)
            cells.append(i + 1 < row.size() ? row[i].leftJustified(widths[i]) : row[i]);
        lines.append(cells.join(QStringLiteral("  ")).trimmed());
    }
    return lines;
}

QString table(const QList<QStringList> &rows)
{
    return tableLines(rows).join(QLatin1Char('\n')) + QLatin1Char('\n');
}

QString orDash(const QJsonValue &value)
{
    if (value.isNull() || value.isUndefined())
        return QStringLiteral("-");
    if (value.isDouble())
        return QString::number(value.toInteger());
    const QString text = value.toString();
    return text.isEmpty() ? QStringLiteral("-") : text;
}

// Clients whose environment lacks the override reach the per-user default broker instead.
QString socketSourceNote(const QString &source)
{
    if (source.isEmpty())
        return {};   // a broker from before socketSource existed
    if (source == QLatin1String("default"))
        return QStringLiteral(" (default)");
    return QStringLiteral(" (from %1, not the per-user default)").arg(source);
}

// "3 (claude-code), 5 (gemini-cli-mcp-client)"
QString describeSessions(const QList<qint64> &ids, const QJsonArray &sessions)
{
    QStringList described;
    for (qint64 id : ids) {
        QString client;
        for (const QJsonValue &value : sessions) {
            const QJsonObject session = value.toObject();
            if (session.value(QStringLiteral("id")).toInteger() != id)
                continue;
            client = session.value(QStringLiteral("clientName")).toString();
            if (client.isEmpty()) // before its initialize: the program that started the shim
                client = session.value(QStringLiteral("parentExe")).toString().section(QLatin1Char('/'), -1);
        }
        described.append(client.isEmpty() ? QString::number(id)
                                          : QStringLiteral("%1 (%2)").arg(id).arg(client));
    }
    return described.isEmpty() ? QStringLiteral("none") : described.join(QStringLiteral(", "));
}

// One line per instance that runs or serves anyone, under its server's row.
// How a session reaches the broker: "shim PID", or "http TOKEN from ADDRESS:PORT" (also sse).
QString viaOf(const QJsonObject &session)
{
    const QString transport = session.value(QStringLiteral("transport")).toString(QStringLiteral("shim"));
    if (transport == QLatin1String("shim"))
        return QStringLiteral("shim ") + orDash(session.value(QStringLiteral("shimPid")));
    return QStringLiteral("%1 %2 from %3")
        .arg(transport, session.value(QStringLiteral("tokenName")).toString(),
             session.value(QStringLiteral("remoteAddress")).toString());
}

QStringList instanceLines(const QJsonObject &server, const QJsonArray &sessions)
{
    QStringList lines;
    const QString name = server.value(QStringLiteral("name")).toString();
    for (const QJsonValue &value : server.value(QStringLiteral("instances")).toArray()) {
        const QJsonObject instance = value.toObject();
        const QList<qint64> ids = instanceSessionIds(name, instance, sessions);
        const QJsonValue pid = instance.value(QStringLiteral("pid"));
        if (ids.isEmpty() && (pid.isNull() || pid.isUndefined()))
            continue;
        lines.append(QStringLiteral("  instance %1: %2, pid %3, sessions %4")
                         .arg(instanceLabel(instance),
                              instance.value(QStringLiteral("state")).toString(), orDash(pid),
                              describeSessions(ids, sessions)));
    }
    return lines;
}

// A remote server's line under its row: where it is, and its sign-in when it has one.
QString remoteLine(const QJsonObject &server)
{
    const QString url = server.value(QStringLiteral("url")).toString();
    if (url.isEmpty())
        return {};
    QString line = QStringLiteral("  remote %1 (%2)").arg(url, server.value(QStringLiteral("transport")).toString());
    const QJsonObject auth = server.value(QStringLiteral("auth")).toObject();
    const QString state = auth.value(QStringLiteral("state")).toString();
    if (state == QLatin1String("signed-in") || state == QLatin1String("refreshing"))
        line += QStringLiteral(", signed in at %1").arg(auth.value(QStringLiteral("issuer")).toString());
    else if (state == QLatin1String("signing-in"))
        line += QStringLiteral(", waiting for sign-in: %1").arg(auth.value(QStringLiteral("signInUrl")).toString());
    else if (state == QLatin1String("sign-in-required"))
        line += QStringLiteral(", SIGN-IN REQUIRED: %1").arg(auth.value(QStringLiteral("message")).toString());
    return line;
}

} // namespace

QString formatStatus(const QJsonObject &status)
{
    const QJsonObject broker = status.value(QStringLiteral("broker")).toObject();
    QString out = QStringLiteral("Manifold %1, broker pid %2, socket %3%4\n")
                      .arg(broker.value(QStringLiteral("version")).toString())
                      .arg(broker.value(QStringLiteral("pid")).toInteger())
                      .arg(broker.value(QStringLiteral("socket")).toString(),
                           socketSourceNote(broker.value(QStringLiteral("socketSource")).toString()));
    const QJsonObject defaults = broker.value(QStringLiteral("defaults")).toObject();
    if (defaults.contains(QStringLiteral("maxQueuedBytes")))
        out += QStringLiteral("Unread bytes allowed per client: %1 MiB (%2; a server may set its own)\n")
                   .arg(double(defaults.value(QStringLiteral("maxQueuedBytes")).toInteger()) / (1024 * 1024), 0, 'g', 4)
                   .arg(defaults.value(QStringLiteral("maxQueuedBytesSource")).toString());
    if (broker.contains(QStringLiteral("registryError")))
        out += QStringLiteral("WARNING: %1\n").arg(broker.value(QStringLiteral("registryError")).toString());

    QList<QStringList> servers{{QStringLiteral("SERVER"), QStringLiteral("STATE"), QStringLiteral("PID"),
                                QStringLiteral("UPTIME"), QStringLiteral("RESTARTS"), QStringLiteral("SESSIONS"),
                                QStringLiteral("IN-FLIGHT"), QStringLiteral("LAST HEARTBEAT")}};
    for (const QJsonValue &value : status.value(QStringLiteral("servers")).toArray()) {
        const QJsonObject s = value.toObject();
        QString state = s.value(QStringLiteral("state")).toString();
        if (s.value(QStringLiteral("unresponsive")).toBool())
            state += QStringLiteral(" (unresponsive)");
        servers.append({s.value(QStringLiteral("name")).toString(), state, orDash(s.value(QStringLiteral("pid"))),
                        formatUptime(s.value(QStringLiteral("uptimeMs")).toInteger()),
                        orDash(s.value(QStringLiteral("restarts"))), orDash(s.value(QStringLiteral("sessions"))),
                        orDash(s.value(QStringLiteral("inFlight"))), orDash(s.value(QStringLiteral("lastHeartbeat")))});
    }
    const QJsonArray sessionList = status.value(QStringLiteral("sessions")).toArray();
    const QJsonArray serverList = status.value(QStringLiteral("servers")).toArray();
    const QStringList serverLines = tableLines(servers);
    out += QLatin1Char('\n') + serverLines.first() + QLatin1Char('\n');
    for (qsizetype i = 1; i < serverLines.size(); ++i) {
        out += serverLines.at(i) + QLatin1Char('\n');
        if (const QString remote = remoteLine(serverList.at(i - 1).toObject()); !remote.isEmpty())
            out += remote + QLatin1Char('\n');
        for (const QString &line : instanceLines(serverList.at(i - 1).toObject(), sessionList))
            out += line + QLatin1Char('\n');
    }

    if (sessionList.isEmpty())
        return out + QStringLiteral("\nNo sessions connected.\n");
    QList<QStringList> sessions{{QStringLiteral("SESSION"), QStringLiteral("SERVER"), QStringLiteral("INSTANCE"),
                                 QStringLiteral("CLIENT"), QStringLiteral("VIA"),
                                 QStringLiteral("CONNECTED SINCE"), QStringLiteral("REQUESTS")}};
    for (const QJsonValue &value : sessionList) {
        const QJsonObject s = value.toObject();
        const QString client = (s.value(QStringLiteral("clientName")).toString() + QLatin1Char(' ') +
                                s.value(QStringLiteral("clientVersion")).toString())
                                   .trimmed();
        sessions.append({orDash(s.value(QStringLiteral("id"))), s.value(QStringLiteral("server")).toString(),
                         orDash(s.value(QStringLiteral("instance"))), client.isEmpty() ? QStringLiteral("-") : client, viaOf(s),
                         s.value(QStringLiteral("connectedSince")).toString(),
                         orDash(s.value(QStringLiteral("requestsServed")))});
    }
    out += QLatin1Char('\n') + table(sessions);
    for (const QJsonValue &value : sessionList) {
        const QJsonObject s = value.toObject();
        if (!s.value(QStringLiteral("versionMismatch")).toBool())
            continue;
        out += QStringLiteral("WARNING: session %1 runs manifold-shim %2, the broker is %3; restart %4 to use the "
                              "installed version\n")
                   .arg(orDash(s.value(QStringLiteral("id"))), s.value(QStringLiteral("shimVersion")).toString(),
                        broker.value(QStringLiteral("version")).toString(),
                        s.value(QStringLiteral("clientName")).toString().isEmpty()
                            ? QStringLiteral("its MCP client")
                            : s.value(QStringLiteral("clientName")).toString());
    }
    return out;
}
