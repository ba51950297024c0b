#include "jsonscan.h"

#include <cstring>

#include "wire/json.h"

// The scanner itself lives in core/wire (shared with the shim); these are its QByteArray faces.
namespace manifold::json {
namespace {

namespace wj = wire::json;

std::optional<Span> optionalFromWire(const std::optional<wj::Span> &span)
{
    return span ? std::optional<Span>(fromWire(*span)) : std::nullopt;
}

} // namespace

bool isValid(QByteArrayView text)
{
    return wj::isValid(toWire(text));
}

std::optional<Span> valueSpan(QByteArrayView text, ScanError *error)
{
    return optionalFromWire(wj::valueSpan(toWire(text), error));
}

std::optional<QList<Member>> objectMembers(QByteArrayView objectText)
{
    QList<Member> members;
    const bool ok = wj::visitMembers(
        toWire(objectText),
        [](void *context, std::string_view rawKey, wj::Span value) {
            static_cast<QList<Member> *>(context)->append(
                Member{decodeString(fromWire(rawKey)).value_or(QByteArray()), fromWire(value)});
        },
        &members);
    if (!ok)
        return std::nullopt;
    return members;
}

std::optional<QList<Span>> arrayElements(QByteArrayView arrayText)
{
    QList<Span> elements;
    const bool ok = wj::visitElements(
        toWire(arrayText),
        [](void *context, wj::Span value) {
            static_cast<QList<Span> *>(context)->append(fromWire(value));
        },
        &elements);
    if (!ok)
        return std::nullopt;
    return elements;
}

std::optional<Span> findPath(QByteArrayView text, std::initializer_list<QByteArrayView> keys)
{
    // Paths are a handful of keys deep: their views fit on the stack.
    constexpr size_t MaxKeys = 16;
    std::string_view views[MaxKeys];
    if (keys.size() > MaxKeys)
        return std::nullopt;
    size_t count = 0;
    for (QByteArrayView key : keys)
        views[count++] = toWire(key);
    return optionalFromWire(wj::findPath(toWire(text), views, count));
}

std::optional<Span> findMember(QByteArrayView objectText, QByteArrayView key)
{
    return optionalFromWire(wj::findMember(toWire(objectText), toWire(key)));
}

bool visitMembers(QByteArrayView objectText, MemberVisitor onMember, void *context,
                  ScanError *error)
{
    struct Forward
    {
        MemberVisitor onMember;
        void *context;
    } forward{onMember, context};
    return wj::visitMembers(
        toWire(objectText),
        [](void *f, std::string_view rawKey, wj::Span value) {
            const auto *to = static_cast<Forward *>(f);
            to->onMember(to->context, fromWire(rawKey), fromWire(value));
        },
        &forward, error);
}

bool keyEquals(QByteArrayView rawKey, QByteArrayView key)
{
    return wj::keyEquals(toWire(rawKey), toWire(key));
}

bool mayContainKey(QByteArrayView text, QByteArrayView key)
{
    return wj::mayContainKey(toWire(text), toWire(key));
}

std::optional<QByteArray> decodeString(QByteArrayView literal)
{
    const auto decoded = wj::decodeString(toWire(literal));
    if (!decoded)
        return std::nullopt;
    return QByteArray(decoded->data(), qsizetype(decoded->size()));
}

QByteArray encodeString(QByteArrayView utf8)
{
    const std::string encoded = wj::encodeString(toWire(utf8));
    return QByteArray(encoded.data(), qsizetype(encoded.size()));
}

ValueType typeOf(QByteArrayView raw)
{
    return wj::typeOf(toWire(raw));
}

QByteArray splice(QByteArrayView text, Span span, QByteArrayView replacement)
{
    // Built in a QByteArray directly: the result of a splice is usually a whole (large) line.
    QByteArray out;
    out.reserve(text.size() - span.size() + replacement.size());
    out.append(text.first(span.begin));
    out.append(replacement);
    out.append(text.sliced(span.end));
    return out;
}

void spliceInPlace(QByteArray &text, Span span, QByteArrayView replacement)
{
    const qsizetype tail = text.size() - span.end;
    const qsizetype grow = replacement.size() - span.size();
    if (grow > 0)
        text.resize(text.size() + grow);   // a realloc: grows in place or moves the pages
    char *bytes = text.data();
    if (grow != 0)
        std::memmove(bytes + span.end + grow, bytes + span.end, size_t(tail));
    if (!replacement.isEmpty())
        std::memcpy(bytes + span.begin, replacement.data(), size_t(replacement.size()));
    if (grow < 0)
        text.truncate(text.size() + grow);
}

} // namespace manifold::json
