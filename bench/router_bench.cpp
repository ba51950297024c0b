// Micro benchmarks of the broker's per-message work with no sockets and no processes: the Router
// (session request -> child, child response -> session, progress), the envelope classifier and
// the line framer. per_msg is the time per message (e.g. "650n" = 650 ns).
//
// Lines are the ones the official TypeScript SDK and server-everything put on the wire for an
// echo tool call. The child's replies are written in place into one buffer (only the id digits
// change); BM_Harness measures that, what the benchmark itself adds per reply.
#include "broker/router.h"
#include "jsonrpc/jsonrpc.h"
#include "jsonrpc/linebuffer.h"

#include <benchmark/benchmark.h>

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>

namespace {

using manifold::Router;
using manifold::RouterAction;
using manifold::RouterActions;
using manifold::SessionId;
using Kind = RouterAction::Kind;

const QByteArray EchoRequest =
    R"({"method":"tools/call","params":{"name":"echo","arguments":{"message":"lat:12345"}},"jsonrpc":"2.0","id":17})";
const QByteArray EchoResultHead = R"({"result":{"content":[{"type":"text","text":"Echo: lat:12345"}]},"jsonrpc":"2.0","id":)";
const QByteArray ChildInitResult =
    R"({"protocolVersion":"2025-06-18","capabilities":{"tools":{"listChanged":true}},"serverInfo":{"name":"bench","version":"1"}})";
const QByteArray ClientInitialize =
    R"({"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}},"jsonrpc":"2.0","id":0})";
const QByteArray ClientInitialized = R"({"method":"notifications/initialized","jsonrpc":"2.0"})";

// messages per iteration -> the time of one message, shown as per_msg.
void perMessage(benchmark::State &state, double messagesPerIteration)
{
    state.SetItemsProcessed(int64_t(state.iterations() * messagesPerIteration));
    state.counters["per_msg"] = benchmark::Counter(messagesPerIteration,
                                                   benchmark::Counter::kIsIterationInvariantRate |
                                                       benchmark::Counter::kInvert);
}

QByteArray echoResult(qint64 id)
{
    return EchoResultHead + QByteArray::number(id) + '}';
}

// A reply line whose id is rewritten in place (right-aligned in spaces, which JSON allows), so
// producing the next reply costs a few digits, not a new line.
class ReplyLine
{
public:
    ReplyLine(const QByteArray &beforeId, const QByteArray &afterId)
        : m_line(beforeId + QByteArray(IdWidth, ' ') + afterId), m_idPos(beforeId.size())
    {
    }

    const QByteArray &withId(qint64 id)
    {
        char *digits = m_line.data() + m_idPos;
        for (int i = IdWidth - 1; i >= 0; --i) {
            digits[i] = id > 0 || i == IdWidth - 1 ? char('0' + id % 10) : ' ';
            id /= 10;
        }
        return m_line;
    }

private:
    static constexpr int IdWidth = 12;
    QByteArray m_line;
    qsizetype m_idPos;
};

qint64 idOf(const QByteArray &line)
{
    const auto envelope = manifold::jsonrpc::parseEnvelope(line);
    return envelope.id.in(line).toByteArray().toLongLong();
}

// A router whose child is up and initialized, with `sessions` initialized sessions (ids 1..n).
struct ReadyRouter
{
    Router router{QStringLiteral("bench"), [] { return qint64(1000); }};

    explicit ReadyRouter(int sessions)
    {
        const RouterActions start = router.childStarted();
        router.fromChild(manifold::jsonrpc::makeResult(QByteArray::number(idOf(start.at(0).data)), ChildInitResult));
        for (SessionId s = 1; s <= SessionId(sessions); ++s) {
            router.addSession(s);
            router.fromSession(s, ClientInitialize);
            router.fromSession(s, ClientInitialized);
        }
    }

    // The broker id the next forwarded request will get: learnt from one real request.
    qint64 probeNextId()
    {
        const RouterActions out = router.fromSession(1, EchoRequest);
        const qint64 id = idOf(out.at(0).data);
        router.fromChild(echoResult(id));
        return id + 1;
    }
};

