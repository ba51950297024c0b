#include "jsonrpc/jsonrpc.h"
#include "jsonrpc/jsonscan.h"

#include <gtest/gtest.h>

using namespace manifold;

TEST(JsonScan, AcceptsValidDocuments)
{
    for (const char *text : {"{}", "[]", " {\"a\":1} ", "\"x\"", "-0.5e+3", "true", "null",
                             "{\"a\":[1,{\"b\":\"\\u00fc\\n\"}],\"c\":false}", "\"\xc3\xbc\xe2\x9c\x93\""}) {
        EXPECT_TRUE(json::isValid(text)) << text;
    }
}

TEST(JsonScan, RejectsInvalidDocuments)
{
    for (const char *text : {"", "{", "{\"a\":}", "{\"a\" 1}", "[1,]", "{\"a\":1,}", "01", "1.", "-", "tru",
                             "\"unterminated", "\"bad \\x escape\"", "\"\\u12\"", "{} {}", "{\"a\":1}x",
                             "'single'", "{a:1}", "\"raw\tcontrol\""}) {
        EXPECT_FALSE(json::isValid(text)) << text;
    }
}

TEST(JsonScan, RejectsAbsurdNesting)
{
    const QByteArray deep = QByteArray(2000, '[') + QByteArray(2000, ']');
    EXPECT_FALSE(json::isValid(deep));
    const QByteArray fine = QByteArray(100, '[') + QByteArray(100, ']');
    EXPECT_TRUE(json::isValid(fine));
}

TEST(JsonScan, SaysWhenNestingIsTooDeep)
{
    const int limit = json::MaxNestingDepth;
    const auto nested = [](int levels, QByteArrayView inner = "1") {
        return QByteArray(levels, '[') + inner.toByteArray() + QByteArray(levels, ']');
    };
    json::ScanError error = json::ScanError::None;
    EXPECT_TRUE(json::valueSpan(nested(limit), &error));
    EXPECT_EQ(error, json::ScanError::None);
    EXPECT_FALSE(json::valueSpan(nested(limit + 1), &error));
    EXPECT_EQ(error, json::ScanError::TooDeep);
    EXPECT_FALSE(json::valueSpan(nested(3, "1,"), &error));
    EXPECT_EQ(error, json::ScanError::Syntax);

    // Objects count as levels too, and the member scan reports the same reason.
    const QByteArray deepMember = "{\"a\":" + nested(limit) + "}";
    EXPECT_FALSE(json::visitMembers(deepMember, [](void *, QByteArrayView, json::Span) {}, nullptr, &error));
    EXPECT_EQ(error, json::ScanError::TooDeep);
    const QByteArray fineMember = "{\"a\":" + nested(limit - 1) + "}";
    EXPECT_TRUE(json::visitMembers(fineMember, [](void *, QByteArrayView, json::Span) {}, nullptr, &error));
    EXPECT_EQ(error, json::ScanError::None);
    EXPECT_FALSE(json::visitMembers("{\"a\":1", [](void *, QByteArrayView, json::Span) {}, nullptr, &error));
    EXPECT_EQ(error, json::ScanError::Syntax);
}

TEST(JsonScan, FindsNestedPathsAsRawSpans)
{
    const QByteArray text = R"({"id": "7", "params": {"_meta": {"progressToken": 12}, "x": [1, 2]}})";
    const auto token = json::findPath(text, {"params", "_meta", "progressToken"});
    ASSERT_TRUE(token);
    EXPECT_EQ(token->in(text), "12");
    const auto id = json::findPath(text, {"id"});
    ASSERT_TRUE(id);
    EXPECT_EQ(id->in(text), "\"7\"");
    EXPECT_FALSE(json::findPath(text, {"params", "x", "y"}));
    EXPECT_FALSE(json::findPath(text, {"missing"}));
}

TEST(JsonScan, MatchesEscapedKeys)
{
    const QByteArray text = R"({"\u0069d": 5})";
    const auto id = json::findPath(text, {"id"});
    ASSERT_TRUE(id);
    EXPECT_EQ(id->in(text), "5");
}

TEST(JsonScan, DecodesAndEncodesStrings)
{
    EXPECT_EQ(json::decodeString(R"("a\"b\\c\/\n\u00fc\ud83d\ude00")").value(),
              QByteArray("a\"b\\c/\n\xc3\xbc\xf0\x9f\x98\x80"));
    EXPECT_FALSE(json::decodeString("12"));
    const QByteArray raw("tab\there \"quoted\" \x01 \xe2\x9c\x93");
    const QByteArray encoded = json::encodeString(raw);
    EXPECT_TRUE(json::isValid(encoded));
    EXPECT_EQ(json::decodeString(encoded).value(), raw);
}

