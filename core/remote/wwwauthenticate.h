#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>

#include <optional>

namespace manifold::remote {

// The challenges of a WWW-Authenticate header (RFC 9110 §11.6.1), read so an upstream's 401 or
// 403 tells the sign-in where the protected resource metadata is and what scope it wants. Qt
// hands several WWW-Authenticate lines over joined with ", ", which the grammar allows.
class WwwAuthenticate final
{
public:
    struct Challenge
    {
        QByteArray scheme;    // as sent; compare without case
        QByteArray token68;   // the other form of credentials ("Basic abc=="), else empty
        QList<QPair<QByteArray, QByteArray>> params;   // names in lower case, values unquoted

        // The first value of a parameter (name in lower case); nullopt if absent.
        std::optional<QByteArray> param(QByteArrayView lowerName) const;
    };

    // What a Bearer challenge says (RFC 6750 §3, RFC 9728 §5.1); absent fields are empty.
    struct Bearer
    {
        QByteArray realm;
        QByteArray error;              // "invalid_token", "insufficient_scope", ...
        QByteArray errorDescription;
        QByteArray scope;              // space-separated scopes the resource wants
        QByteArray resourceMetadata;   // the URL of the protected resource metadata
    };

    // The challenges up to the first malformed part; what came before it still counts (a typo
    // in a later parameter must not hide a Bearer challenge's resource_metadata).
    static QList<Challenge> parse(QByteArrayView header);
    // The first Bearer challenge, nullopt if there is none.
    static std::optional<Bearer> bearer(QByteArrayView header);
};

} // namespace manifold::remote
