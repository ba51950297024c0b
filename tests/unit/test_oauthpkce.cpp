#include "remote/oauthpkce.h"

#include <QSet>

#include <gtest/gtest.h>

using manifold::remote::OAuthPkce;

TEST(OAuthPkce, TheChallengeOfRfc7636AppendixB)
{
    // The 32 octets, the verifier they encode to, and its S256 challenge.
    const unsigned char octets[] = {116, 24,  223, 180, 151, 153, 224, 37,  79, 250, 96,
                                    125, 216, 173, 187, 186, 22,  212, 37,  77, 105, 214,
                                    191, 240, 91,  88,  5,   88,  83,  132, 141, 121};
    const OAuthPkce pkce = OAuthPkce::fromOctets(QByteArrayView(reinterpret_cast<const char *>(octets), 32));
    EXPECT_EQ(pkce.verifier, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    EXPECT_EQ(pkce.challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    EXPECT_EQ(OAuthPkce::fromVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").challenge,
              "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    EXPECT_STREQ(OAuthPkce::Method, "S256");
}

TEST(OAuthPkce, AGeneratedVerifierIsValidAndItsChallengeMatches)
{
    QSet<QByteArray> seen;
    for (int i = 0; i < 50; ++i) {
        const OAuthPkce pkce = OAuthPkce::generate();
        EXPECT_EQ(pkce.verifier.size(), 43);
        EXPECT_TRUE(OAuthPkce::isValidVerifier(pkce.verifier)) << pkce.verifier.constData();
        EXPECT_EQ(pkce.challenge, OAuthPkce::challengeOf(pkce.verifier));
        EXPECT_EQ(pkce.challenge.size(), 43);   // 32 bytes of SHA-256, no padding
        EXPECT_FALSE(pkce.challenge.contains('='));
        seen.insert(pkce.verifier);
    }
    EXPECT_EQ(seen.size(), 50);
}

TEST(OAuthPkce, VerifierLengthAndAlphabet)
{
    EXPECT_FALSE(OAuthPkce::isValidVerifier(QByteArray(42, 'a')));
    EXPECT_TRUE(OAuthPkce::isValidVerifier(QByteArray(43, 'a')));
    EXPECT_TRUE(OAuthPkce::isValidVerifier(QByteArray(128, '~')));
    EXPECT_FALSE(OAuthPkce::isValidVerifier(QByteArray(129, 'a')));
    EXPECT_TRUE(OAuthPkce::isValidVerifier("AZaz09-._~" + QByteArray(33, 'x')));
    for (const char bad : {'+', '/', '=', ' ', '%', '\0'}) {
        QByteArray verifier(43, 'a');
        verifier[20] = bad;
        EXPECT_FALSE(OAuthPkce::isValidVerifier(verifier)) << int(bad);
    }
}

TEST(OAuthPkce, StateIsLongRandomAndUrlSafe)
{
    const QByteArray first = OAuthPkce::newState();
    const QByteArray second = OAuthPkce::newState();
    EXPECT_NE(first, second);
    EXPECT_GE(first.size() * 6, 128);   // base64url: 6 bits a character
    EXPECT_TRUE(OAuthPkce::isValidVerifier(first));   // the same unreserved alphabet
}

TEST(OAuthPkce, StatesCompareExactly)
{
    const QByteArray state = OAuthPkce::newState();
    EXPECT_TRUE(OAuthPkce::sameState(state, state));
    EXPECT_FALSE(OAuthPkce::sameState(state, state.chopped(1)));
    QByteArray changed = state;
    changed[changed.size() - 1] = changed.back() == 'A' ? 'B' : 'A';
    EXPECT_FALSE(OAuthPkce::sameState(state, changed));
    EXPECT_FALSE(OAuthPkce::sameState({}, {}));   // no state of ours: nothing matches it
}
