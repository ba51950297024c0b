// The traffic ring (issue 16): bounded by bytes, newest kept, followed by sequence number; JSON
// Lines records; secret values masked in captured bodies.
#include "traffic/secretmask.h"
#include "traffic/traffichealth.h"
#include "traffic/trafficrecorder.h"
#include "traffic/trafficring.h"

#include <QJsonArray>

#include <QJsonDocument>

#include <gtest/gtest.h>

using namespace manifold;

namespace {

TrafficRecord record(const QByteArray &method, qsizetype bodyBytes = 0)
{
    TrafficRecord r;
    r.timeUs = 1765000000000123;
    r.session = 7;
    r.method = method;
    r.id = "42";
    r.sizeBytes = 100;
    r.body = QByteArray(bodyBytes, 'x');
    return r;
}

} // namespace

TEST(TrafficRing, OldestFallOffAtTheCapAndTheNewestIsAlwaysKept)
{
    const qint64 one = record("tools/call", 1000).costBytes();
    TrafficRing ring(3 * one);
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(ring.append(record("tools/call", 1000)), quint64(i + 1));
    EXPECT_EQ(ring.size(), 3);
    EXPECT_EQ(ring.usedBytes(), 3 * one);
    EXPECT_EQ(ring.firstSeq(), 3u);
    EXPECT_EQ(ring.lastSeq(), 5u);
    // One record larger than the whole cap stays (alone): the newest is never lost.
    ring.append(record("tools/call", 10 * 1000));
    EXPECT_EQ(ring.size(), 1);
    EXPECT_EQ(ring.at(0).seq, 6u);
    // A smaller cap applies at once.
    ring.setCapBytes(0);
    EXPECT_EQ(ring.size(), 1);
    ring.clear();
    EXPECT_TRUE(ring.isEmpty());
    EXPECT_EQ(ring.usedBytes(), 0);
    EXPECT_EQ(ring.append(record("ping")), 7u);   // numbering goes on
}

TEST(TrafficRing, FollowersGetWhatCameAfterAndLearnWhatTheyMissed)
{
    const qint64 one = record("m", 10).costBytes();
    TrafficRing ring(4 * one);
    for (int i = 0; i < 3; ++i)
        ring.append(record("m", 10));
    TrafficRing::Slice slice = ring.since(0);
    ASSERT_EQ(slice.records.size(), 3);
    EXPECT_EQ(slice.missed, 0u);
    EXPECT_EQ(slice.records.first().seq, 1u);
    EXPECT_TRUE(ring.since(3).records.isEmpty());
    for (int i = 0; i < 4; ++i)
        ring.append(record("m", 10));   // seq 4..7; 1..3 fall off
    slice = ring.since(1);
    EXPECT_EQ(slice.missed, 2u);        // 2 and 3 were never seen
    ASSERT_EQ(slice.records.size(), 4);
    EXPECT_EQ(slice.records.first().seq, 4u);
    slice = ring.since(5, 1);
    ASSERT_EQ(slice.records.size(), 1);
    EXPECT_EQ(slice.records.first().seq, 6u);
    EXPECT_EQ(slice.missed, 0u);
}

