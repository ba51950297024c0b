// The front door's request parser (Boost.Beast underneath) against itself: however a peer's bytes
// are split into reads, the parser must report the same requests and the same refusal, never
// hold more than its limits allow, and never hand over a request beyond them. Input (binary):
// the first byte picks how the rest is cut into reads (1 to 64 bytes, or all at once); the rest
// is what the peer sends.
#include "fuzzcheck.h"

#include "http/httprequest.h"

#include <QList>

using manifold::http::Limits;
using manifold::http::Request;
using manifold::http::RequestParser;
using Kind = RequestParser::Step::Kind;

namespace {

Limits smallLimits()
{
    Limits limits;
    limits.maxHeadBytes = 512;
    limits.maxHeaders = 12;
    limits.maxBodyBytes = 1024;
    return limits;
}

// What a run of the parser said, as text, to compare runs.
QByteArray describe(const Request &request)
{
    QByteArray text = request.method + ' ' + request.target + " 1." + QByteArray::number(request.minorVersion);
    for (const auto &[name, value] : request.headers)
        text += '|' + name + '=' + value;
    return text + " body=" + request.body;
}

QList<QByteArray> run(QByteArrayView input, qsizetype readSize)
{
    const Limits limits = smallLimits();
    RequestParser parser(limits);
    QList<QByteArray> said;
    bool inRequest = false;
    bool failed = false;
    for (qsizetype at = 0; at < input.size() && !failed; at += readSize) {
        parser.append(input.sliced(at, std::min(readSize, input.size() - at)));
        for (RequestParser::Step step = parser.next(); step.kind != Kind::NeedMore && !failed; step = parser.next()) {
            switch (step.kind) {
            case Kind::Head:
                FUZZ_CHECK(!inRequest, "a second head before the request was complete");
                inRequest = true;
                FUZZ_CHECK(!parser.request().method.isEmpty() && !parser.request().target.isEmpty(), "a head without method or target");
                FUZZ_CHECK(parser.request().headers.size() <= limits.maxHeaders, "more headers than the limit");
                break;
            case Kind::Complete:
                FUZZ_CHECK(inRequest, "a request completed without a head");
                inRequest = false;
                FUZZ_CHECK(parser.request().body.size() <= limits.maxBodyBytes,
                           "a body of " + QByteArray::number(parser.request().body.size()) + " bytes passed the limit");
                said.append(describe(parser.takeRequest()));
                break;
            case Kind::Error:
                FUZZ_CHECK(step.status >= 400 && step.status < 600 && !step.message.isEmpty(), "an error without status or reason");
                said.append("error " + QByteArray::number(step.status));
                FUZZ_CHECK(parser.next().kind == Kind::Error, "parsing went on after an error");
                FUZZ_CHECK(parser.bufferedBytes() == 0, "bytes kept after an error");
                failed = true;
                break;
            case Kind::NeedMore:
                break;
            }
        }
        // Waiting for more, it never holds more than a head and a body (plus the read in hand).
        FUZZ_CHECK(failed || parser.bufferedBytes() <= limits.maxHeadBytes + limits.maxBodyBytes + readSize + 2,
                   "holds " + QByteArray::number(parser.bufferedBytes()) + " bytes");
    }
    if (inRequest && !failed)
        said.append("incomplete");
    return said;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const QByteArrayView input = fuzz::bytesOf(data + 1, size - 1);
    const qsizetype readSize = data[0] % 65 == 0 ? qMax<qsizetype>(1, input.size()) : data[0] % 65;
    QList<QByteArray> whole = run(input, qMax<qsizetype>(1, input.size()));
    QList<QByteArray> pieces = run(input, readSize);
    // A refusal of an unfinished head may come sooner when more bytes are in hand (Beast sees a
    // bad method in a longer read), but the requests before it do not depend on the reads.
    for (QList<QByteArray> *said : {&whole, &pieces}) {
        if (!said->isEmpty() && (said->constLast().startsWith("error") || said->constLast() == "incomplete"))
            said->removeLast();
    }
    FUZZ_CHECK(whole == pieces, "reads of " + QByteArray::number(readSize) + " bytes: " +
                                    QList<QByteArray>(pieces).join(" / ") + "\n  all at once: " + QList<QByteArray>(whole).join(" / "));
    return 0;
}
