#include "oauthpkce.h"

#include <QCryptographicHash>

#include "http/tokenstore.h"

namespace manifold::remote {

namespace {

constexpr qsizetype RandomBytes = 32;   // 43 characters of base64url, 256 bits
constexpr auto UrlSafe = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

bool isUnreserved(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

} // namespace

OAuthPkce OAuthPkce::generate()
{
    return fromOctets(http::TokenStore::randomBytes(RandomBytes));
}

OAuthPkce OAuthPkce::fromOctets(QByteArrayView octets)
{
    return fromVerifier(octets.toByteArray().toBase64(UrlSafe));
}

OAuthPkce OAuthPkce::fromVerifier(QByteArray verifier)
{
    OAuthPkce pkce;
    pkce.challenge = challengeOf(verifier);
    pkce.verifier = std::move(verifier);
    return pkce;
}

QByteArray OAuthPkce::challengeOf(QByteArrayView verifier)
{
    return QCryptographicHash::hash(verifier, QCryptographicHash::Sha256).toBase64(UrlSafe);
}

bool OAuthPkce::isValidVerifier(QByteArrayView verifier)
{
    if (verifier.size() < 43 || verifier.size() > 128)
        return false;
    for (const char c : verifier) {
        if (!isUnreserved(c))
            return false;
    }
    return true;
}

QByteArray OAuthPkce::newState()
{
    return http::TokenStore::randomBytes(RandomBytes).toBase64(UrlSafe);
}

bool OAuthPkce::sameState(QByteArrayView ours, QByteArrayView returned)
{
    if (ours.isEmpty() || ours.size() != returned.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < ours.size(); ++i)
        difference |= static_cast<unsigned char>(ours[i] ^ returned[i]);
    return difference == 0;
}

} // namespace manifold::remote