// One echo call per session, all in flight together, then every reply: 2 messages per session.
// traffic 1: the traffic view's tap is on (metadata only, as by default), so the difference is
// what noting every message costs.
void BM_RouterRoundTrip(benchmark::State &state)
{
    const int sessions = int(state.range(0));
    ReadyRouter ready(sessions);
    Router &router = ready.router;
    manifold::TrafficRecorder recorder(QStringLiteral("bench"), manifold::TrafficRing::DefaultCapBytes);
    if (state.range(1) != 0)
        router.setTrafficRecorder(&recorder, {});
    qint64 nextId = ready.probeNextId();
    ReplyLine reply(EchoResultHead, "}");
    for (auto _ : state) {
        const qint64 first = nextId;
        for (SessionId s = 1; s <= SessionId(sessions); ++s) {
            const RouterActions out = router.fromSession(s, EchoRequest);
            if (out.size() != 1 || out.at(0).kind != Kind::ToChild) {
                state.SkipWithError("request was not forwarded");
                return;
            }
            benchmark::DoNotOptimize(out);
            ++nextId;
        }
        for (qint64 id = first; id < nextId; ++id) {
            const RouterActions out = router.fromChild(reply.withId(id));
            if (out.size() != 1 || out.at(0).kind != Kind::ToSession) {
                state.SkipWithError("reply was not routed (unexpected broker id)");
                return;
            }
            benchmark::DoNotOptimize(out);
        }
    }
    perMessage(state, 2.0 * sessions);
}
BENCHMARK(BM_RouterRoundTrip)->ArgNames({"sessions", "traffic"})->Args({1, 0})->Args({8, 0})->Args({1, 1})->Args({8, 1});

// issue 16's flood behind the attribution gate: session 1 holds the gate with a call known to ask
// (it waits for a person), session 2 pipelines N calls of a kind not yet known, which may ask and
// so wait. Every arrival drains the queue and the host asks for the next deadline, as ServerHost
// does after each dispatch. per_msg should not grow with N (it did, linearly, before the queue's
// lanes: every waiting call was judged on every arrival).
void BM_RouterGatedFlood(benchmark::State &state)
{
    const int flood = int(state.range(0));
    const QByteArray samplerInit =
        R"({"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{"sampling":{}},"clientInfo":{"name":"bench","version":"1"}},"jsonrpc":"2.0","id":0})";
    QList<QByteArray> calls;
    for (int i = 0; i < flood; ++i)
        calls.append(R"({"method":"tools/call","params":{"name":"search","arguments":{}},"jsonrpc":"2.0","id":)" +
                     QByteArray::number(i + 1) + '}');
    for (auto _ : state) {
        state.PauseTiming();
        auto router = std::make_unique<Router>(QStringLiteral("bench"), [] { return qint64(1000); });
        router->setKnownAskers({QStringLiteral("tools/call:askUser")});
        const RouterActions start = router->childStarted();
        router->fromChild(manifold::jsonrpc::makeResult(QByteArray::number(idOf(start.at(0).data)), ChildInitResult));
        for (SessionId s = 1; s <= 2; ++s) {
            router->addSession(s);
            router->fromSession(s, samplerInit);
            router->fromSession(s, ClientInitialized);
        }
        router->fromSession(1, R"({"method":"tools/call","params":{"name":"askUser","arguments":{}},"jsonrpc":"2.0","id":1})");
        state.ResumeTiming();
        for (const QByteArray &call : calls) {
            benchmark::DoNotOptimize(router->fromSession(2, call));
            benchmark::DoNotOptimize(router->nextDeadlineMs());
        }
        state.PauseTiming();
        if (router->waitingCount() != flood)
            state.SkipWithError("the flood was not held back by the gate");
        router.reset();
        state.ResumeTiming();
    }
    perMessage(state, flood);
}
BENCHMARK(BM_RouterGatedFlood)->ArgName("queued")->Arg(1000)->Arg(5000)->Arg(10000)->Unit(benchmark::kMillisecond);

// What the round trips spend outside the router: writing the next id into the reply line.
void BM_Harness(benchmark::State &state)
{
    ReplyLine reply(EchoResultHead, "}");
    qint64 id = 100;
    for (auto _ : state)
        benchmark::DoNotOptimize(reply.withId(++id).constData());
    perMessage(state, 1.0);
}
BENCHMARK(BM_Harness);

