#include "http/httprequest.h"

#include <gtest/gtest.h>

using manifold::http::Limits;
using manifold::http::RequestParser;
using Kind = RequestParser::Step::Kind;

namespace {

const QByteArray Post = "POST /mcp/memory?x=1 HTTP/1.1\r\n"
                        "Host: 127.0.0.1:8765\r\n"
                        "Content-Type: application/json\r\n"
                        "Content-Length: 5\r\n"
                        "\r\n"
                        "hello";

RequestParser::Step errorOf(const QByteArray &bytes, Limits limits = {})
{
    RequestParser parser(limits);
    parser.append(bytes);
    RequestParser::Step step = parser.next();
    while (step.kind == Kind::Head)
        step = parser.next();
    return step;
}

} // namespace

TEST(HttpRequestParser, ReportsTheHeadBeforeTheBodyThenTheWholeRequest)
{
    RequestParser parser;
    parser.append(Post.left(Post.indexOf("\r\n\r\n") + 2));
    EXPECT_EQ(parser.next().kind, Kind::NeedMore);
    parser.append("\r\nhel");
    ASSERT_EQ(parser.next().kind, Kind::Head);
    EXPECT_EQ(parser.request().method, "POST");
    EXPECT_EQ(parser.request().path, "/mcp/memory");
    EXPECT_EQ(parser.request().query, "x=1");
    EXPECT_EQ(parser.request().header("host"), "127.0.0.1:8765");
    EXPECT_EQ(parser.request().header("content-type"), "application/json");
    EXPECT_EQ(parser.request().contentLength(), 5);
    EXPECT_TRUE(parser.request().keepAlive());
    EXPECT_EQ(parser.next().kind, Kind::NeedMore);
    parser.append("lo");
    ASSERT_EQ(parser.next().kind, Kind::Complete);
    EXPECT_EQ(parser.request().body, "hello");
}

TEST(HttpRequestParser, ParsesPipelinedRequestsOneAfterTheOther)
{
    RequestParser parser;
    parser.append(Post + "GET /mcp/memory HTTP/1.1\r\nHost: localhost:8765\r\nConnection: close\r\n\r\n");
    ASSERT_EQ(parser.next().kind, Kind::Head);
    ASSERT_EQ(parser.next().kind, Kind::Complete);
    EXPECT_EQ(parser.takeRequest().body, "hello");
    ASSERT_EQ(parser.next().kind, Kind::Head);
    EXPECT_EQ(parser.request().method, "GET");
    EXPECT_FALSE(parser.request().keepAlive());
    ASSERT_EQ(parser.next().kind, Kind::Complete);
    EXPECT_TRUE(parser.request().body.isEmpty());
    EXPECT_EQ(parser.next().kind, Kind::NeedMore);
}

TEST(HttpRequestParser, ABodyOverTheLimitIsRefusedFromItsContentLengthAlone)
{
    Limits limits;
    limits.maxBodyBytes = 4;
    RequestParser parser(limits);
    parser.append(Post.left(Post.indexOf("\r\n\r\n") + 4));   // no body byte sent yet
    const RequestParser::Step step = parser.next();
    EXPECT_EQ(step.kind, Kind::Error);
    EXPECT_EQ(step.status, 413);
    EXPECT_TRUE(step.message.contains("larger than the limit")) << step.message.constData();
}

TEST(HttpRequestParser, AHeadOverTheLimitIsRefusedWithoutWaitingForItsEnd)
{
    Limits limits;
    limits.maxHeadBytes = 64;
    RequestParser parser(limits);
    parser.append("GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + QByteArray(100, 'a'));
    const RequestParser::Step step = parser.next();
    EXPECT_EQ(step.kind, Kind::Error);
    EXPECT_EQ(step.status, 431);
    EXPECT_EQ(parser.bufferedBytes(), 0);   // nothing kept of it
}

TEST(HttpRequestParser, TooManyHeadersAreRefused)
{
    Limits limits;
    limits.maxHeaders = 3;
    QByteArray request = "GET / HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 3; ++i)
        request += "X-" + QByteArray::number(i) + ": y\r\n";
    EXPECT_EQ(errorOf(request + "\r\n", limits).status, 431);
}

TEST(HttpRequestParser, MalformedRequestsGetTheirStatus)
{
    const struct
    {
        QByteArray bytes;
        int status;
    } cases[] = {
        {"GARBAGE\r\n\r\n", 400},
        {"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505},
        {"GET / HTTP/1.7\r\nHost: x\r\n\r\n", 505},
        {"GET / HTTP/1.1\r\n\r\n", 400},                                    // no Host
        {"GET / HTTP/1.1\r\nHost x\r\n\r\n", 400},                            // no colon
        {"GET / HTTP/1.1\r\nBad Name: x\r\nHost: x\r\n\r\n", 400},
        {"GET / HTTP/1.1\nHost: x\n\n", 400},                                 // bare LF
        {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n", 411},
        {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400},
        {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n", 400},
        {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n", 400},
        {"GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n", 400},
    };
    for (const auto &c : cases) {
        const RequestParser::Step step = errorOf(c.bytes);
        EXPECT_EQ(step.kind, Kind::Error) << c.bytes.constData();
        EXPECT_EQ(step.status, c.status) << c.bytes.constData();
        EXPECT_FALSE(step.message.isEmpty());
    }
}

TEST(HttpRequestParser, AFoldedHeaderLineIsJoinedWithASpace)
{
    // RFC 9112 5.2 lets a server replace obs-fold with spaces instead of refusing it.
    RequestParser parser;
    parser.append("GET / HTTP/1.1\r\nHost: x\r\nX-Note: one\r\n two\r\n\r\n");
    ASSERT_EQ(parser.next().kind, Kind::Head);
    EXPECT_EQ(parser.request().header("x-note"), "one two");
}

TEST(HttpRequestParser, HttpOneZeroKeepsAliveOnlyWhenAsked)
{
    RequestParser parser;
    parser.append("GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\nConnection: Keep-Alive\r\nExpect: 100-continue\r\n\r\n");
    ASSERT_EQ(parser.next().kind, Kind::Head);
    EXPECT_FALSE(parser.request().keepAlive());
    ASSERT_EQ(parser.next().kind, Kind::Complete);
    ASSERT_EQ(parser.next().kind, Kind::Head);
    EXPECT_TRUE(parser.request().keepAlive());
    EXPECT_TRUE(parser.request().expectsContinue());
}

TEST(HttpRequestParser, BytesArrivingOneAtATimeGiveTheSameRequest)
{
    RequestParser parser;
    QList<RequestParser::Step::Kind> kinds;
    for (char c : Post) {
        parser.append(QByteArrayView(&c, 1));
        for (RequestParser::Step step = parser.next(); step.kind != Kind::NeedMore; step = parser.next()) {
            kinds.append(step.kind);
            if (step.kind == Kind::Complete)
                break;
        }
    }
    EXPECT_EQ(kinds, (QList<RequestParser::Step::Kind>{Kind::Head, Kind::Complete}));
    EXPECT_EQ(parser.request().body, "hello");
    EXPECT_EQ(parser.request().header("content-type"), "application/json");
}
