#include "wwwauthenticate.h"

namespace manifold::remote {

namespace {

// tchar of RFC 9110 §5.6.2.
bool isTokenChar(char c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

// token68 of RFC 9110 §11.2, without its trailing '='s.
bool isToken68Char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           QByteArrayView("-._~+/").contains(c);
}

// A cursor over the header value.
class Reader
{
public:
    explicit Reader(QByteArrayView text) : m_text(text) {}

    bool atEnd() const { return m_at >= m_text.size(); }
    char peek() const { return atEnd() ? '\0' : m_text[m_at]; }
    qsizetype position() const { return m_at; }
    void rewind(qsizetype to) { m_at = to; }
    void skip() { ++m_at; }

    void skipSpaces()
    {
        while (!atEnd() && (peek() == ' ' || peek() == '\t'))
            ++m_at;
    }
    // Empty list elements are allowed ("a, , b"): commas with spaces around them.
    void skipSeparators()
    {
        while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == ','))
            ++m_at;
    }
    QByteArrayView take(bool (*accepts)(char))
    {
        const qsizetype start = m_at;
        while (!atEnd() && accepts(peek()))
            ++m_at;
        return m_text.sliced(start, m_at - start);
    }
    // A quoted-string without its quotes and escapes; nullopt if it does not end.
    std::optional<QByteArray> quoted()
    {
        QByteArray value;
        ++m_at;   // the opening quote
        while (!atEnd()) {
            const char c = m_text[m_at++];
            if (c == '"')
                return value;
            if (c == '\\') {
                if (atEnd())
                    return std::nullopt;
                value.append(m_text[m_at++]);
            } else {
                value.append(c);
            }
        }
        return std::nullopt;
    }

private:
    QByteArrayView m_text;
    qsizetype m_at = 0;
};

// After the scheme and its spaces: a token68 if one stands alone up to the end or a comma.
bool takeToken68(Reader &reader, WwwAuthenticate::Challenge *challenge)
{
    const qsizetype start = reader.position();
    QByteArray token = reader.take(isToken68Char).toByteArray();
    while (reader.peek() == '=') {
        token.append('=');
        reader.skip();
    }
    reader.skipSpaces();
    if (!token.isEmpty() && !token.startsWith('=') && (reader.atEnd() || reader.peek() == ',')) {
        challenge->token68 = token;
        return true;
    }
    reader.rewind(start);
    return false;
}

// The auth-params of a challenge, until a name without '=' (the next challenge's scheme).
// False for a malformed parameter.
bool takeParams(Reader &reader, WwwAuthenticate::Challenge *challenge)
{
    for (;;) {
        reader.skipSeparators();
        const qsizetype start = reader.position();
        const QByteArrayView name = reader.take(isTokenChar);
        reader.skipSpaces();
        if (name.isEmpty() || reader.peek() != '=') {
            reader.rewind(start);
            return true;
        }
        reader.skip();
        reader.skipSpaces();
        QByteArray value;
        if (reader.peek() == '"') {
            const std::optional<QByteArray> quoted = reader.quoted();
            if (!quoted)
                return false;
            value = *quoted;
        } else {
            value = reader.take(isTokenChar).toByteArray();
            if (value.isEmpty())
                return false;
        }
        challenge->params.append({name.toByteArray().toLower(), value});
        reader.skipSpaces();
        if (!reader.atEnd() && reader.peek() != ',')
            return false;
    }
}

} // namespace

std::optional<QByteArray> WwwAuthenticate::Challenge::param(QByteArrayView lowerName) const
{
    for (const auto &[name, value] : params) {
        if (name == lowerName)
            return value;
    }
    return std::nullopt;
}

QList<WwwAuthenticate::Challenge> WwwAuthenticate::parse(QByteArrayView header)
{
    QList<Challenge> challenges;
    Reader reader(header);
    for (reader.skipSeparators(); !reader.atEnd(); reader.skipSeparators()) {
        Challenge challenge;
        challenge.scheme = reader.take(isTokenChar).toByteArray();
        if (challenge.scheme.isEmpty())
            break;
        const bool spaced = reader.peek() == ' ' || reader.peek() == '\t';
        reader.skipSpaces();
        if (!reader.atEnd() && reader.peek() != ',') {
            if (!spaced)
                break;   // "Bearer=x" or a stray character glued to the scheme
            if (!takeToken68(reader, &challenge) && !takeParams(reader, &challenge)) {
                challenges.append(std::move(challenge));   // with the parameters before the fault
                break;
            }
        }
        challenges.append(std::move(challenge));
    }
    return challenges;
}

std::optional<WwwAuthenticate::Bearer> WwwAuthenticate::bearer(QByteArrayView header)
{
    for (const Challenge &challenge : parse(header)) {
        if (challenge.scheme.compare("Bearer", Qt::CaseInsensitive) != 0)
            continue;
        Bearer bearer;
        bearer.realm = challenge.param("realm").value_or(QByteArray());
        bearer.error = challenge.param("error").value_or(QByteArray());
        bearer.errorDescription = challenge.param("error_description").value_or(QByteArray());
        bearer.scope = challenge.param("scope").value_or(QByteArray());
        bearer.resourceMetadata = challenge.param("resource_metadata").value_or(QByteArray());
        return bearer;
    }
    return std::nullopt;
}

} // namespace manifold::remote
