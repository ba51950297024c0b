#include "hello.h"

#include <array>
#include <limits>

#include "json.h"
#include "jsonrpc.h"

namespace manifold::wire {
namespace {

// The raw values of the members named in names (the last of duplicates wins, as QJsonDocument
// did); false if text (whitespace around allowed) is not one JSON object. Unknown members are
// ignored; values[i] stays empty when names[i] is absent.
template <size_t N>
bool rawMembers(std::string_view text, const std::array<std::string_view, N> &names,
                std::array<std::string_view, N> *values)
{
    struct Collect
    {
        std::string_view object;
        const std::array<std::string_view, N> *names;
        std::array<std::string_view, N> *values;
    };
    size_t first = 0;
    while (first < text.size() && (text[first] == ' ' || text[first] == '\t' ||
                                   text[first] == '\n' || text[first] == '\r'))
        ++first;
    Collect collect{text.substr(first), &names, values};
    return json::visitMembers(
        collect.object,
        [](void *context, std::string_view rawKey, json::Span value) {
            auto *c = static_cast<Collect *>(context);
            for (size_t i = 0; i < N; ++i) {
                if (json::keyEquals(rawKey, (*c->names)[i]))
                    (*c->values)[i] = value.in(c->object);
            }
        },
        &collect);
}

// A string member as QJsonValue::toString() read it: its text, or empty if it is not a string.
std::string stringOf(std::string_view raw)
{
    if (json::typeOf(raw) != json::ValueType::String)
        return {};
    return json::decodeString(raw).value_or(std::string());
}

// A number member as QJsonValue::toInteger(fallback) read it: its value when it is an integer
// that fits, whatever its spelling (7, 7.0, 0.7e1, 70e-1), else fallback. Exact decimal
// arithmetic: no double, no locale.
int64_t integerOf(std::string_view raw, int64_t fallback)
{
    if (json::typeOf(raw) != json::ValueType::Number || !json::isValid(raw))
        return fallback;
    size_t i = 0;
    const bool negative = raw[i] == '-';
    if (negative)
        ++i;
    std::string digits; // the significant digits of integer and fraction parts
    int64_t exponent = 0;
    for (; i < raw.size() && raw[i] >= '0' && raw[i] <= '9'; ++i)
        digits += raw[i];
    if (i < raw.size() && raw[i] == '.') {
        for (++i; i < raw.size() && raw[i] >= '0' && raw[i] <= '9'; ++i) {
            digits += raw[i];
            --exponent;
        }
    }
    if (i < raw.size() && (raw[i] == 'e' || raw[i] == 'E')) {
        ++i;
        const bool negativeExponent = i < raw.size() && raw[i] == '-';
        if (i < raw.size() && (raw[i] == '+' || raw[i] == '-'))
            ++i;
        int64_t written = 0;
        for (; i < raw.size(); ++i) {
            if (written < 100000)
                written = written * 10 + (raw[i] - '0');
        }
        exponent += negativeExponent ? -written : written;
    }
    const size_t nonZero = digits.find_first_not_of('0');
    if (nonZero == std::string::npos)
        return 0;
    digits.erase(0, nonZero);
    while (digits.back() == '0') {
        digits.pop_back();
        ++exponent;
    }
    if (exponent < 0 || exponent > 19 || digits.size() + size_t(exponent) > 19)
        return fallback; // a fraction, or more digits than an int64 holds
    uint64_t magnitude = 0;
    for (const char d : digits)
        magnitude = magnitude * 10 + uint64_t(d - '0');
    for (int64_t e = 0; e < exponent; ++e)
        magnitude *= 10;
    const uint64_t limit = negative ? uint64_t(std::numeric_limits<int64_t>::max()) + 1
                                    : uint64_t(std::numeric_limits<int64_t>::max());
    if (magnitude > limit)
        return fallback;
    return negative ? int64_t(0 - magnitude) : int64_t(magnitude);
}

void appendMember(std::string &out, std::string_view name, std::string_view value)
{
    out += out.size() > 1 ? ",\"" : "\"";
    out += name;
    out += "\":";
    json::appendEncodedString(out, value);
}

void appendMember(std::string &out, std::string_view name, int64_t value)
{
    out += out.size() > 1 ? ",\"" : "\"";
    out += name;
    out += "\":";
    out += std::to_string(value);
}

} // namespace

// Members in key order, as QJsonDocument wrote them, so the bytes did not change with the move.
std::string Hello::toLine() const
{
    std::string out = "{";
    if (!cwd.empty())
        appendMember(out, "cwd", cwd);
    appendMember(out, "manifold", "hello");
    if (!parentExe.empty())
        appendMember(out, "parentExe", parentExe);
    appendMember(out, "peerVersion", peerVersion);
    appendMember(out, "pid", pid);
    if (ppid > 0)
        appendMember(out, "ppid", ppid);
    if (previousSession >= 0) {
        appendMember(out, "previousBrokerPid", previousBrokerPid);
        appendMember(out, "previousSession", previousSession);
    }
    appendMember(out, "role", role);
    if (!server.empty())
        appendMember(out, "server", server);
    appendMember(out, "version", int64_t(ProtocolVersion));
    out += '}';
    return out;
}

std::optional<Hello> Hello::fromLine(std::string_view line, std::string *error)
{
    enum { Manifold, Version, Role, Server, Pid, Ppid, ParentExe, Cwd, PeerVersion, PreviousSession,
           PreviousBrokerPid, Count };
    static constexpr std::array<std::string_view, Count> names{
        "manifold", "version", "role", "server", "pid", "ppid", "parentExe", "cwd", "peerVersion",
        "previousSession", "previousBrokerPid"};
    std::array<std::string_view, Count> raw;
    if (!rawMembers(line, names, &raw) || stringOf(raw[Manifold]) != "hello") {
        *error = "expected a Manifold hello line first (is this a Manifold shim?)";
        return std::nullopt;
    }
    Hello hello;
    const int64_t version = integerOf(raw[Version], 0);
    hello.version = version >= std::numeric_limits<int>::min() && version <= std::numeric_limits<int>::max()
                        ? int(version)
                        : 0;
    hello.role = stringOf(raw[Role]);
    hello.server = stringOf(raw[Server]);
    hello.pid = integerOf(raw[Pid], -1);
    hello.ppid = integerOf(raw[Ppid], -1);
    hello.parentExe = stringOf(raw[ParentExe]);
    hello.cwd = stringOf(raw[Cwd]);
    hello.peerVersion = stringOf(raw[PeerVersion]);
    hello.previousSession = integerOf(raw[PreviousSession], -1);
    hello.previousBrokerPid = integerOf(raw[PreviousBrokerPid], -1);
    if (hello.version != ProtocolVersion) {
        *error = "hello protocol version " + std::to_string(hello.version) +
                 " is not supported (broker speaks " + std::to_string(ProtocolVersion) +
                 "); upgrade Manifold so the shim and the broker match";
        return std::nullopt;
    }
    if (hello.role != "shim" && hello.role != "control") {
        *error = "unknown role '" + hello.role + "'";
        return std::nullopt;
    }
    if (hello.role == "shim" && hello.server.empty()) {
        *error = "the shim did not name a server";
        return std::nullopt;
    }
    return hello;
}

std::string HelloReply::toLine() const
{
    std::string out = "{";
    appendMember(out, "brokerPid", brokerPid);
    appendMember(out, "brokerVersion", brokerVersion);
    if (!closedReason.empty())
        appendMember(out, "closedReason", closedReason);
    if (!accepted)
        appendMember(out, "error", error);
    appendMember(out, "manifold", accepted ? "welcome" : "refused");
    if (session >= 0)
        appendMember(out, "session", session);
    appendMember(out, "version", int64_t(Hello::ProtocolVersion));
    out += '}';
    return out;
}

std::optional<HelloReply> HelloReply::fromLine(std::string_view line)
{
    enum { Manifold, Error, BrokerPid, BrokerVersion, Session, ClosedReason, Count };
    static constexpr std::array<std::string_view, Count> names{
        "manifold", "error", "brokerPid", "brokerVersion", "session", "closedReason"};
    std::array<std::string_view, Count> raw;
    if (!rawMembers(line, names, &raw))
        return std::nullopt;
    const std::string kind = stringOf(raw[Manifold]);
    if (kind != "welcome" && kind != "refused")
        return std::nullopt;
    HelloReply reply;
    reply.accepted = kind == "welcome";
    reply.error = stringOf(raw[Error]);
    reply.brokerPid = integerOf(raw[BrokerPid], -1);
    reply.brokerVersion = stringOf(raw[BrokerVersion]);
    reply.session = integerOf(raw[Session], -1);
    reply.closedReason = stringOf(raw[ClosedReason]);
    return reply;
}

std::string SessionClosing::line(std::string_view reason)
{
    std::string params = "{\"reason\":";
    json::appendEncodedString(params, reason);
    params += '}';
    return jsonrpc::makeNotification(Method, params);
}

} // namespace manifold::wire
