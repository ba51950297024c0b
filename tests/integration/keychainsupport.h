#pragma once

// For the tests against the real OS keychain (label keychain): a store on a service name of
// the test's own, and whether a Secret Service answers at all.

#include "secrets/keychainsecretstore.h"

#include <QCoreApplication>
#include <QString>
#include <QUuid>

#include <optional>

namespace keychaintest {

// A service no user entry lives under: "Manifold-test-<uuid>".
inline QString uniqueService()
{
    return QStringLiteral("Manifold-test-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
}

// scripts/test.sh runs the tests beside a gnome-keyring it started and sets this: then a
// missing keychain is a failure, not a reason to skip.
inline bool keyringRequired()
{
    return qEnvironmentVariable("MANIFOLD_REQUIRE_KEYRING") == QLatin1String("1");
}

// Empty if the keychain stores, reads and removes an entry; else why not.
QString unavailableReason(manifold::KeychainSecretStore &store);

} // namespace keychaintest

// In a test body: skip (or fail, when a keyring is required) without a working keychain.
#define REQUIRE_KEYCHAIN(store)                                                                    \
    do {                                                                                           \
        const QString why_ = keychaintest::unavailableReason(store);                               \
        if (!why_.isEmpty()) {                                                                     \
            if (keychaintest::keyringRequired())                                                   \
                FAIL() << "MANIFOLD_REQUIRE_KEYRING=1 but the keychain does not work: "            \
                       << why_.toStdString();                                                      \
            GTEST_SKIP() << "no usable keychain (run scripts/test.sh for a gnome-keyring): "       \
                         << why_.toStdString();                                                    \
        }                                                                                          \
    } while (false)
