// The Qt-free JSON-RPC envelope and builders (core/wire/jsonrpc.h).
#include "wire/jsonrpc.h"

#include <string>

#include <gtest/gtest.h>

namespace json = manifold::wire::json;
namespace jsonrpc = manifold::wire::jsonrpc;
using Kind = jsonrpc::Envelope::Kind;

TEST(WireJsonRpc, ClassifiesMessages)
{
    EXPECT_EQ(jsonrpc::parseEnvelope(R"({"jsonrpc":"2.0","id":1,"method":"x"})").kind, Kind::Request);
    EXPECT_EQ(jsonrpc::parseEnvelope(R"({"jsonrpc":"2.0","method":"x"})").kind, Kind::Notification);
    EXPECT_EQ(jsonrpc::parseEnvelope(R"({"jsonrpc":"2.0","id":"a","result":{}})").kind, Kind::Response);
    EXPECT_EQ(jsonrpc::parseEnvelope(R"({"jsonrpc":"2.0","id":null,"error":{"code":1}})").kind, Kind::Response);
    EXPECT_EQ(jsonrpc::parseEnvelope(R"([{"jsonrpc":"2.0","method":"x"}])").kind, Kind::Batch);
    EXPECT_EQ(jsonrpc::parseEnvelope(" [] ").kind, Kind::Batch);
    EXPECT_EQ(jsonrpc::parseEnvelope("42").kind, Kind::Invalid);
    EXPECT_EQ(jsonrpc::parseEnvelope(R"({"id":1,"method":"x"})").kind, Kind::Invalid);
    EXPECT_EQ(jsonrpc::parseEnvelope(R"({"jsonrpc":"1.0","id":1,"method":"x"})").kind, Kind::Invalid);
    EXPECT_EQ(jsonrpc::parseEnvelope(R"({"jsonrpc":"2.0","id":{},"method":"x"})").kind, Kind::Invalid);
    EXPECT_EQ(jsonrpc::parseEnvelope(R"({"jsonrpc":"2.0","id":1,"method":7})").kind, Kind::Invalid);
    EXPECT_EQ(jsonrpc::parseEnvelope(R"({"jsonrpc":"2.0","id":1,"result":{},"error":{}})").kind, Kind::Invalid);
    EXPECT_EQ(jsonrpc::parseEnvelope(R"({"jsonrpc":"2.0","id":1})").kind, Kind::Invalid);
    EXPECT_EQ(jsonrpc::parseEnvelope("nope").kind, Kind::NotJson);
    EXPECT_EQ(jsonrpc::parseEnvelope("").kind, Kind::NotJson);
    EXPECT_EQ(jsonrpc::parseEnvelope(R"({"jsonrpc":"2.0","method":"x"} trailing)").kind, Kind::NotJson);
    EXPECT_FALSE(jsonrpc::parseEnvelope("nope").tooDeep);
}

TEST(WireJsonRpc, SpansIndexTheLineAndMethodIsDecoded)
{
    const std::string line = "  {\"jsonrpc\":\"2.0\",\"id\":\"a\\u0062\",\"method\":\"tools\\/call\","
                             "\"params\":{\"name\":\"x\"}}\n";
    const jsonrpc::Envelope envelope = jsonrpc::parseEnvelope(line);
    ASSERT_TRUE(envelope.isRequest());
    EXPECT_EQ(envelope.method, "tools/call");
    EXPECT_EQ(envelope.id.in(line), "\"a\\u0062\"");
    EXPECT_EQ(envelope.params.in(line), "{\"name\":\"x\"}");
    EXPECT_FALSE(envelope.result.isValid());
    EXPECT_FALSE(envelope.error.isValid());

    const std::string response = R"({"result":[1],"id":7,"jsonrpc":"2.0"})";
    const jsonrpc::Envelope answer = jsonrpc::parseEnvelope(response);
    ASSERT_TRUE(answer.isResponse());
    EXPECT_EQ(answer.id.in(response), "7");
    EXPECT_EQ(answer.result.in(response), "[1]");
    EXPECT_TRUE(answer.method.empty());
}

TEST(WireJsonRpc, NotJsonSaysWhenNestingIsTooDeep)
{
    const int levels = json::MaxNestingDepth + 1;
    const std::string deep = std::string(size_t(levels), '[') + std::string(size_t(levels), ']');
    for (const std::string &line : {deep, R"({"jsonrpc":"2.0","id":1,"method":"x","params":)" + deep + "}"}) {
        const jsonrpc::Envelope envelope = jsonrpc::parseEnvelope(line);
        EXPECT_EQ(envelope.kind, Kind::NotJson);
        EXPECT_TRUE(envelope.tooDeep);
    }
    EXPECT_FALSE(jsonrpc::parseEnvelope(R"({"jsonrpc":"2.0","id":1,"method":"x")").tooDeep);
}

TEST(WireJsonRpc, BuildersProduceExactBytes)
{
    EXPECT_EQ(jsonrpc::makeError("null", jsonrpc::ParseError, "Parse \"error\""),
              R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse \"error\""}})");
    EXPECT_EQ(jsonrpc::makeError("", jsonrpc::RequestRefused, "no"),
              R"({"jsonrpc":"2.0","id":null,"error":{"code":-32001,"message":"no"}})");
    EXPECT_EQ(jsonrpc::makeError("\"7\"", 5, "\xc3\xbc\n"),
              "{\"jsonrpc\":\"2.0\",\"id\":\"7\",\"error\":{\"code\":5,\"message\":\"\xc3\xbc\\n\"}}");
    EXPECT_EQ(jsonrpc::makeResult("\"x\"", "{}"), R"({"jsonrpc":"2.0","id":"x","result":{}})");
    EXPECT_EQ(jsonrpc::makeRequest("3", "ping"), R"({"jsonrpc":"2.0","id":3,"method":"ping"})");
    EXPECT_EQ(jsonrpc::makeRequest("3", "a\"b", "[1]"),
              R"({"jsonrpc":"2.0","id":3,"method":"a\"b","params":[1]})");
    EXPECT_EQ(jsonrpc::makeNotification("n", "{\"a\":1}"), R"({"jsonrpc":"2.0","method":"n","params":{"a":1}})");
    EXPECT_EQ(jsonrpc::makeNotification("n"), R"({"jsonrpc":"2.0","method":"n"})");
    for (const std::string &built : {jsonrpc::makeRequest("1", "m", "{}"), jsonrpc::makeNotification("m"),
                                     jsonrpc::makeResult("1", "null"), jsonrpc::makeError("1", -1, "e")})
        EXPECT_NE(jsonrpc::parseEnvelope(built).kind, Kind::Invalid) << built;
}
