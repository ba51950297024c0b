#pragma once

// Small helpers shared by the Router's translation units.

#include "broker/router.h"
#include "jsonrpc/jsonscan.h"

#include <QList>
#include <QString>

#include <algorithm>
#include <array>

namespace manifold::routerutil {

// Protocol revisions the broker knows, oldest first. Date strings compare in time order.
inline const QList<QByteArrayView> KnownVersions = {"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"};
inline constexpr QByteArrayView NewestProtocolVersion = "2025-11-25";
// The stateless era (MCP 2026-07-28): no initialize; every request carries these _meta keys.
inline constexpr QByteArrayView StatelessVersion = "2026-07-28";
inline constexpr QByteArrayView ProtocolVersionKey = "io.modelcontextprotocol/protocolVersion";
inline constexpr QByteArrayView ClientInfoKey = "io.modelcontextprotocol/clientInfo";
inline constexpr QByteArrayView SubscriptionIdKey = "io.modelcontextprotocol/subscriptionId";
// _meta key tying a message to a task (MCP 2025-11-25).
inline constexpr QByteArrayView RelatedTaskKey = "io.modelcontextprotocol/related-task";

struct Edit
{
    json::Span span;
    QByteArray replacement;
};

// Applies non-overlapping edits in one pass: the result is built once, at its final size (a
// large request is not copied once per edit).
inline QByteArray applyEdits(QByteArrayView line, QList<Edit> edits)
{
    std::sort(edits.begin(), edits.end(), [](const Edit &a, const Edit &b) { return a.span.begin < b.span.begin; });
    qsizetype size = line.size();
    for (const Edit &edit : edits)
        size += edit.replacement.size() - edit.span.size();
    QByteArray out;
    out.reserve(size);
    qsizetype from = 0;
    for (const Edit &edit : edits) {
        out.append(line.sliced(from, edit.span.begin - from));
        out.append(edit.replacement);
        from = edit.span.end;
    }
    out.append(line.sliced(from));
    return out;
}

// The numeric ids and tokens the broker hands out.
inline std::optional<qint64> brokerIdFrom(QByteArrayView raw)
{
    if (json::typeOf(raw) != json::ValueType::Number)
        return std::nullopt;
    bool ok = false;
    const qint64 id = raw.toLongLong(&ok);
    if (!ok)
        return std::nullopt;
    return id;
}

// Absolute span of a path below an absolute object span, e.g. params._meta.progressToken.
inline std::optional<json::Span> findBelow(QByteArrayView line, json::Span object,
                                           std::initializer_list<QByteArrayView> keys)
{
    if (!object.isValid())
        return std::nullopt;
    auto found = json::findPath(object.in(line), keys);
    if (!found)
        return std::nullopt;
    return json::Span{object.begin + found->begin, object.begin + found->end};
}

// The 2026-07-28 stream subscription id under object's _meta. A cheap byte search first: most
// values (a large tool result above all) cannot hold one and are not scanned again.
inline std::optional<json::Span> subscriptionIdBelow(QByteArrayView line, json::Span object)
{
    if (!object.isValid() || !json::mayContainKey(object.in(line), SubscriptionIdKey))
        return std::nullopt;
    return findBelow(line, object, {"_meta", SubscriptionIdKey});
}

// Decoded string at a path below object, empty if absent or not a string.
inline QByteArray stringAt(QByteArrayView line, json::Span object, std::initializer_list<QByteArrayView> keys)
{
    const auto span = findBelow(line, object, keys);
    return span ? json::decodeString(span->in(line)).value_or(QByteArray()) : QByteArray();
}

inline QByteArray capabilityFor(const QByteArray &method)
{
    if (method == "roots/list")
        return "roots";
    if (method == "sampling/createMessage")
        return "sampling";
    if (method.startsWith("elicitation/"))
        return "elicitation";
    return {};
}

inline RouterAction log(const QString &text)
{
    return {RouterAction::Kind::Log, 0, text.toUtf8()};
}

} // namespace manifold::routerutil
