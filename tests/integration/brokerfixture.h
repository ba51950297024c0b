#pragma once

#include "broker/broker.h"
#include "broker/serverhost.h"
#include "config/serverconfig.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <functional>
#include <memory>

using manifold::ServerConfig;

// A real broker in the test process, on a private socket, with fake_mcp_server children and
// short stop/restart timings.
class BrokerFixture : public ::testing::Test
{
protected:
    void SetUp() override;
    void TearDown() override;

    ServerConfig fakeServer(const QString &name, const QStringList &fakeArgs = {}) const;
    void registerServer(const ServerConfig &config);
    void startBroker();

    manifold::ServerHost *host(const QString &name) const { return m_broker->host(name); }
    QJsonObject serverStatus(const QString &name) const;
    QString path(const QString &file) const { return m_dir.filePath(file); }
    bool waitForState(const QString &name, manifold::ServerHost::State state, int timeoutMs = 10000);

    QTemporaryDir m_dir;
    QString m_socketPath;
    QString m_configDir;
    manifold::Broker::Options m_options;
    std::unique_ptr<manifold::Broker> m_broker;
};

// Reads a file the fake server appended request lines to.
QList<QJsonObject> readRequestLog(const QString &file);
