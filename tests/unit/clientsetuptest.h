#pragma once

// Shared fixture for the client setup tests: a temporary home and config dir, a memory secret
// store, and helpers that run ClientSetup's asynchronous steps to completion.

#include "clients/clientsetup.h"
#include "config/serverregistry.h"
#include "secrets/secretstore.h"

#include <QDir>
#include <QDirIterator>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTimer>

#include <gtest/gtest.h>

#include <optional>

class ClientSetupTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_home.isValid());
        ASSERT_TRUE(m_config.isValid());
        env.home = m_home.path();
        env.configHome = env.home + QStringLiteral("/.config");
        env.appSupport = env.configHome;
        env.codexHome = env.home + QStringLiteral("/.codex");
        env.dataHome = env.home + QStringLiteral("/.local/share");
        configDir = m_config.path();
        setup = std::make_unique<manifold::ClientSetup>(env, configDir, &store);
        setup->setRealShim(QStringLiteral("/opt/manifold/bin/manifold-shim"));
    }

    QString home(const QString &relative) const { return env.home + QLatin1Char('/') + relative; }

    void write(const QString &path, const QByteArray &bytes)
    {
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile file(path);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(bytes);
    }

    static QByteArray read(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    // Runs the event loop until done() was called (the engine always answers).
    template<typename Start>
    static void runUntilDone(Start start)
    {
        QEventLoop loop;
        bool finished = false;
        start([&] {
            finished = true;
            loop.quit();
        });
        if (!finished) {
            QTimer guard;
            guard.setSingleShot(true);
            QObject::connect(&guard, &QTimer::timeout, &loop, &QEventLoop::quit);
            guard.start(10000);
            loop.exec();
        }
        ASSERT_TRUE(finished) << "the engine never answered";
    }

    manifold::SetupPlan plan(const manifold::ClientSetup::Options &options = {})
    {
        manifold::SetupPlan result;
        QString error;
        runUntilDone([&](auto finish) {
            setup->planSetup(options, [&, finish](const manifold::SetupPlan &plan, const QString &e) {
                result = plan;
                error = e;
                finish();
            });
        });
        EXPECT_TRUE(error.isEmpty()) << error.toStdString();
        return result;
    }

    manifold::SetupOutcome apply(const manifold::SetupPlan &plan)
    {
        manifold::SetupOutcome result;
        runUntilDone([&](auto finish) {
            setup->applySetup(plan, [&, finish](const manifold::SetupOutcome &outcome) {
                result = outcome;
                finish();
            });
        });
        return result;
    }

    manifold::SetupOutcome setUp(const manifold::ClientSetup::Options &options = {})
    {
        return apply(plan(options));
    }

    manifold::RevertPlan planRevert(const manifold::ClientSetup::Options &options = {})
    {
        manifold::RevertPlan result;
        runUntilDone([&](auto finish) {
            setup->planRevert(options, [&, finish](const manifold::RevertPlan &plan, const QString &) {
                result = plan;
                finish();
            });
        });
        return result;
    }

    manifold::SetupOutcome revert(const manifold::ClientSetup::Options &options = {})
    {
        const manifold::RevertPlan revertPlan = planRevert(options);
        manifold::SetupOutcome result;
        runUntilDone([&](auto finish) {
            setup->applyRevert(revertPlan, [&, finish](const manifold::SetupOutcome &outcome) {
                result = outcome;
                finish();
            });
        });
        return result;
    }

    QList<manifold::ServerConfig> registry() const
    {
        manifold::ServerRegistry registry(configDir);
        QString error;
        EXPECT_TRUE(registry.load(&error)) << error.toStdString();
        return registry.servers();
    }

    // Every file under dir whose bytes contain needle.
    static QStringList filesContaining(const QString &dir, const QByteArray &needle)
    {
        QStringList hits;
        QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            if (read(path).contains(needle))
                hits.append(path);
        }
        return hits;
    }

    const manifold::FilePlan *filePlan(const manifold::SetupPlan &plan, const QString &path) const
    {
        for (const manifold::FilePlan &file : plan.files) {
            if (file.loaded.file.path == path)
                return &file;
        }
        return nullptr;
    }

    manifold::ClientEnvironment env;
    QString configDir;
    manifold::MemorySecretStore store;
    std::unique_ptr<manifold::ClientSetup> setup;

private:
    QTemporaryDir m_home;
    QTemporaryDir m_config;
};
