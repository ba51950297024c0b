#include "keychainsupport.h"

#include "secrets/secretstore.h"

#include "privatehome.h"

#include <QCoreApplication>
#include <QTimer>

#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <cstring>

namespace {

// --probe-keychain: read one entry and print how that went ("Ok", "NotFound" or "Failed: why"),
// exit 0 unless it failed. Lets a test see the error in an environment of its choosing.
int probeKeychain()
{
    manifold::KeychainSecretStore store(keychaintest::uniqueService());
    int code = 2;
    store.read(QStringLiteral("probe"), [&code](const manifold::SecretStore::Result &result) {
        switch (result.status) {
        case manifold::SecretStore::Status::Ok:
            std::printf("Ok\n");
            code = 0;
            break;
        case manifold::SecretStore::Status::NotFound:
            std::printf("NotFound\n");
            code = 0;
            break;
        case manifold::SecretStore::Status::Failed:
            std::printf("Failed: %s\n", qPrintable(result.error));
            code = 1;
            break;
        }
        QCoreApplication::exit(code);
    });
    QCoreApplication::exec();
    return code;
}

} // namespace

int main(int argc, char **argv)
{
    std::signal(SIGPIPE, SIG_IGN);
    const testsupport::PrivateHome home; // what it starts never writes to the user's home
    QCoreApplication app(argc, argv);
    if (argc > 1 && std::strcmp(argv[1], "--probe-keychain") == 0)
        return probeKeychain();
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
