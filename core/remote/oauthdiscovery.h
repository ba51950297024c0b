#pragma once

#include <QList>
#include <QUrl>

namespace manifold::remote {

// Where the sign-in looks for an MCP server's OAuth metadata (MCP 2025-11-25 authorization,
// RFC 9728, RFC 8414, OpenID Connect Discovery), and the resource identifier it asks tokens
// for (RFC 8707). URLs only: fetching them is the OAuth client's job.
class OAuthDiscovery final
{
public:
    // The protected resource metadata URLs to try, in order, for an MCP server URL. The URL of
    // a 401's `resource_metadata` comes alone when it is a usable http(s) URL (MCP: use it when
    // present); else the well-known URL with the server's path inserted after the host
    // (RFC 9728 §3.1), then the one at the root. Empty for a server URL that is not http(s).
    static QList<QUrl> protectedResourceMetadataUrls(const QUrl &serverUrl,
                                                     const QUrl &fromChallenge = {});

    // The authorization server metadata URLs to try, in order, for an issuer (MCP 2025-11-25
    // "Authorization Server Metadata Discovery"): with a path, RFC 8414's and OpenID Connect's
    // well-known paths inserted before it, then OpenID Connect's appended to it; without one,
    // the two at the root. Empty for an issuer that is not http(s).
    static QList<QUrl> authorizationServerMetadataUrls(const QUrl &issuer);

    // The canonical URI of an MCP server for the `resource` parameter (RFC 8707, MCP
    // "Canonical Server URI"): scheme and host in lower case, no fragment, no user info, no
    // default port, and no lone "/" path. Invalid for a URL that is not absolute http(s).
    static QUrl canonicalResource(const QUrl &serverUrl);
};

} // namespace manifold::remote
