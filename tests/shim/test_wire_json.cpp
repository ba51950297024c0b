// The Qt-free JSON scanner (core/wire/json.h): strict RFC 8259, byte spans, no re-encoding.
#include "wire/json.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace json = manifold::wire::json;

namespace {

std::string nested(int levels, const std::string &inner = "1")
{
    return std::string(size_t(levels), '[') + inner + std::string(size_t(levels), ']');
}

void ignoreMember(void *, std::string_view, json::Span) {}

} // namespace

TEST(WireJson, AcceptsValidDocuments)
{
    for (const char *text : {"{}", "[]", " {\"a\":1} ", "\"x\"", "-0.5e+3", "0", "-0", "1E9",
                             "true", "false", "null", "\t\r\n[ 1 , 2 ]\n",
                             "{\"a\":[1,{\"b\":\"\\u00fc\\n\"}],\"c\":false}",
                             "\"\xc3\xbc\xe2\x9c\x93\"", "\"\\/\\b\\f\\r\\t\\\"\\\\\""}) {
        EXPECT_TRUE(json::isValid(text)) << text;
    }
}

TEST(WireJson, RejectsInvalidDocuments)
{
    for (const char *text : {"", " ", "{", "}", "{\"a\":}", "{\"a\" 1}", "[1,]", "{\"a\":1,}", "01",
                             "1.", ".5", "-", "+1", "1e", "1e+", "tru", "nul", "True", "\"unterminated",
                             "\"bad \\x escape\"", "\"\\u12\"", "\"\\u12g4\"", "{} {}", "{\"a\":1}x",
                             "'single'", "{a:1}", "\"raw\tcontrol\"", "[1 2]", "{\"a\":1 \"b\":2}",
                             "\"ends in backslash\\"}) {
        EXPECT_FALSE(json::isValid(text)) << text;
    }
    EXPECT_FALSE(json::isValid(std::string_view("\"nul\0byte\"", 10)));
}

TEST(WireJson, ValueSpanTrimsWhitespace)
{
    const std::string text = "  {\"a\": 1}\n";
    const auto span = json::valueSpan(text);
    ASSERT_TRUE(span);
    EXPECT_EQ(span->begin, 2);
    EXPECT_EQ(span->end, 10);
    EXPECT_EQ(span->in(text), "{\"a\": 1}");
}

TEST(WireJson, SaysWhenNestingIsTooDeep)
{
    const int limit = json::MaxNestingDepth;
    json::ScanError error = json::ScanError::Syntax;
    EXPECT_TRUE(json::valueSpan(nested(limit), &error));
    EXPECT_EQ(error, json::ScanError::None);
    EXPECT_FALSE(json::valueSpan(nested(limit + 1), &error));
    EXPECT_EQ(error, json::ScanError::TooDeep);
    EXPECT_FALSE(json::isValid(nested(2000)));
    EXPECT_FALSE(json::valueSpan(nested(3, "1,"), &error));
    EXPECT_EQ(error, json::ScanError::Syntax);

    // Objects count as levels too, and the member and element scans report the same reason.
    EXPECT_FALSE(json::visitMembers("{\"a\":" + nested(limit) + "}", &ignoreMember, nullptr, &error));
    EXPECT_EQ(error, json::ScanError::TooDeep);
    EXPECT_TRUE(json::visitMembers("{\"a\":" + nested(limit - 1) + "}", &ignoreMember, nullptr, &error));
    EXPECT_EQ(error, json::ScanError::None);
    EXPECT_FALSE(json::visitMembers("{\"a\":1", &ignoreMember, nullptr, &error));
    EXPECT_EQ(error, json::ScanError::Syntax);
    const auto ignoreElement = [](void *, json::Span) {};
    EXPECT_FALSE(json::visitElements("[" + nested(limit) + "]", ignoreElement, nullptr, &error));
    EXPECT_EQ(error, json::ScanError::TooDeep);
}

TEST(WireJson, VisitsMembersInOrderWithRawKeys)
{
    const std::string text = "{\"a\" : 1, \"\\u0062\":[true], \"a\":\"x\"}  ";
    std::vector<std::pair<std::string, std::string>> seen;
    struct Context
    {
        const std::string *text;
        std::vector<std::pair<std::string, std::string>> *seen;
    } context{&text, &seen};
    ASSERT_TRUE(json::visitMembers(
        text,
        [](void *c, std::string_view rawKey, json::Span value) {
            auto *ctx = static_cast<Context *>(c);
            ctx->seen->emplace_back(std::string(rawKey), std::string(value.in(*ctx->text)));
        },
        &context));
    const std::vector<std::pair<std::string, std::string>> expected{
        {"\"a\"", "1"}, {"\"\\u0062\"", "[true]"}, {"\"a\"", "\"x\""}};
    EXPECT_EQ(seen, expected);
    EXPECT_FALSE(json::visitMembers(" {}", &ignoreMember, nullptr)) << "leading space not trimmed";
    EXPECT_FALSE(json::visitMembers("[]", &ignoreMember, nullptr));
    EXPECT_FALSE(json::visitMembers("{} x", &ignoreMember, nullptr));
}

TEST(WireJson, VisitsElementsInOrder)
{
    const std::string text = "[1, \"two\", {\"three\":3}, [4]]";
    std::vector<std::string> seen;
    struct Context
    {
        const std::string *text;
        std::vector<std::string> *seen;
    } context{&text, &seen};
    ASSERT_TRUE(json::visitElements(
        text,
        [](void *c, json::Span value) {
            auto *ctx = static_cast<Context *>(c);
            ctx->seen->push_back(std::string(value.in(*ctx->text)));
        },
        &context));
    EXPECT_EQ(seen, (std::vector<std::string>{"1", "\"two\"", "{\"three\":3}", "[4]"}));
    EXPECT_FALSE(json::visitElements("{}", [](void *, json::Span) {}, nullptr));
    EXPECT_FALSE(json::visitElements("[1,]", [](void *, json::Span) {}, nullptr));
}

