// Secrets in the tray widgets: the env editor marks secret variables (by name, or by hand),
// masks their values and shows one on request; the Settings tab says where each value lives
// and reveals a secret from the broker's store only when asked.
#include "brokerfixture.h"
#include "serverdialog.h"
#include "serversettingspage.h"
#include "settingsdialog.h"

#include "control/localbrokerview.h"
#include "secrets/secretstore.h"

#include <QAbstractItemDelegate>
#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>

using namespace manifold;

namespace {

QLineEdit::EchoMode editorEchoMode(QTableWidget *table, int row)
{
    const QModelIndex index = table->model()->index(row, ServerDialog::EnvValue);
    QAbstractItemDelegate *delegate = table->itemDelegateForIndex(index);
    std::unique_ptr<QWidget> editor(
        delegate->createEditor(table->viewport(), QStyleOptionViewItem(), index));
    auto *line = qobject_cast<QLineEdit *>(editor.get());
    return line ? line->echoMode() : QLineEdit::NoEcho;
}

} // namespace

TEST(ServerDialogSecrets, NamesThatLookSecretAreMarkedAndTheirValuesMasked)
{
    ServerDialog dialog({});
    QTableWidget *env = dialog.envTable();
    dialog.addEnvRow(QString(), QString(), false);
    env->item(0, ServerDialog::EnvKey)->setText(QStringLiteral("GITHUB_TOKEN"));
    env->item(0, ServerDialog::EnvValue)->setText(QStringLiteral("ghp_typed"));
    EXPECT_EQ(env->item(0, ServerDialog::EnvSecret)->checkState(), Qt::Checked);
    EXPECT_NE(dialog.displayedEnvValue(0), QStringLiteral("ghp_typed"));
    EXPECT_EQ(editorEchoMode(env, 0), QLineEdit::Password);

    // Shown on request, for this value only.
    auto *show = qobject_cast<QPushButton *>(env->cellWidget(0, ServerDialog::EnvShow));
    ASSERT_NE(show, nullptr);
    show->click();
    EXPECT_EQ(dialog.displayedEnvValue(0), QStringLiteral("ghp_typed"));
    EXPECT_EQ(editorEchoMode(env, 0), QLineEdit::Normal);
    show->click();
    EXPECT_NE(dialog.displayedEnvValue(0), QStringLiteral("ghp_typed"));

    // A plain-looking name is not marked; the user's own choice sticks through renames.
    dialog.addEnvRow(QString(), QString(), false);
    env->item(1, ServerDialog::EnvKey)->setText(QStringLiteral("MODE"));
    env->item(1, ServerDialog::EnvValue)->setText(QStringLiteral("fast"));
    EXPECT_EQ(env->item(1, ServerDialog::EnvSecret)->checkState(), Qt::Unchecked);
    EXPECT_EQ(dialog.displayedEnvValue(1), QStringLiteral("fast"));
    env->item(1, ServerDialog::EnvSecret)->setCheckState(Qt::Checked);
    env->item(1, ServerDialog::EnvKey)->setText(QStringLiteral("DSN"));
    EXPECT_EQ(env->item(1, ServerDialog::EnvSecret)->checkState(), Qt::Checked);

    const QJsonObject params = dialog.serverParams();
    EXPECT_EQ(params.value(QLatin1String("secretEnv")).toArray(),
              (QJsonArray{QStringLiteral("DSN"), QStringLiteral("GITHUB_TOKEN")}));
    EXPECT_EQ(params.value(QLatin1String("env"))
                  .toObject()
                  .value(QLatin1String("GITHUB_TOKEN"))
                  .toString(),
              QStringLiteral("ghp_typed"));
}