TEST(JsonScan, SplicesWithoutTouchingOtherBytes)
{
    const QByteArray text = "{\"id\":1,\"result\":{\"text\":\"\xc3\xbc 1.50\"}}";
    const auto id = json::findPath(text, {"id"});
    ASSERT_TRUE(id);
    EXPECT_EQ(json::splice(text, *id, "\"orig\""), "{\"id\":\"orig\",\"result\":{\"text\":\"\xc3\xbc 1.50\"}}");
}

TEST(JsonScan, SplicesInPlaceWhateverTheReplacementsLength)
{
    const QByteArray text = "{\"result\":{\"text\":\"\xc3\xbc\"},\"jsonrpc\":\"2.0\",\"id\":1234}";
    const auto id = json::findPath(text, {"id"});
    ASSERT_TRUE(id);
    for (const QByteArray &replacement : {QByteArray("7"), QByteArray("4321"), QByteArray("\"a-longer-id\""), QByteArray()}) {
        QByteArray inPlace = text;
        inPlace.detach();
        json::spliceInPlace(inPlace, *id, replacement);
        EXPECT_EQ(inPlace, json::splice(text, *id, replacement));
    }
    QByteArray shared = text;   // a shared array is detached, never written through
    const QByteArray other = shared;
    json::spliceInPlace(shared, *id, "\"x\"");
    EXPECT_EQ(other, text);
    EXPECT_EQ(shared, json::splice(text, *id, "\"x\""));
}

TEST(JsonRpcEnvelope, ClassifiesMessages)
{
    using Kind = jsonrpc::Envelope::Kind;
    EXPECT_EQ(jsonrpc::parseEnvelope(R"({"jsonrpc":"2.0","id":1,"method":"x"})").kind, Kind::Request);
    EXPECT_EQ(jsonrpc::parseEnvelope(R"({"jsonrpc":"2.0","method":"x"})").kind, Kind::Notification);
    EXPECT_EQ(jsonrpc::parseEnvelope(R"({"jsonrpc":"2.0","id":"a","result":{}})").kind, Kind::Response);
    EXPECT_EQ(jsonrpc::parseEnvelope(R"({"jsonrpc":"2.0","id":null,"error":{"code":1}})").kind, Kind::Response);
    EXPECT_EQ(jsonrpc::parseEnvelope(R"([{"jsonrpc":"2.0","method":"x"}])").kind, Kind::Batch);
    EXPECT_EQ(jsonrpc::parseEnvelope(R"({"id":1,"method":"x"})").kind, Kind::Invalid);
    EXPECT_EQ(jsonrpc::parseEnvelope(R"({"jsonrpc":"2.0","id":{},"method":"x"})").kind, Kind::Invalid);
    EXPECT_EQ(jsonrpc::parseEnvelope(R"({"jsonrpc":"2.0","id":1,"result":{},"error":{}})").kind, Kind::Invalid);
    EXPECT_EQ(jsonrpc::parseEnvelope("nope").kind, Kind::NotJson);
    EXPECT_FALSE(jsonrpc::parseEnvelope("nope").tooDeep);
}

TEST(JsonRpcEnvelope, NotJsonSaysWhenNestingIsTooDeep)
{
    using Kind = jsonrpc::Envelope::Kind;
    const int levels = json::MaxNestingDepth + 1;
    const QByteArray deep = QByteArray(levels, '[') + QByteArray(levels, ']');
    for (const QByteArray &line : {deep, R"({"jsonrpc":"2.0","id":1,"method":"x","params":)" + deep + "}"}) {
        const jsonrpc::Envelope envelope = jsonrpc::parseEnvelope(line);
        EXPECT_EQ(envelope.kind, Kind::NotJson);
        EXPECT_TRUE(envelope.tooDeep);
    }
    EXPECT_FALSE(jsonrpc::parseEnvelope(R"({"jsonrpc":"2.0","id":1,"method":"x")").tooDeep);
}

TEST(JsonRpcEnvelope, BuildersProduceValidJson)
{
    EXPECT_EQ(jsonrpc::makeError("null", -32700, "Parse \"error\""),
              R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse \"error\""}})");
    EXPECT_EQ(jsonrpc::makeResult("\"x\"", "{}"), R"({"jsonrpc":"2.0","id":"x","result":{}})");
    EXPECT_EQ(jsonrpc::makeRequest("3", "ping"), R"({"jsonrpc":"2.0","id":3,"method":"ping"})");
    EXPECT_EQ(jsonrpc::makeNotification("n", "{\"a\":1}"), R"({"jsonrpc":"2.0","method":"n","params":{"a":1}})");
}