TEST(TrafficRecord, JsonLinesKeepTheIdTypeAndOnlyWhatIsKnown)
{
    const auto masked = [](const QByteArray &text) { return QByteArray(text).replace("hunter22", "********"); };
    TrafficRecord r = record("tools/call", 0);
    r.kind = TrafficRecord::Kind::Error;
    r.direction = TrafficRecord::Direction::FromServer;
    r.errorCode = -32000;
    r.errorMessage = "bad password hunter22";
    r.durationUs = 12345;
    r.requestSeq = 9;
    r.client = "cursor";
    r.body = "{\"secret\":\"hunter22\"}";
    QJsonObject json = r.toJson(QStringLiteral("memory"), masked, false);
    EXPECT_EQ(json.value(QStringLiteral("server")).toString(), QStringLiteral("memory"));
    EXPECT_EQ(json.value(QStringLiteral("id")).toInt(), 42);
    EXPECT_EQ(json.value(QStringLiteral("client")).toString(), QStringLiteral("cursor"));
    EXPECT_EQ(json.value(QStringLiteral("kind")).toString(), QStringLiteral("error"));
    EXPECT_EQ(json.value(QStringLiteral("direction")).toString(), QStringLiteral("from-server"));
    EXPECT_EQ(json.value(QStringLiteral("errorCode")).toInt(), -32000);
    EXPECT_EQ(json.value(QStringLiteral("errorMessage")).toString(), QStringLiteral("bad password ********"));
    EXPECT_DOUBLE_EQ(json.value(QStringLiteral("durationMs")).toDouble(), 12.345);
    EXPECT_EQ(json.value(QStringLiteral("requestSeq")).toInt(), 9);
    EXPECT_EQ(json.value(QStringLiteral("timeUs")).toInteger(), 1765000000000123);
    EXPECT_TRUE(json.value(QStringLiteral("time")).toString().startsWith(QStringLiteral("2025-12-06T05:46:40.000")));
    EXPECT_TRUE(json.value(QStringLiteral("hasBody")).toBool());
    EXPECT_FALSE(json.contains(QStringLiteral("body")));    // only when asked for
    EXPECT_FALSE(json.contains(QStringLiteral("byBroker")));
    json = r.toJson(QStringLiteral("memory"), masked, true);
    EXPECT_EQ(json.value(QStringLiteral("body")).toString(), QStringLiteral("{\"secret\":\"********\"}"));
    r.id = "\"abc\"";
    r.kind = TrafficRecord::Kind::Notification;
    r.durationUs = -1;
    r.requestSeq = 0;
    r.body.clear();
    r.byBroker = true;
    json = r.toJson(QStringLiteral("memory"), masked, true);
    EXPECT_EQ(json.value(QStringLiteral("id")).toString(), QStringLiteral("abc"));
    EXPECT_TRUE(json.value(QStringLiteral("byBroker")).toBool());
    EXPECT_FALSE(json.contains(QStringLiteral("durationMs")));
    EXPECT_FALSE(json.contains(QStringLiteral("requestSeq")));
    EXPECT_FALSE(json.contains(QStringLiteral("errorCode")));
    EXPECT_FALSE(json.contains(QStringLiteral("hasBody")));
    EXPECT_FALSE(QJsonDocument(json).toJson(QJsonDocument::Compact).contains('\n'));   // one line
}

TEST(SecretMask, HidesValuesAsWrittenAndAsEscapedInJson)
{
    SecretMask mask;
    mask.setSecrets({"ghp_secret\"quoted", "tok-123456", "abc", "tok-123456-longer"});
    const QByteArray body = R"({"a":"tok-123456","b":"tok-123456-longer","c":"ghp_secret\"quoted","d":"abc"})";
    const QByteArray masked = mask.apply(body);
    EXPECT_FALSE(masked.contains("tok-123456")) << masked.constData();
    EXPECT_FALSE(masked.contains("ghp_secret")) << masked.constData();
    EXPECT_FALSE(masked.contains("-longer")) << masked.constData();   // the longer secret went whole
    EXPECT_TRUE(masked.contains("\"abc\""));   // too short to mask
    EXPECT_EQ(masked.count("********"), 3);
    SecretMask none;
    EXPECT_TRUE(none.isEmpty());
    EXPECT_EQ(none.apply(body), body);
}

TEST(TrafficHealth, PercentilesFollowTheExactOnesWithinABin)
{
    TrafficHealth health;
    const qint64 minute = 1765000000000 / TrafficHealth::BucketMs * TrafficHealth::BucketMs;
    // 100 calls of 1..100 ms: p50 is 50 ms, p95 is 95 ms.
    for (int ms = 1; ms <= 100; ++ms)
        health.addCall(minute + 1000, qint64(ms) * 1000, ms % 10 == 0);
    const TrafficHealth::Summary now = health.now(minute + 2000);
    EXPECT_EQ(now.calls, 100);
    EXPECT_EQ(now.errors, 10);
    EXPECT_NEAR(now.p50Ms, 50.0, 50.0 * 0.13);
    EXPECT_NEAR(now.p95Ms, 95.0, 95.0 * 0.13);
    // Bins grow by 25%: a value lies within 12% of its bin's middle.
    for (qint64 us : {60, 900, 12345, 2500000})
        EXPECT_NEAR(TrafficHealth::binValueMs(TrafficHealth::binOf(us)) * 1000.0, double(us), double(us) * 0.12) << us;
}

