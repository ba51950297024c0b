#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace manifold::remote {

// The proof key of one OAuth authorization request (PKCE, RFC 7636, method S256): the verifier
// stays with us until the token request; the challenge goes in the authorization URL.
struct OAuthPkce final
{
    QByteArray verifier;
    QByteArray challenge;

    static constexpr char Method[] = "S256";   // the only one MCP allows

    // A verifier of 43 characters from 32 bytes of the system's secure generator.
    static OAuthPkce generate();
    // The verifier is the octets in base64url without padding (RFC 7636 §4.1, Appendix B).
    static OAuthPkce fromOctets(QByteArrayView octets);
    static OAuthPkce fromVerifier(QByteArray verifier);
    // BASE64URL(SHA-256(ASCII(verifier))), without padding (RFC 7636 §4.2).
    static QByteArray challengeOf(QByteArrayView verifier);
    // 43 to 128 characters of [A-Z a-z 0-9 - . _ ~] (RFC 7636 §4.1).
    static bool isValidVerifier(QByteArrayView verifier);

    // An opaque `state` for the authorization request: 32 random bytes, base64url (256 bits,
    // past the 128 that make guessing it hopeless).
    static QByteArray newState();
    // Compares a returned state with ours without stopping at the first difference.
    static bool sameState(QByteArrayView ours, QByteArrayView returned);
};

} // namespace manifold::remote
