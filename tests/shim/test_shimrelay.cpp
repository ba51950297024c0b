// The shim's relay bookkeeping: whole-line splitting and what the client still waits for.
#include "linesplitter.h"
#include "requesttracker.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

using manifold::shim::LineSplitter;
using manifold::shim::RequestTracker;
using Lines = std::vector<std::string>;

namespace {

struct Fed
{
    Lines lines;
    Lines writes;
};

void feed(LineSplitter &splitter, std::string_view data, Fed &fed, const std::string &drop = {})
{
    splitter.feed(
        data,
        [&](std::string_view line) {
            fed.lines.emplace_back(line);
            return drop.empty() || line != drop;
        },
        [&](std::string_view bytes) { fed.writes.emplace_back(bytes); });
}

std::string requestLine(const std::string &rawId, const std::string &method = "tools/call")
{
    return R"({"jsonrpc":"2.0","id":)" + rawId + R"(,"method":")" + method + R"("})";
}

std::string resultLine(const std::string &rawId, const std::string &result = "{}")
{
    return R"({"jsonrpc":"2.0","id":)" + rawId + R"(,"result":)" + result + "}";
}

} // namespace

TEST(LineSplitter, RelaysWholeLinesOnlyAndManyInOneWrite)
{
    LineSplitter splitter(1024);
    Fed fed;
    feed(splitter, "one\ntwo\nthr", fed);
    EXPECT_EQ(fed.lines, (Lines{"one", "two"}));
    EXPECT_EQ(fed.writes, Lines{"one\ntwo\n"});
    EXPECT_TRUE(splitter.midLine());
    feed(splitter, "ee\nfo", fed);
    feed(splitter, "ur\n", fed);
    EXPECT_EQ(fed.lines, (Lines{"one", "two", "three", "four"}));
    EXPECT_EQ(fed.writes, (Lines{"one\ntwo\n", "three\n", "four\n"}));
    EXPECT_FALSE(splitter.midLine());
}

TEST(LineSplitter, ADroppedLineIsLeftOutOfTheWrites)
{
    LineSplitter splitter(1024);
    Fed fed;
    feed(splitter, "a\nsecret\nb\nc\n", fed, "secret");
    EXPECT_EQ(fed.lines.size(), 4);
    EXPECT_EQ(fed.writes, (Lines{"a\n", "b\nc\n"}));
}

TEST(LineSplitter, AnOverlongLinePassesThroughInPiecesUnlooked)
{
    LineSplitter splitter(4);
    Fed fed;
    feed(splitter, "ok\nabcdef", fed);
    EXPECT_TRUE(splitter.passingLongLine());
    feed(splitter, "gh", fed);
    feed(splitter, "ij\nnext\n", fed);
    EXPECT_EQ(fed.lines, (Lines{"ok", "next"}));
    EXPECT_EQ(fed.writes, (Lines{"ok\n", "abcdef", "gh", "ij\n", "next\n"}));
    EXPECT_FALSE(splitter.midLine());
}

TEST(LineSplitter, TheRestOfAnOverlongLineCanBeDropped)
{
    LineSplitter splitter(4);
    Fed fed;
    feed(splitter, "abcdef", fed);
    splitter.dropRestOfLongLine();
    feed(splitter, "gh\nafter\n", fed);
    EXPECT_EQ(fed.writes, (Lines{"abcdef", "after\n"}));
    EXPECT_EQ(fed.lines, Lines{"after"});
}

TEST(LineSplitter, TakeHeldReturnsTheUnfinishedLine)
{
    LineSplitter splitter(1024);
    Fed fed;
    feed(splitter, "done\nhalf", fed);
    EXPECT_EQ(splitter.takeHeld(), "half");
    EXPECT_FALSE(splitter.midLine());
}

TEST(RequestTracker, ARequestIsUnansweredUntilItsOwnIdComesBack)
{
    RequestTracker tracker;
    tracker.clientLine(requestLine("1"));
    tracker.clientLine(requestLine("\"1\""));
    tracker.clientLine(requestLine("\"x\""));
    tracker.clientLine(R"({"jsonrpc":"2.0","method":"notifications/progress","params":{}})");
    tracker.clientLine(resultLine("99")); // the client answering a server request
    EXPECT_EQ(tracker.brokerLine(resultLine("1")), RequestTracker::Route::Relay);
    EXPECT_EQ(
        tracker.brokerLine(R"({"jsonrpc":"2.0","id":"x","error":{"code":-1,"message":"no"}})"),
        RequestTracker::Route::Relay);
    EXPECT_EQ(tracker.takeUnanswered(), Lines{"\"1\""});
    EXPECT_FALSE(tracker.hasUnanswered());
}

