// The WWW-Authenticate reader of remote upstreams on any header a server may send: it never
// reads past the header, every challenge it reports is well-formed (a token scheme, lower-case
// parameter names, never a token68 and parameters together), and bearer() agrees with parse().
// Input: the header's value.
#include "fuzzcheck.h"

#include "remote/wwwauthenticate.h"

using manifold::remote::WwwAuthenticate;

namespace {

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && !QByteArrayView("!#$%&'*+-.^_`|~").contains(c))
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView header = fuzz::bytesOf(data, size);
    const QList<WwwAuthenticate::Challenge> challenges = WwwAuthenticate::parse(header);
    const WwwAuthenticate::Challenge *firstBearer = nullptr;
    for (const WwwAuthenticate::Challenge &challenge : challenges) {
        FUZZ_CHECK(isToken(challenge.scheme), "scheme [" + challenge.scheme + ']');
        FUZZ_CHECK(challenge.token68.isEmpty() || challenge.params.isEmpty(), "token68 and parameters in one challenge");
        for (const auto &[name, value] : challenge.params) {
            FUZZ_CHECK(isToken(name) && name == name.toLower(), "parameter name [" + name + ']');
            FUZZ_CHECK(value.size() <= header.size(), "a value longer than the header");
        }
        if (!firstBearer && challenge.scheme.compare("Bearer", Qt::CaseInsensitive) == 0)
            firstBearer = &challenge;
    }
    const auto bearer = WwwAuthenticate::bearer(header);
    FUZZ_CHECK(bearer.has_value() == (firstBearer != nullptr), "bearer() and parse() disagree");
    if (bearer) {
        FUZZ_CHECK(bearer->realm == firstBearer->param("realm").value_or(QByteArray()), "realm differs");
        FUZZ_CHECK(bearer->resourceMetadata == firstBearer->param("resource_metadata").value_or(QByteArray()),
                   "resource_metadata differs");
    }
    return 0;
}
