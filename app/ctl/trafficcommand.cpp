#include "trafficcommand.h"

#include "controlclient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

namespace manifold::ctl {

const char *const TrafficUsage =
    "  traffic [NAME] [--follow] [--json] [--bodies] [--limit N] [--errors] [--slow MS]\n"
    "                                                the messages the broker relayed (all servers\n"
    "                                                without NAME): the newest N (50) as a table, "
    "or\n"
    "                                                --json as JSON Lines; --follow keeps polling "
    "(every\n"
    "                                                200 ms: a slow terminal just polls less, the "
    "broker\n"
    "                                                never queues for it) until Ctrl-C; --bodies "
    "adds the\n"
    "                                                masked bodies (after set NAME captureBodies "
    "true)\n";

namespace {

constexpr int PollIntervalMs = 200;
constexpr int PollLimit = 500;
constexpr int MaxLimit = 5000;

std::atomic<bool> g_interrupted{false};

void onInterrupt(int)
{
    g_interrupted = true;
}

int fail(const QString &message, int code)
{
    std::fprintf(stderr, "manifoldctl: %s\n", qPrintable(message));
    return code;
}

QString idText(const QJsonValue &id)
{
    if (id.isDouble())
        return QString::number(id.toInteger());
    if (id.isString())
        return id.toString();
    return QString();
}

QString statusText(const QJsonObject &record)
{
    const QString kind = record.value(QLatin1String("kind")).toString();
    const QString broker = record.value(QLatin1String("byBroker")).toBool()
                               ? QStringLiteral(" (Manifold)")
                               : QString();
    if (kind == QLatin1String("result"))
        return QStringLiteral("ok") + broker;
    if (kind == QLatin1String("error"))
        return QStringLiteral("error %1: %2%3")
            .arg(record.value(QLatin1String("errorCode")).toInteger())
            .arg(record.value(QLatin1String("errorMessage")).toString(), broker);
    if (kind == QLatin1String("notification"))
        return QStringLiteral("notification");
    return QString();
}

// One `traffic` call; false with *error (the broker's message, or that it went away).
bool fetch(ControlClient &client, const QJsonObject &params, QJsonObject *result, QString *error)
{
    return client.call(QStringLiteral("traffic"), params, result, error);
}

// Prints the records that pass the filters; returns how many were printed.
int printRecords(const QJsonArray &records, const TrafficOptions &options, int newestOnly = -1)
{
    QList<QJsonObject> shown;
    for (const QJsonValue &value : records) {
        const QJsonObject record = value.toObject();
        if (trafficRecordMatches(record, options))
            shown.append(record);
    }
    if (newestOnly >= 0 && shown.size() > newestOnly)
        shown = shown.mid(shown.size() - newestOnly);
    for (const QJsonObject &record : shown) {
        if (options.json) {
            std::printf("%s\n", QJsonDocument(record).toJson(QJsonDocument::Compact).constData());
            continue;
        }
        std::printf("%s\n", qPrintable(formatTrafficRow(record, options.name.isEmpty())));
        if (options.bodies && record.contains(QLatin1String("body")))
            std::printf("    %s\n", qPrintable(record.value(QLatin1String("body")).toString()));
    }
    std::fflush(stdout);
    return int(shown.size());
}

void reportGaps(const QJsonObject &result, const TrafficOptions &options)
{
    // With --json on stderr, so that stdout stays pure JSON Lines.
    FILE *out = options.json ? stderr : stdout;
    const qint64 missed = result.value(QLatin1String("missed")).toInteger();
    if (missed > 0)
        std::fprintf(out, "\u2026 %lld records dropped (memory limit)\n",
                     static_cast<long long>(missed));
    std::fflush(out);
}

} // namespace

QString parseTrafficArgs(QStringList args, TrafficOptions *options)
{
    while (!args.isEmpty()) {
        const QString arg = args.takeFirst();
        const bool hasValue = !args.isEmpty();
        if (arg == QLatin1String("--follow") || arg == QLatin1String("-f")) {
            options->follow = true;
        } else if (arg == QLatin1String("--json")) {
            options->json = true;
        } else if (arg == QLatin1String("--bodies")) {
            options->bodies = true;
        } else if (arg == QLatin1String("--errors")) {
            options->errorsOnly = true;
        } else if (arg == QLatin1String("--limit") && hasValue) {
            bool ok = false;
            options->limit = args.takeFirst().toInt(&ok);
            if (!ok || options->limit < 1 || options->limit > MaxLimit)
                return QStringLiteral("traffic --limit wants a number from 1 to %1").arg(MaxLimit);
        } else if (arg == QLatin1String("--slow") && hasValue) {
            bool ok = false;
            options->slowMs = args.takeFirst().toDouble(&ok);
            if (!ok || options->slowMs < 0)
                return QStringLiteral("traffic --slow wants a duration in milliseconds");
        } else if (!arg.startsWith(QLatin1Char('-')) && options->name.isEmpty()) {
            options->name = arg;
        } else {
            return QStringLiteral("traffic: unexpected '%1'; usage:\n%2")
                .arg(arg, QString::fromLatin1(TrafficUsage));
        }
    }
    return QString();
}

bool trafficRecordMatches(const QJsonObject &record, const TrafficOptions &options)
{
    if (options.errorsOnly &&
        record.value(QLatin1String("kind")).toString() != QLatin1String("error"))
        return false;
    if (options.slowMs >= 0) {
        const QJsonValue duration = record.value(QLatin1String("durationMs"));
        if (!duration.isDouble() || duration.toDouble() < options.slowMs)
            return false;
    }
    return true;
}

namespace {
// One table line; the header and the rows share it, so their columns line up.
QString tableLine(const QString &time, const QString &server, const QString &who,
                  const QString &arrow, const QString &method, const QString &id, const QString &ms,
                  const QString &bytes, const QString &status)
{
    return QStringLiteral("%1 %2%3 %4 %5 %6 %7 %8 %9")
        .arg(time.leftJustified(12),
             server.isNull() ? QString() : server.leftJustified(16) + QLatin1Char(' '),
             who.leftJustified(21), arrow, method.leftJustified(28), id.leftJustified(8),
             ms.rightJustified(9), bytes.rightJustified(8), status)
        .trimmed();
}
} // namespace

QString trafficHeader(bool withServer)
{
    return tableLine(QStringLiteral("TIME"), withServer ? QStringLiteral("SERVER") : QString(),
                     QStringLiteral("CLIENT#SESSION"), QStringLiteral(" "),
                     QStringLiteral("METHOD"), QStringLiteral("ID"), QStringLiteral("MS"),
                     QStringLiteral("BYTES"), QStringLiteral("STATUS"));
}

QString formatTrafficRow(const QJsonObject &record, bool withServer)
{
    const qint64 timeUs = record.value(QLatin1String("timeUs")).toInteger();
    const QString time = timeUs > 0 ? QDateTime::fromMSecsSinceEpoch(timeUs / 1000)
                                          .toLocalTime()
                                          .toString(QStringLiteral("HH:mm:ss.zzz"))
                                    : record.value(QLatin1String("time")).toString();
    QString client = record.value(QLatin1String("client")).toString();
    if (client.isEmpty())
        client = QStringLiteral("?");
    const qint64 session = record.value(QLatin1String("session")).toInteger();
    const QString who = session > 0 ? QStringLiteral("%1#%2").arg(client).arg(session) : client;
    const bool toServer =
        record.value(QLatin1String("direction")).toString() == QLatin1String("to-server");
    const QJsonValue duration = record.value(QLatin1String("durationMs"));
    const QString ms =
        duration.isDouble() ? QString::number(duration.toDouble(), 'f', 1) : QString();
    return tableLine(
        time, withServer ? record.value(QLatin1String("server")).toString() : QString(), who,
        toServer ? QStringLiteral("\u2192") : QStringLiteral("\u2190"),
        record.value(QLatin1String("method")).toString(), idText(record.value(QLatin1String("id"))),
        ms, QString::number(record.value(QLatin1String("size")).toInteger()), statusText(record));
}

int runTrafficCommand(const QStringList &args, const TrafficConnector &connect)
{
    TrafficOptions options;
    const QString usageError = parseTrafficArgs(args, &options);
    if (!usageError.isEmpty())
        return fail(usageError, 2);
    QString error;
    std::unique_ptr<ControlClient> client = connect(&error);
    if (!client)
        return fail(error, 1);

    QJsonObject params{{QStringLiteral("name"), options.name}};
    if (options.bodies)
        params.insert(QStringLiteral("bodies"), true);
    // The newest N; with a filter, the newest N that pass it among as many as the broker gives.
    const bool filtered = options.errorsOnly || options.slowMs >= 0;
    params.insert(QStringLiteral("limit"), filtered ? MaxLimit : options.limit);
    params.insert(QStringLiteral("skipOld"), true);
    QJsonObject result;
    if (!fetch(*client, params, &result, &error))
        return fail(error, 1);
    if (!options.json)
        std::printf("%s\n", qPrintable(trafficHeader(options.name.isEmpty())));
    printRecords(result.value(QLatin1String("records")).toArray(), options, options.limit);
    if (!options.follow)
        return 0;

    // Following: poll with the cursor. Printing blocks on a slow terminal or pipe, which makes the
    // next poll later; the broker keeps nothing for us meanwhile (its ring drops the oldest, and
    // the next answer says how many in "missed").
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    params.insert(QStringLiteral("skipOld"), false);
    params.insert(QStringLiteral("limit"), PollLimit);
    while (!g_interrupted) {
        params.insert(QStringLiteral("after"), result.value(QLatin1String("cursor")).toObject());
        if (!fetch(*client, params, &result, &error)) {
            if (g_interrupted)
                break;
            return fail(
                QStringLiteral("traffic: stopped following, the broker went away or failed: %1")
                    .arg(error),
                1);
        }
        reportGaps(result, options);
        printRecords(result.value(QLatin1String("records")).toArray(), options);
        if (!result.value(QLatin1String("more")).toBool())
            std::this_thread::sleep_for(std::chrono::milliseconds(PollIntervalMs));
    }
    return 0;
}

} // namespace manifold::ctl
