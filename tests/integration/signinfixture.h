#pragma once

// The fixture of the SignIn tests (issue 15): an oauth-world, a MemorySecretStore, and a scripted
// browser (tests/e2e/lib/scripted-browser.mjs) as MANIFOLD_URL_OPENER.

#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <iostream>
#include <memory>
#include <utility>

#include "oauthworld.h"
#include "remote/signin.h"
#include "remote/urlopener.h"
#include "secrets/secretstore.h"

namespace oauthtest {

using manifold::AuthGate;
using manifold::MemorySecretStore;
using manifold::ServerConfig;
using manifold::remote::SignIn;

inline constexpr int SignInTimeoutMs = 30000;

class SignInTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        if (!QFileInfo::exists(QStringLiteral(MANIFOLD_E2E_NODE)))
            GTEST_SKIP() << "node 24 of tests/e2e is missing (run npm ci in tests/e2e)";
        ASSERT_TRUE(m_dir.isValid());
        // MANIFOLD_URL_OPENER names a program: a wrapper that runs the scripted browser.
        const QString opener = m_dir.filePath(QStringLiteral("open-url.sh"));
        QFile script(opener);
        ASSERT_TRUE(script.open(QIODevice::WriteOnly));
        script.write(
            QStringLiteral("#!/bin/sh\nexec '%1' '%2' \"$1\"\n")
                .arg(QStringLiteral(MANIFOLD_E2E_NODE), QStringLiteral(SCRIPTED_BROWSER_SCRIPT))
                .toUtf8());
        script.close();
        script.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                              QFileDevice::ExeOwner);
        m_browserLog = m_dir.filePath(QStringLiteral("browser.log"));
        qputenv("MANIFOLD_URL_OPENER", opener.toLocal8Bit());
        qputenv("SCRIPTED_BROWSER_LOG", m_browserLog.toLocal8Bit());
        qunsetenv("SCRIPTED_BROWSER_DENY");
        qunsetenv("SCRIPTED_BROWSER_TAMPER_STATE");
    }

    void TearDown() override
    {
        qunsetenv("MANIFOLD_URL_OPENER");
        qunsetenv("SCRIPTED_BROWSER_LOG");
        qunsetenv("SCRIPTED_BROWSER_DENY");
        qunsetenv("SCRIPTED_BROWSER_TAMPER_STATE");
        if (HasFailure()) {
            QFile log(m_browserLog);
            if (log.open(QIODevice::ReadOnly))
                std::cerr << "scripted browser log:\n" << log.readAll().toStdString();
        }
    }

    void startWorld(const QStringList &flags = {},
                    const QList<QPair<QString, QString>> &environment = {})
    {
        QString error;
        ASSERT_TRUE(m_world.start(flags, &error, environment)) << error.toStdString();
    }

    std::unique_ptr<SignIn> makeSignIn(const QString &name,
                                       const ServerConfig::OAuth &settings = {},
                                       const SignIn::Options &options = {})
    {
        auto signIn = std::make_unique<SignIn>(
            name, m_world.mcpUrl, settings, &m_store,
            [this](const QUrl &url) {
                ++m_openerCalls;
                m_openedUrls.append(url);
                manifold::remote::openUrlWithOpener(
                    url, [](const QUrl &) { ADD_FAILURE() << "no opener program"; });
            },
            options);
        signIn->load();
        return signIn;
    }

    // A real first request: no token, 401 and the server's WWW-Authenticate.
    QByteArray probeChallenge()
    {
        const oauthtest::HttpAnswer answer = oauthtest::initialize(m_world.mcpUrl, {});
        EXPECT_EQ(answer.status, 401);
        EXPECT_TRUE(answer.wwwAuthenticate.contains("resource_metadata"));
        return answer.wwwAuthenticate;
    }

    // Challenges and waits for the interactive sign-in to end; returns its outcome.
    std::pair<bool, QString> challengeAndWait(SignIn &signIn)
    {
        QSignalSpy finished(&signIn, &SignIn::loginFinished);
        signIn.challenged({}, 401, probeChallenge());
        if (!finished.wait(SignInTimeoutMs))
            return {false, QStringLiteral("timed out")};
        return {finished.at(0).at(0).toBool(), finished.at(0).at(1).toString()};
    }

    void signInOk(SignIn &signIn)
    {
        const auto [ok, message] = challengeAndWait(signIn);
        ASSERT_TRUE(ok) << message.toStdString();
        ASSERT_EQ(signIn.state(), AuthGate::State::SignedIn);
    }

    QString stored(const QString &key) const { return m_store.values().value(key); }

    QTemporaryDir m_dir;
    QString m_browserLog;
    World m_world;
    MemorySecretStore m_store;
    int m_openerCalls = 0;
    QList<QUrl> m_openedUrls;
};

} // namespace oauthtest