// notifications/progress from the child for a request in flight, back to its session.
void BM_RouterProgress(benchmark::State &state)
{
    ReadyRouter ready(8);
    const QByteArray request =
        R"({"method":"tools/call","params":{"name":"slow","arguments":{},"_meta":{"progressToken":3}},"jsonrpc":"2.0","id":3})";
    const RouterActions out = ready.router.fromSession(5, request);
    const QByteArray forwarded = out.at(0).data;
    const auto token = manifold::json::findPath(forwarded, {"params", "_meta", "progressToken"});
    const QByteArray progress = R"({"method":"notifications/progress","params":{"progressToken":)" +
                                token->in(forwarded).toByteArray() + R"(,"progress":1,"total":10},"jsonrpc":"2.0"})";
    for (auto _ : state) {
        const RouterActions routed = ready.router.fromChild(progress);
        if (routed.size() != 1 || routed.at(0).session != 5) {
            state.SkipWithError("progress was not routed to its session");
            return;
        }
        benchmark::DoNotOptimize(routed);
    }
    perMessage(state, 1.0);
}
BENCHMARK(BM_RouterProgress);

// A large tool result through the router (with its request: 2 messages per iteration).
void BM_RouterLargeResult(benchmark::State &state)
{
    ReadyRouter ready(1);
    Router &router = ready.router;
    qint64 nextId = ready.probeNextId();
    const QByteArray text(state.range(0), 'x');
    ReplyLine reply(R"({"result":{"content":[{"type":"text","text":")" + text + R"("}]},"jsonrpc":"2.0","id":)", "}");
    for (auto _ : state) {
        router.fromSession(1, EchoRequest);
        const RouterActions out = router.fromChild(reply.withId(nextId++));
        if (out.size() != 1 || out.at(0).kind != Kind::ToSession) {
            state.SkipWithError("reply was not routed");
            return;
        }
        benchmark::DoNotOptimize(out);
    }
    state.SetBytesProcessed(int64_t(state.iterations()) * state.range(0));
    perMessage(state, 2.0);
}
BENCHMARK(BM_RouterLargeResult)->Arg(64 * 1024)->Arg(10 * 1000 * 1000)->Unit(benchmark::kMicrosecond);

// The envelope classifier alone, on a request and on a reply.
void BM_ParseEnvelope(benchmark::State &state)
{
    const QByteArray line = state.range(0) == 0 ? EchoRequest : echoResult(123456);
    for (auto _ : state)
        benchmark::DoNotOptimize(manifold::jsonrpc::parseEnvelope(line));
    perMessage(state, 1.0);
}
BENCHMARK(BM_ParseEnvelope)->ArgName("reply")->Arg(0)->Arg(1);

// The line framer: 64 KiB reads holding many echo requests, split into lines.
void BM_LineBufferSmallLines(benchmark::State &state)
{
    QByteArray chunk;
    int lines = 0;
    while (chunk.size() + EchoRequest.size() + 1 <= 64 * 1024) {
        chunk += EchoRequest + '\n';
        ++lines;
    }
    manifold::LineBuffer buffer;
    for (auto _ : state) {
        buffer.append(chunk);
        for (auto item = buffer.next(); item.kind != manifold::LineBuffer::Item::Kind::None; item = buffer.next())
            benchmark::DoNotOptimize(item);
    }
    perMessage(state, lines);
}
BENCHMARK(BM_LineBufferSmallLines);

// The line framer on one 10 MB line arriving in 64 KiB reads (a large tool result).
void BM_LineBufferLargeLine(benchmark::State &state)
{
    const qsizetype total = 10 * 1000 * 1000;
    const QByteArray piece(64 * 1024, 'x');
    manifold::LineBuffer buffer;
    for (auto _ : state) {
        for (qsizetype sent = 0; sent + piece.size() < total; sent += piece.size())
            buffer.append(piece);
        buffer.append("\n");
        auto item = buffer.next();
        if (item.kind != manifold::LineBuffer::Item::Kind::Line) {
            state.SkipWithError("no line");
            return;
        }
        benchmark::DoNotOptimize(item);
    }
    state.SetBytesProcessed(int64_t(state.iterations()) * total);
    perMessage(state, 1.0);
}
BENCHMARK(BM_LineBufferLargeLine)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
