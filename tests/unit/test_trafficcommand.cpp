// manifoldctl traffic's pure parts: its arguments, its filters and its table rows.
#include "trafficcommand.h"

#include <QJsonObject>

#include <gtest/gtest.h>

using namespace manifold::ctl;

namespace {

QJsonObject answer(const QString &kind, double durationMs)
{
    return QJsonObject{{QStringLiteral("server"), QStringLiteral("memory")},
                       {QStringLiteral("seq"), 42},
                       {QStringLiteral("timeUs"), qint64(1796000000123456)},
                       {QStringLiteral("session"), 7},
                       {QStringLiteral("client"), QStringLiteral("claude-code")},
                       {QStringLiteral("direction"), QStringLiteral("from-server")},
                       {QStringLiteral("kind"), kind},
                       {QStringLiteral("method"), QStringLiteral("tools/call")},
                       {QStringLiteral("id"), 5},
                       {QStringLiteral("size"), 1234},
                       {QStringLiteral("durationMs"), durationMs},
                       {QStringLiteral("requestSeq"), 41}};
}

} // namespace

TEST(TrafficCommand, ParsesItsOptions)
{
    TrafficOptions options;
    EXPECT_EQ(parseTrafficArgs(
                  {QStringLiteral("memory"), QStringLiteral("--follow"), QStringLiteral("--json"),
                   QStringLiteral("--bodies"), QStringLiteral("--limit"), QStringLiteral("20"),
                   QStringLiteral("--errors"), QStringLiteral("--slow"), QStringLiteral("250")},
                  &options),
              QString());
    EXPECT_EQ(options.name, QStringLiteral("memory"));
    EXPECT_TRUE(options.follow && options.json && options.bodies && options.errorsOnly);
    EXPECT_EQ(options.limit, 20);
    EXPECT_DOUBLE_EQ(options.slowMs, 250.0);

    TrafficOptions all;
    EXPECT_EQ(parseTrafficArgs({}, &all), QString());
    EXPECT_TRUE(all.name.isEmpty());
    EXPECT_EQ(all.limit, 50);
    EXPECT_FALSE(all.follow);

    TrafficOptions bad;
    EXPECT_FALSE(
        parseTrafficArgs({QStringLiteral("--limit"), QStringLiteral("0")}, &bad).isEmpty());
    EXPECT_FALSE(
        parseTrafficArgs({QStringLiteral("--limit"), QStringLiteral("5001")}, &bad).isEmpty());
    EXPECT_FALSE(
        parseTrafficArgs({QStringLiteral("--slow"), QStringLiteral("soon")}, &bad).isEmpty());
    EXPECT_FALSE(parseTrafficArgs({QStringLiteral("a"), QStringLiteral("b")}, &bad).isEmpty());
    EXPECT_FALSE(parseTrafficArgs({QStringLiteral("--tail")}, &bad).isEmpty());
}

TEST(TrafficCommand, ErrorsAndSlowFilterTheRecords)
{
    TrafficOptions errors;
    errors.errorsOnly = true;
    EXPECT_TRUE(trafficRecordMatches(answer(QStringLiteral("error"), 1), errors));
    EXPECT_FALSE(trafficRecordMatches(answer(QStringLiteral("result"), 1), errors));

    TrafficOptions slow;
    slow.slowMs = 100;
    EXPECT_TRUE(trafficRecordMatches(answer(QStringLiteral("result"), 150), slow));
    EXPECT_FALSE(trafficRecordMatches(answer(QStringLiteral("result"), 99.9), slow));
    QJsonObject request = answer(QStringLiteral("request"), 0);
    request.remove(QStringLiteral("durationMs"));
    EXPECT_FALSE(trafficRecordMatches(request, slow)); // only answers have a duration
    EXPECT_TRUE(trafficRecordMatches(request, TrafficOptions{}));
}

TEST(TrafficCommand, RowsNameClientSessionDirectionAndStatus)
{
    const QString ok = formatTrafficRow(answer(QStringLiteral("result"), 12.34), false);
    EXPECT_TRUE(ok.contains(QStringLiteral("claude-code#7"))) << ok.toStdString();
    EXPECT_TRUE(ok.contains(QStringLiteral("\u2190 tools/call"))) << ok.toStdString();
    EXPECT_TRUE(ok.contains(QStringLiteral("12.3"))) << ok.toStdString();
    EXPECT_TRUE(ok.contains(QStringLiteral("1234"))) << ok.toStdString();
    EXPECT_TRUE(ok.endsWith(QStringLiteral(" ok"))) << ok.toStdString();
    EXPECT_FALSE(ok.contains(QStringLiteral("memory")));

    QJsonObject error = answer(QStringLiteral("error"), 3);
    error.insert(QStringLiteral("errorCode"), -32603);
    error.insert(QStringLiteral("errorMessage"), QStringLiteral("boom"));
    error.insert(QStringLiteral("byBroker"), true);
    const QString failed = formatTrafficRow(error, true);
    EXPECT_TRUE(failed.contains(QStringLiteral("memory"))) << failed.toStdString();
    EXPECT_TRUE(failed.endsWith(QStringLiteral("error -32603: boom (Manifold)")))
        << failed.toStdString();

    QJsonObject own = answer(QStringLiteral("request"), 0);
    own.insert(QStringLiteral("direction"), QStringLiteral("to-server"));
    own.insert(QStringLiteral("session"), 0);
    own.insert(QStringLiteral("client"), QStringLiteral("Manifold"));
    own.insert(QStringLiteral("id"), QStringLiteral("mf-ping-1"));
    own.remove(QStringLiteral("durationMs"));
    const QString ping = formatTrafficRow(own, false);
    EXPECT_TRUE(ping.contains(QStringLiteral("Manifold "))) << ping.toStdString();
    EXPECT_FALSE(ping.contains(QStringLiteral("#0")));
    EXPECT_TRUE(ping.contains(QStringLiteral("\u2192"))) << ping.toStdString();
    EXPECT_TRUE(ping.contains(QStringLiteral("mf-ping-1"))) << ping.toStdString();

    // The header's columns are where the rows' are.
    const QString header = trafficHeader(false);
    EXPECT_EQ(header.indexOf(QStringLiteral("METHOD")), ok.indexOf(QStringLiteral("tools/call")));
    EXPECT_EQ(trafficHeader(true).indexOf(QStringLiteral("METHOD")),
              failed.indexOf(QStringLiteral("tools/call")));
}
