// The SSE parser of remote upstreams against itself: however a server's bytes are split into
// reads (a CR at the end of one read and its LF in the next, a byte order mark cut in two), the
// same events and the same refusal come out, and no event passes the size bound. Input
// (binary): the first byte picks how the rest is cut into reads (1 to 64 bytes, or all at
// once); the rest is the event stream.
#include "fuzzcheck.h"

#include "remote/sseparser.h"

#include <QList>

using manifold::remote::SseParser;

namespace {

constexpr qsizetype MaxBytes = 256;

QByteArray describe(const SseParser::Event &event)
{
    QByteArray text = event.type + " [" + event.data + ']';
    if (event.id)
        text += " id=" + *event.id;
    if (event.idChanged)
        text += " (new id)";
    if (event.retryMs)
        text += " retry=" + QByteArray::number(*event.retryMs);
    return text;
}

QList<QByteArray> run(QByteArrayView input, qsizetype readSize)
{
    SseParser parser(MaxBytes);
    QList<QByteArray> said;
    for (qsizetype at = 0; at < input.size(); at += readSize) {
        const bool failedBefore = parser.failed();
        const QList<SseParser::Event> events = parser.feed(input.sliced(at, std::min(readSize, input.size() - at)));
        FUZZ_CHECK(!failedBefore || events.isEmpty(), "events after an error");
        for (const SseParser::Event &event : events) {
            FUZZ_CHECK(event.data.size() < MaxBytes, "an event of " + QByteArray::number(event.data.size()) + " bytes");
            FUZZ_CHECK(event.isMessage() || event.idChanged || event.retryMs, "an empty event with no news");
            FUZZ_CHECK(!event.type.isEmpty(), "an event without a type");
            FUZZ_CHECK(event.id == parser.lastEventId() || &event != &events.constLast(),
                       "the last event's id is not the parser's");
            said.append(describe(event));
        }
    }
    if (parser.failed())
        said.append("error: " + parser.error().toUtf8());
    return said;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const QByteArrayView input = fuzz::bytesOf(data + 1, size - 1);
    const qsizetype readSize = data[0] % 65 == 0 ? qMax<qsizetype>(1, input.size()) : data[0] % 65;
    const QList<QByteArray> whole = run(input, qMax<qsizetype>(1, input.size()));
    const QList<QByteArray> pieces = run(input, readSize);
    FUZZ_CHECK(whole == pieces, "reads of " + QByteArray::number(readSize) + " bytes: " +
                                    QList<QByteArray>(pieces).join(" / ") + "\n  all at once: " + QList<QByteArray>(whole).join(" / "));
    return 0;
}
