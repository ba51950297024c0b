// The traffic ring (issue 16): bounded by bytes, newest kept, followed by sequence number; JSON
// Lines records; secret values masked in captured bodies.
#include "traffic/secretmask.h"
#include "traffic/trafficring.h"

#include <QJsonDocument>

#include <gtest/gtest.h>

using namespace manifold;

namespace {

TrafficRecord record(const QByteArray &method, qsizetype bodyBytes = 0)
{
    TrafficRecord r;
    r.timeMs = 1765000000000;
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
    TrafficRecord r = record("tools/call");
    r.kind = TrafficRecord::Kind::Error;
    r.direction = TrafficRecord::Direction::FromServer;
    r.errorCode = -32000;
    r.durationMs = 12;
    QJsonObject json = r.toJson();
    EXPECT_EQ(json.value(QStringLiteral("id")).toInt(), 42);
    EXPECT_EQ(json.value(QStringLiteral("kind")).toString(), QStringLiteral("error"));
    EXPECT_EQ(json.value(QStringLiteral("direction")).toString(), QStringLiteral("from-server"));
    EXPECT_EQ(json.value(QStringLiteral("errorCode")).toInt(), -32000);
    EXPECT_EQ(json.value(QStringLiteral("durationMs")).toInt(), 12);
    EXPECT_FALSE(json.contains(QStringLiteral("body")));
    r.id = "\"abc\"";
    r.kind = TrafficRecord::Kind::Notification;
    r.durationMs = -1;
    json = r.toJson();
    EXPECT_EQ(json.value(QStringLiteral("id")).toString(), QStringLiteral("abc"));
    EXPECT_FALSE(json.contains(QStringLiteral("durationMs")));
    EXPECT_FALSE(json.contains(QStringLiteral("errorCode")));
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