TEST(ServerDialogSecrets, EditingKeepsStoredValuesAndLetsTheUserUnmark)
{
    const QJsonObject server{
        {QStringLiteral("name"), QStringLiteral("gh")},
        {QStringLiteral("command"), QStringLiteral("sh")},
        {QStringLiteral("env"), QJsonObject{{QStringLiteral("API_KEY"), QJsonValue()}}},
        {QStringLiteral("secretEnv"), QJsonArray{QStringLiteral("GITHUB_TOKEN")}}};
    ServerDialog dialog({}, server);
    QTableWidget *env = dialog.envTable();
    ASSERT_EQ(env->rowCount(), 2);
    EXPECT_EQ(env->item(0, ServerDialog::EnvKey)->text(), QStringLiteral("API_KEY"));
    EXPECT_EQ(env->item(0, ServerDialog::EnvSecret)->checkState(),
              Qt::Unchecked); // the user chose plain
    EXPECT_EQ(env->item(1, ServerDialog::EnvKey)->text(), QStringLiteral("GITHUB_TOKEN"));
    EXPECT_EQ(env->item(1, ServerDialog::EnvSecret)->checkState(), Qt::Checked);

    QJsonObject params = dialog.serverParams();
    EXPECT_EQ(params.value(QLatin1String("env")).toObject(),
              (QJsonObject{{QStringLiteral("API_KEY"), QJsonValue()},
                           {QStringLiteral("GITHUB_TOKEN"), QJsonValue()}}));
    EXPECT_EQ(params.value(QLatin1String("secretEnv")).toArray(),
              QJsonArray{QStringLiteral("GITHUB_TOKEN")});

    // Swap: mark API_KEY, unmark GITHUB_TOKEN; the values stay where the broker has them (null).
    env->item(0, ServerDialog::EnvSecret)->setCheckState(Qt::Checked);
    env->item(1, ServerDialog::EnvSecret)->setCheckState(Qt::Unchecked);
    params = dialog.serverParams();
    EXPECT_EQ(params.value(QLatin1String("secretEnv")).toArray(),
              QJsonArray{QStringLiteral("API_KEY")});
    EXPECT_TRUE(params.value(QLatin1String("env"))
                    .toObject()
                    .value(QLatin1String("GITHUB_TOKEN"))
                    .isNull());
}

namespace {

class SettingsPageSecrets : public BrokerFixture
{
protected:
    void SetUp() override
    {
        BrokerFixture::SetUp();
        m_options.secretStore = &m_store;
    }
    void TearDown() override
    {
        m_view.reset();
        BrokerFixture::TearDown();
    }
    MemorySecretStore m_store;
    std::unique_ptr<LocalBrokerView> m_view;
};

} // namespace

TEST_F(SettingsPageSecrets, ShowsWhereValuesLiveAndRevealsASecretOnRequest)
{
    ServerConfig config = fakeServer(QStringLiteral("gh"));
    config.env.insert(QStringLiteral("MODE"), QStringLiteral("fast"));
    config.secretEnv = {QStringLiteral("GITHUB_TOKEN")};
    registerServer(config);
    bool stored = false;
    m_store.write(serverSecretKey(QStringLiteral("gh"), QStringLiteral("GITHUB_TOKEN")),
                  QStringLiteral("ghp_from_store"),
                  [&](const SecretStore::Result &) { stored = true; });
    ASSERT_TRUE(QTest::qWaitFor([&] { return stored; }, 5000));
    startBroker();
    m_view = std::make_unique<LocalBrokerView>(m_broker.get());

    ServerSettingsPage page(m_view.get());
    page.setServer(serverStatus(QStringLiteral("gh")));
    QTableWidget *env = page.envTable();
    ASSERT_EQ(env->rowCount(), 2);
    EXPECT_EQ(env->item(1, 0)->text(), QStringLiteral("GITHUB_TOKEN"));
    EXPECT_EQ(env->item(1, 2)->text(), QStringLiteral("Keychain"));
    EXPECT_EQ(env->item(0, 2)->text(), QStringLiteral("servers.json"));
    EXPECT_EQ(env->item(1, 1)->text(), ServerSettingsPage::maskedValue());

    auto *reveal = qobject_cast<QPushButton *>(env->cellWidget(1, 3));
    ASSERT_NE(reveal, nullptr);
    reveal->click();
    EXPECT_TRUE(QTest::qWaitFor(
        [&] { return env->item(1, 1)->text() == QStringLiteral("ghp_from_store"); }, 5000))
        << env->item(1, 1)->text().toStdString();
    EXPECT_EQ(env->item(0, 1)->text(), ServerSettingsPage::maskedValue()); // only the one asked for
    reveal->click();
    EXPECT_EQ(env->item(1, 1)->text(), ServerSettingsPage::maskedValue());

    // Marking MODE secret elsewhere (another front end) updates the page.
    QJsonObject updated = serverStatus(QStringLiteral("gh"));
    updated.insert(QStringLiteral("env"), QJsonObject{});
    updated.insert(QStringLiteral("secretEnv"),
                   QJsonArray{QStringLiteral("GITHUB_TOKEN"), QStringLiteral("MODE")});
    page.setServer(updated);
    ASSERT_EQ(env->rowCount(), 2);
    EXPECT_EQ(env->item(1, 0)->text(), QStringLiteral("MODE"));
    EXPECT_EQ(env->item(1, 2)->text(), QStringLiteral("Keychain"));
}