TEST(RequestTracker, UnansweredComeOutOldestFirst)
{
    RequestTracker tracker;
    for (const char *id : {"5", "\"a\"", "3", "\"b\"", "1"})
        tracker.clientLine(requestLine(id));
    EXPECT_EQ(tracker.takeUnanswered(), (Lines{"5", "\"a\"", "3", "\"b\"", "1"}));
}

TEST(RequestTracker, ACancelledRequestIsNoLongerWaitedFor)
{
    RequestTracker tracker;
    tracker.clientLine(requestLine("7"));
    tracker.clientLine(requestLine("8"));
    tracker.clientLine(
        R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7}})");
    EXPECT_EQ(tracker.takeUnanswered(), Lines{"8"});
}

TEST(RequestTracker, BatchesAreTrackedElementByElement)
{
    RequestTracker tracker;
    tracker.clientLine("[" + requestLine("1") + "," + requestLine("2") + "]");
    tracker.brokerLine("[" + resultLine("2") + "]");
    EXPECT_EQ(tracker.takeUnanswered(), Lines{"1"});
}

TEST(RequestTracker, ReplaysTheHandshakeOnlyAfterItSucceededAndSwallowsTheAnswers)
{
    RequestTracker tracker;
    const std::string initialize =
        R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","clientInfo":{"name":"ü"}}})";
    tracker.clientLine(initialize);
    EXPECT_TRUE(tracker.replayHandshake("own:").empty()) << "not answered yet";
    tracker.brokerLine(resultLine("0"));
    tracker.clientLine(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    tracker.clientLine(
        R"({"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"file:///a"}})");
    tracker.clientLine(
        R"({"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":{"uri":"file:///b"}})");
    tracker.clientLine(
        R"({"jsonrpc":"2.0","id":3,"method":"resources/unsubscribe","params":{"uri":"file:///a"}})");
    tracker.clientLine(
        R"({"jsonrpc":"2.0","id":4,"method":"logging/setLevel","params":{"level":"info"}})");
    tracker.clientLine(
        R"({"jsonrpc":"2.0","id":5,"method":"logging/setLevel","params":{"level":"debug"}})");

    const Lines replay = tracker.replayHandshake("own:");
    ASSERT_EQ(replay.size(), 4);
    EXPECT_EQ(
        replay.at(0),
        R"({"jsonrpc":"2.0","id":"own:1","method":"initialize","params":{"protocolVersion":"2025-06-18","clientInfo":{"name":"ü"}}})");
    EXPECT_EQ(replay.at(1), R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    EXPECT_EQ(
        replay.at(2),
        R"({"jsonrpc":"2.0","id":"own:2","method":"resources/subscribe","params":{"uri":"file:///b"}})");
    EXPECT_EQ(
        replay.at(3),
        R"({"jsonrpc":"2.0","id":"own:3","method":"logging/setLevel","params":{"level":"debug"}})");

    EXPECT_EQ(tracker.brokerLine(resultLine("\"own:2\"")), RequestTracker::Route::Swallow);
    EXPECT_FALSE(tracker.hasOwnAnswer()) << "only the initialize's answer is looked at";
    const std::string answer = resultLine(
        "\"own:1\"",
        R"({"capabilities":{"tools":{"listChanged":true},"prompts":{},"resources":{"listChanged":false}}})");
    EXPECT_EQ(tracker.brokerLine(answer), RequestTracker::Route::Swallow);
    ASSERT_TRUE(tracker.hasOwnAnswer());
    const std::string own = tracker.takeOwnAnswer();
    EXPECT_EQ(own, answer);
    EXPECT_EQ(
        RequestTracker::listChangedNotifications(own),
        Lines{R"({"jsonrpc":"2.0","method":"notifications/tools/list_changed"})"});
    EXPECT_EQ(tracker.brokerLine(resultLine("\"own:3\"")), RequestTracker::Route::Swallow);
    EXPECT_EQ(tracker.brokerLine(answer), RequestTracker::Route::Relay)
        << "each of ours is answered once";
}

TEST(RequestTracker, AFailedInitializeIsNotReplayed)
{
    RequestTracker tracker;
    tracker.clientLine(requestLine("0", "initialize"));
    tracker.brokerLine(R"({"jsonrpc":"2.0","id":0,"error":{"code":-32000,"message":"down"}})");
    EXPECT_TRUE(tracker.replayHandshake("own:").empty());
}

TEST(RequestTracker, TheBrokersClosingNoticeIsSwallowedAndKeepsItsReason)
{
    RequestTracker tracker;
    EXPECT_TRUE(tracker.closingReason().empty());
    const std::string notice =
        R"({"jsonrpc":"2.0","method":"notifications/manifold/sessionClosing","params":{"reason":"Manifold is shutting down"}})";
    EXPECT_EQ(tracker.brokerLine(notice), RequestTracker::Route::Swallow);
    EXPECT_EQ(tracker.closingReason(), "Manifold is shutting down");
}