TEST(WireJson, FindsMembersAndNestedPathsAsRawSpans)
{
    const std::string text = R"( {"id": "7", "params": {"_meta": {"progressToken": 12}, "x": [1, 2]}} )";
    const auto token = json::findPath(text, {"params", "_meta", "progressToken"});
    ASSERT_TRUE(token);
    EXPECT_EQ(token->in(text), "12");
    const auto id = json::findPath(text, {"id"});
    ASSERT_TRUE(id);
    EXPECT_EQ(id->in(text), "\"7\"");
    EXPECT_FALSE(json::findPath(text, {"params", "x", "y"}));
    EXPECT_FALSE(json::findPath(text, {"missing"}));
    EXPECT_FALSE(json::findPath("   ", {"a"}));

    const std::string duplicates = R"({"a":1,"a":2})";
    const auto last = json::findMember(duplicates, "a");
    ASSERT_TRUE(last);
    EXPECT_EQ(last->in(duplicates), "2") << "the last duplicate wins";
    EXPECT_FALSE(json::findMember("{\"a\":1", "a")) << "not a valid object";
}

TEST(WireJson, MatchesEscapedKeys)
{
    const std::string text = R"({"\u0069d": 5})";
    const auto id = json::findPath(text, {"id"});
    ASSERT_TRUE(id);
    EXPECT_EQ(id->in(text), "5");
    EXPECT_TRUE(json::keyEquals("\"id\"", "id"));
    EXPECT_TRUE(json::keyEquals("\"i\\u0064\"", "id"));
    EXPECT_FALSE(json::keyEquals("\"idx\"", "id"));
    EXPECT_FALSE(json::keyEquals("\"", "id"));
}

TEST(WireJson, MayContainKeyOnlyRulesOutWhatCannotBeThere)
{
    EXPECT_TRUE(json::mayContainKey(R"({"progressToken":1})", "progressToken"));
    EXPECT_TRUE(json::mayContainKey(R"({"\u0070rogressToken":1})", "progressToken"));
    EXPECT_FALSE(json::mayContainKey(R"({"other":1})", "progressToken"));
}

TEST(WireJson, DecodesAndEncodesStrings)
{
    EXPECT_EQ(json::decodeString(R"("a\"b\\c\/\b\f\n\r\t\u00fc\ud83d\ude00")").value(),
              "a\"b\\c/\b\f\n\r\t\xc3\xbc\xf0\x9f\x98\x80");
    EXPECT_EQ(json::decodeString(R"("\u0041\u00e9\u4e2d")").value(), "A\xc3\xa9\xe4\xb8\xad");
    EXPECT_EQ(json::decodeString(R"("lone \ud83d here")").value(), "lone \xed\xa0\xbd here");
    EXPECT_EQ(json::decodeString("\"plain\"").value(), "plain");
    EXPECT_EQ(json::decodeString("\"\"").value(), "");
    EXPECT_FALSE(json::decodeString("12"));
    EXPECT_FALSE(json::decodeString("\""));
    EXPECT_FALSE(json::decodeString(R"("bad \q")"));
    EXPECT_FALSE(json::decodeString(R"("short \u12")"));

    const std::string raw("tab\there \"quoted\" back\\slash \x01 \x1f \xe2\x9c\x93\r\n");
    const std::string encoded = json::encodeString(raw);
    EXPECT_EQ(encoded, "\"tab\\there \\\"quoted\\\" back\\\\slash \\u0001 \\u001f \xe2\x9c\x93\\r\\n\"");
    EXPECT_TRUE(json::isValid(encoded));
    EXPECT_EQ(json::decodeString(encoded).value(), raw);
    std::string out = "prefix:";
    json::appendEncodedString(out, "x");
    EXPECT_EQ(out, "prefix:\"x\"");
    EXPECT_EQ(json::encodeString(std::string_view("a\0b", 3)), "\"a\\u0000b\"");
}

TEST(WireJson, TypesOfRawValues)
{
    EXPECT_EQ(json::typeOf("{}"), json::ValueType::Object);
    EXPECT_EQ(json::typeOf("[]"), json::ValueType::Array);
    EXPECT_EQ(json::typeOf("\"s\""), json::ValueType::String);
    EXPECT_EQ(json::typeOf("-1"), json::ValueType::Number);
    EXPECT_EQ(json::typeOf("7"), json::ValueType::Number);
    EXPECT_EQ(json::typeOf("true"), json::ValueType::True);
    EXPECT_EQ(json::typeOf("false"), json::ValueType::False);
    EXPECT_EQ(json::typeOf("null"), json::ValueType::Null);
    EXPECT_EQ(json::typeOf(""), json::ValueType::Invalid);
    EXPECT_EQ(json::typeOf("x"), json::ValueType::Invalid);
}

TEST(WireJson, SplicesWithoutTouchingOtherBytes)
{
    const std::string text = "{\"id\":1,\"result\":{\"text\":\"\xc3\xbc 1.50\"}}";
    const auto id = json::findPath(text, {"id"});
    ASSERT_TRUE(id);
    EXPECT_EQ(json::splice(text, *id, "\"orig\""),
              "{\"id\":\"orig\",\"result\":{\"text\":\"\xc3\xbc 1.50\"}}");
    EXPECT_EQ(json::splice(text, *id, ""), "{\"id\":,\"result\":{\"text\":\"\xc3\xbc 1.50\"}}");
    EXPECT_EQ(json::splice("abc", json::Span{3, 3}, "d"), "abcd");
}