// The unread limit per client: a server's own from its Settings page, the default from Preferences;
// both reach the broker, which saves them.
TEST_F(SettingsPageSecrets, UnreadLimitsAreSetThroughTheBroker)
{
    registerServer(fakeServer(QStringLiteral("gh")));
    startBroker();
    m_view = std::make_unique<LocalBrokerView>(m_broker.get());

    ServerSettingsPage page(m_view.get());
    page.setServer(serverStatus(QStringLiteral("gh")));
    auto *limit = page.findChild<QSpinBox *>(QStringLiteral("unreadLimit"));
    ASSERT_NE(limit, nullptr);
    EXPECT_EQ(limit->value(), 0);
    EXPECT_EQ(limit->text(), QStringLiteral("Default"));
    EXPECT_FALSE(page.applyButton()->isEnabled());
    limit->setValue(8);
    ASSERT_TRUE(page.applyButton()->isEnabled());
    page.applyButton()->click();
    EXPECT_TRUE(QTest::qWaitFor([&] { return m_broker->registry().find(QStringLiteral("gh"))->maxQueuedBytes == 8 * 1024 * 1024; }, 5000));
    page.setServer(serverStatus(QStringLiteral("gh")));
    EXPECT_EQ(limit->value(), 8);
    EXPECT_FALSE(page.applyButton()->isEnabled());

    SettingsDialog preferences(nullptr, m_view.get());
    auto *defaultLimit = preferences.findChild<QSpinBox *>(QStringLiteral("unreadLimit"));
    ASSERT_NE(defaultLimit, nullptr);
    ASSERT_TRUE(QTest::qWaitFor([&] { return defaultLimit->isEnabled(); }, 5000));   // the broker answered
    EXPECT_EQ(defaultLimit->value(), 64);
    defaultLimit->setValue(32);
    // The traffic view's memory per server: from the broker, back to it.
    auto *trafficMemory = preferences.findChild<QSpinBox *>(QStringLiteral("trafficMemory"));
    ASSERT_NE(trafficMemory, nullptr);
    EXPECT_TRUE(trafficMemory->isEnabled());
    EXPECT_EQ(trafficMemory->value(), 8);
    EXPECT_FALSE(trafficMemory->accessibleName().isEmpty());
    trafficMemory->setValue(24);
    preferences.accept();
    EXPECT_TRUE(QTest::qWaitFor([&] { return m_broker->defaultMaxQueuedBytes() == 32 * 1024 * 1024; }, 5000));
    EXPECT_EQ(m_broker->defaultMaxQueuedBytesSource(), QStringLiteral("servers.json"));
    EXPECT_TRUE(QTest::qWaitFor([&] { return m_broker->trafficMemoryBytes() == 24 * 1024 * 1024; }, 5000));
    EXPECT_EQ(m_broker->group(QStringLiteral("gh"))->traffic().ring().capBytes(), 24 * 1024 * 1024);
}