TEST(TrafficHealth, AnHourOfMinutesOldestFirstAndTheLastMinuteCountsPartly)
{
    TrafficHealth health;
    const qint64 start = 1765000000000 / TrafficHealth::BucketMs * TrafficHealth::BucketMs;
    health.addCall(start - 90 * 60000, 1000, false);   // more than an hour before: gone
    health.addCall(start + 10000, 2000, false);
    health.addMemorySample(start + 10000, 5000);
    health.addMemorySample(start + 20000, 7000);
    for (int i = 0; i < 4; ++i)
        health.addCall(start + 60000 + 1000, 4000, true);
    const qint64 now = start + 60000 + 30000;   // half-way through the next minute
    const QJsonObject json = health.toJson(now);
    EXPECT_EQ(json.value(QStringLiteral("bucketMs")).toInteger(), 60000);
    const QJsonArray buckets = json.value(QStringLiteral("buckets")).toArray();
    ASSERT_EQ(buckets.size(), 60);
    EXPECT_EQ(buckets.last().toObject().value(QStringLiteral("t")).toInteger(), start + 60000);
    EXPECT_EQ(buckets.last().toObject().value(QStringLiteral("errors")).toInt(), 4);
    const QJsonObject previous = buckets.at(58).toObject();
    EXPECT_EQ(previous.value(QStringLiteral("calls")).toInt(), 1);
    EXPECT_EQ(previous.value(QStringLiteral("memoryKb")).toInt(), 7000);   // the minute's highest
    int total = 0;
    for (const QJsonValue &bucket : buckets)
        total += bucket.toObject().value(QStringLiteral("calls")).toInt();
    EXPECT_EQ(total, 5);
    const QJsonObject summary = json.value(QStringLiteral("now")).toObject();
    // 4 this minute, and the previous one's call counts half: 4.5 rounds to 5 (or 4).
    EXPECT_GE(summary.value(QStringLiteral("callsPerMin")).toInt(), 4);
    EXPECT_LE(summary.value(QStringLiteral("callsPerMin")).toInt(), 5);
    EXPECT_EQ(summary.value(QStringLiteral("errorsPerMin")).toInt(), 4);
    EXPECT_EQ(summary.value(QStringLiteral("memoryKb")).toInt(), 7000);
}

TEST(TrafficRecorder, AnswersArePairedPerSessionAndBodiesAreMaskedOnTheWayOut)
{
    TrafficRecorder recorder(QStringLiteral("s"), 1024 * 1024);
    recorder.addSecrets({"hunter2-secret"});
    recorder.setCaptureBodies(true);
    const TrafficRecorder::Origin one{1, "a", {}}, two{2, "b", {}};
    recorder.recordFromClient(one, TrafficRecord::Kind::Request, "tools/call", "1", R"({"id":1,"p":"hunter2-secret"})");
    recorder.recordFromClient(two, TrafficRecord::Kind::Request, "tools/list", "1", R"({"id":1})");
    recorder.recordAnswer(two, "1", {}, R"({"id":1,"result":{}})");
    recorder.recordAnswer(one, "1", {false, true, -32000, "bad"}, R"({"id":1,"error":{}})");
    const TrafficRing::Slice slice = recorder.ring().since(0);
    ASSERT_EQ(slice.records.size(), 4);
    EXPECT_EQ(slice.records[2].method, QByteArray("tools/list"));
    EXPECT_EQ(slice.records[2].requestSeq, 2u);
    EXPECT_EQ(slice.records[3].method, QByteArray("tools/call"));
    EXPECT_EQ(slice.records[3].requestSeq, 1u);
    EXPECT_EQ(slice.records[3].kind, TrafficRecord::Kind::Error);
    EXPECT_EQ(recorder.masked(slice.records[0].body), QByteArray(R"({"id":1,"p":"********"})"));
    // An answer to a request it never saw (or forgot with its session) has no pairing.
    recorder.recordFromClient(one, TrafficRecord::Kind::Request, "x", "2", "{}");
    recorder.sessionClosed(1);
    recorder.recordAnswer(one, "2", {}, "{}");
    EXPECT_EQ(recorder.find(recorder.ring().lastSeq())->requestSeq, 0u);
    EXPECT_EQ(recorder.find(recorder.ring().lastSeq())->durationUs, -1);
    EXPECT_EQ(recorder.find(0), nullptr);
    EXPECT_EQ(recorder.statusJson().value(QStringLiteral("records")).toInt(), 6);
}
