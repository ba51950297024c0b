// The hand-built hello reader (core/wire/hello.cpp) on arbitrary bytes as the first line of a
// connection. Besides not crashing: it accepts only valid JSON, refuses with one of the broker's
// texts, and what it accepts survives toLine() and back unchanged (for the members toLine writes).
#include "fuzzcheck.h"

#include "wire/hello.h"
#include "wire/json.h"

#include <string>

namespace wire = manifold::wire;

namespace {

QByteArray bytes(const std::string &text)
{
    return QByteArray(text.data(), qsizetype(text.size()));
}

bool isKnownRefusal(const std::string &error)
{
    const auto startsWith = [&error](const char *prefix) { return error.rfind(prefix, 0) == 0; };
    return error == "expected a Manifold hello line first (is this a Manifold shim?)" ||
           startsWith("hello protocol version ") || startsWith("unknown role '") ||
           error == "the shim did not name a server";
}

void checkHello(std::string_view line)
{
    std::string error;
    const auto hello = wire::Hello::fromLine(line, &error);
    if (!hello) {
        FUZZ_CHECK(isKnownRefusal(error), "unexpected refusal text: " + bytes(error));
        return;
    }
    FUZZ_CHECK(wire::json::isValid(line), "accepted a hello that is not JSON");
    const std::string written = hello->toLine();
    std::string again;
    const auto back = wire::Hello::fromLine(written, &again);
    FUZZ_CHECK(back.has_value(), "own hello refused: " + bytes(again) + " " + bytes(written));
    FUZZ_CHECK(back->role == hello->role && back->server == hello->server &&
                   back->pid == hello->pid && back->parentExe == hello->parentExe &&
                   back->cwd == hello->cwd && back->peerVersion == hello->peerVersion &&
                   back->version == hello->version,
               "hello changed through toLine: " + bytes(written));
    FUZZ_CHECK(back->ppid == (hello->ppid > 0 ? hello->ppid : -1), "ppid changed: " + bytes(written));
    if (hello->previousSession >= 0) {
        FUZZ_CHECK(back->previousSession == hello->previousSession &&
                       back->previousBrokerPid == hello->previousBrokerPid,
                   "previous session changed: " + bytes(written));
    }
}

void checkReply(std::string_view line)
{
    const auto reply = wire::HelloReply::fromLine(line);
    if (!reply)
        return;
    FUZZ_CHECK(wire::json::isValid(line), "accepted a reply that is not JSON");
    const std::string written = reply->toLine();
    const auto back = wire::HelloReply::fromLine(written);
    FUZZ_CHECK(back.has_value(), "own reply not read: " + bytes(written));
    FUZZ_CHECK(back->accepted == reply->accepted && back->brokerPid == reply->brokerPid &&
                   back->brokerVersion == reply->brokerVersion &&
                   back->closedReason == reply->closedReason &&
                   back->session == (reply->session >= 0 ? reply->session : -1) &&
                   back->error == (reply->accepted ? std::string() : reply->error),
               "reply changed through toLine: " + bytes(written));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view line(reinterpret_cast<const char *>(data), size);
    checkHello(line);
    checkReply(line);
    return 0;
}