// A remote server in the Add dialog: a URL and headers instead of a command and variables;
// the Authorization header is a secret by default and reaches the keychain, never servers.json.
TEST_F(SettingsPageSecrets, AddDialogRegistersARemoteServerWithItsSecretHeaderInTheKeychain)
{
    startBroker();
    m_view = std::make_unique<LocalBrokerView>(m_broker.get());
    ServerDialog dialog({});
    dialog.nameEdit()->setText(QStringLiteral("linear"));
    EXPECT_FALSE(dialog.validationError().isEmpty());   // a local server needs a command
    dialog.kindBox()->setCurrentIndex(dialog.kindBox()->findData(QStringLiteral("remote")));
    ASSERT_TRUE(dialog.isRemote());
    EXPECT_FALSE(dialog.commandEdit()->isVisibleTo(&dialog));
    EXPECT_TRUE(dialog.urlEdit()->isVisibleTo(&dialog));
    EXPECT_FALSE(dialog.testButton()->isEnabled());
    EXPECT_TRUE(dialog.validationError().contains(QStringLiteral("URL"))) << dialog.validationError().toStdString();
    dialog.urlEdit()->setText(QStringLiteral("https://user:pw@mcp.example.com/mcp"));
    EXPECT_TRUE(dialog.validationError().contains(QStringLiteral("user name"))) << dialog.validationError().toStdString();
    dialog.urlEdit()->setText(QStringLiteral("https://mcp.example.com/mcp"));
    EXPECT_TRUE(dialog.validationError().isEmpty()) << dialog.validationError().toStdString();
    dialog.transportBox()->setCurrentIndex(dialog.transportBox()->findData(QStringLiteral("http")));

    QTableWidget *headers = dialog.envTable();
    dialog.addEnvRow(QString(), QString(), false);
    headers->item(0, ServerDialog::EnvKey)->setText(QStringLiteral("Authorization"));
    headers->item(0, ServerDialog::EnvValue)->setText(QStringLiteral("Bearer s3cret"));
    EXPECT_EQ(headers->item(0, ServerDialog::EnvSecret)->checkState(), Qt::Checked);
    dialog.addEnvRow(QString(), QString(), false);
    headers->item(1, ServerDialog::EnvKey)->setText(QStringLiteral("X-Team"));
    headers->item(1, ServerDialog::EnvValue)->setText(QStringLiteral("core"));
    EXPECT_EQ(headers->item(1, ServerDialog::EnvSecret)->checkState(), Qt::Unchecked);
    dialog.addEnvRow(QString(), QString(), false);
    headers->item(2, ServerDialog::EnvKey)->setText(QStringLiteral("Mcp-Session-Id"));
    EXPECT_TRUE(dialog.validationError().contains(QStringLiteral("Manifold itself")));
    headers->removeRow(2);

    const QJsonObject params = dialog.serverParams();
    EXPECT_FALSE(params.contains(QStringLiteral("command")));
    EXPECT_EQ(params.value(QLatin1String("transport")).toString(), QStringLiteral("http"));
    bool done = false;
    bool ok = false;
    QString error;
    m_view->call(QStringLiteral("add"), params, [&](bool success, const QJsonObject &, const QString &message) {
        ok = success;
        error = message;
        done = true;
    });
    ASSERT_TRUE(QTest::qWaitFor([&] { return done; }, 5000));
    ASSERT_TRUE(ok) << error.toStdString();
    const QString stored = m_store.values().value(serverHeaderSecretKey(QStringLiteral("linear"), QStringLiteral("Authorization")));
    EXPECT_EQ(stored, QStringLiteral("Bearer s3cret"));
    const ServerConfig *config = m_broker->registry().find(QStringLiteral("linear"));
    ASSERT_NE(config, nullptr);
    EXPECT_EQ(config->url, QStringLiteral("https://mcp.example.com/mcp"));
    EXPECT_EQ(config->headers, (QMap<QString, QString>{{QStringLiteral("X-Team"), QStringLiteral("core")}}));
    EXPECT_EQ(config->secretHeaders, QStringList{QStringLiteral("Authorization")});
    QFile file(m_broker->registry().filePath());
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    EXPECT_FALSE(file.readAll().contains("s3cret"));

    // Editing it shows it as remote, with the stored header kept.
    ServerDialog edit({}, serverStatus(QStringLiteral("linear")));
    EXPECT_TRUE(edit.isRemote());
    EXPECT_FALSE(edit.kindBox()->isEnabled());
    EXPECT_EQ(edit.urlEdit()->text(), QStringLiteral("https://mcp.example.com/mcp"));
    EXPECT_EQ(edit.envTable()->rowCount(), 2);
}
