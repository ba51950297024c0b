// The Clients page over a temporary home, a temporary config dir and a memory secret store:
// setup through the preview dialog, then revert, with real clicks.

#include "clientfixtures.h"
#include "clientsetupdialog.h"
#include "clientspage.h"
#include "diffview.h"

#include "clients/clientsetup.h"
#include "models/clienttablemodel.h"
#include "secrets/secretstore.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

#include <gtest/gtest.h>

using namespace manifold;
namespace cf = clientfixtures;

namespace {

class ClientsPageTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_home.isValid() && m_config.isValid());
        m_homePath = m_home.path();
        ASSERT_TRUE(cf::writeFixtures(m_homePath));
        m_setup =
            std::make_unique<ClientSetup>(cf::environment(m_homePath), m_config.path(), &m_store);
        m_setup->setShimPath(cf::shimPath(m_homePath));
        m_setup->setRealShim(QString()); // no launcher: the tests only read the configs
        m_page = std::make_unique<ClientsPage>();
        m_page->setClientSetup(m_setup.get());
        m_page->resize(1000, 600);
        m_page->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_page.get()));
    }

    void TearDown() override
    {
        if (ClientSetupDialog *dialog = m_page->currentDialog())
            delete dialog;
        m_page.reset();
    }

    QString state(const QString &clientId, const QString &path) const
    {
        const int row = m_page->model()->rowOf(clientId, path);
        return row < 0
                   ? QString()
                   : m_page->model()->index(row, ClientTableModel::StateColumn).data().toString();
    }

    // The preview dialog, found among the top-level windows as a user would see it.
    static ClientSetupDialog *visibleDialog()
    {
        for (QWidget *widget : QApplication::topLevelWidgets()) {
            auto *dialog = qobject_cast<ClientSetupDialog *>(widget);
            if (dialog && dialog->isVisible())
                return dialog;
        }
        return nullptr;
    }

    ClientSetupDialog *clickAndWaitForDialog(QPushButton *button)
    {
        EXPECT_TRUE(button->isEnabled());
        QTest::mouseClick(button, Qt::LeftButton);
        // Planning answers from the event loop: the page is busy until then.
        EXPECT_TRUE(m_page->isBusy());
        EXPECT_FALSE(m_page->setUpAllButton()->isEnabled());
        EXPECT_FALSE(m_page->revertAllButton()->isEnabled());
        if (!QTest::qWaitFor([] { return visibleDialog() != nullptr; }, 10000))
            return nullptr;
        return visibleDialog();
    }

    void applyAndWait(ClientSetupDialog *dialog)
    {
        ASSERT_TRUE(dialog->applyButton()->isEnabled());
        QTest::mouseClick(dialog->applyButton(), Qt::LeftButton);
        EXPECT_FALSE(dialog->cancelButton()->isEnabled()); // no closing while it writes
        ASSERT_TRUE(QTest::qWaitFor([&] { return dialog->isFinished(); }, 10000));
        EXPECT_FALSE(m_page->isBusy());
    }

    void closeDialog(ClientSetupDialog *dialog)
    {
        const QPointer<ClientSetupDialog> guard(dialog);
        QTest::mouseClick(dialog->cancelButton(), Qt::LeftButton);
        ASSERT_TRUE(QTest::qWaitFor([&] { return guard.isNull(); }, 5000)); // deleted on close
    }

    QTemporaryDir m_home;
    QTemporaryDir m_config;
    QString m_homePath;
    MemorySecretStore m_store;
    std::unique_ptr<ClientSetup> m_setup;
    std::unique_ptr<ClientsPage> m_page;
};

} // namespace

TEST_F(ClientsPageTest, SetUpAllThroughThePreviewThenRevertAll)
{
    const QString claude = cf::claudeDesktopPath(m_homePath);
    const QString cursor = cf::cursorPath(m_homePath);
    const QString shim = cf::shimPath(m_homePath);

    // Only the two clients that exist are listed; the others show up with "Show all clients".
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_page->table()->model()->rowCount() == 2; }, 5000));
    EXPECT_EQ(state(QStringLiteral("claude-desktop"), claude), QStringLiteral("not set up"));
    EXPECT_EQ(state(QStringLiteral("cursor"), cursor), QStringLiteral("not set up"));
    const int cursorRow = m_page->model()->rowOf(QStringLiteral("cursor"), cursor);
    EXPECT_EQ(m_page->model()->index(cursorRow, ClientTableModel::RemoteColumn).data().toInt(), 1);
    EXPECT_EQ(m_page->model()->index(cursorRow, ClientTableModel::LocalColumn).data().toInt(), 1);
    EXPECT_FALSE(m_page->revertAllButton()->isEnabled()); // nothing to revert yet
    QTest::mouseClick(m_page->showAllCheck(), Qt::LeftButton);
    EXPECT_GT(m_page->table()->model()->rowCount(), 10);
    QTest::mouseClick(m_page->showAllCheck(), Qt::LeftButton);
    EXPECT_EQ(m_page->table()->model()->rowCount(), 2);

    // Set up all: the preview shows the rewrite with the secret masked.
    ClientSetupDialog *preview = clickAndWaitForDialog(m_page->setUpAllButton());
    ASSERT_NE(preview, nullptr);
    EXPECT_EQ(preview->mode(), ClientSetupDialog::Mode::Setup);
    const QString diff = preview->diffView()->toPlainText();
    EXPECT_TRUE(diff.contains(shim)) << diff.toStdString();
    EXPECT_TRUE(diff.contains(QStringLiteral("********"))) << diff.toStdString();
    EXPECT_FALSE(diff.contains(QString::fromUtf8(cf::kSecret))) << diff.toStdString();
    EXPECT_TRUE(diff.contains(QStringLiteral("-      \"command\": \"npx\",")));
    // Decisions: the Cursor "memory" reuses Claude's, the remote one becomes a remote server
    // every client shares (issue 15).
    const auto decisions = preview->detailsTree()->findItems(QStringLiteral("docs"),
                                                             Qt::MatchExactly | Qt::MatchRecursive);
    ASSERT_EQ(decisions.size(), 1);
    EXPECT_TRUE(decisions.first()->text(1).startsWith(QStringLiteral("imported as remote server “docs”")))
        << decisions.first()->text(1).toStdString();
    const auto github =
        preview->serversTree()->findItems(QStringLiteral("github"), Qt::MatchExactly);
    ASSERT_EQ(github.size(), 1);
    EXPECT_EQ(github.first()->text(3), QStringLiteral("GITHUB_PERSONAL_ACCESS_TOKEN"));
    EXPECT_EQ(github.first()->text(4), QStringLiteral("shared"));
    EXPECT_EQ(preview->serversTree()->topLevelItemCount(), 3);  // memory once, github, docs
    EXPECT_EQ(cf::readFile(claude), cf::claudeDesktopConfig()); // nothing written before Apply

    applyAndWait(preview);
    EXPECT_TRUE(cf::readFile(claude).contains(shim.toUtf8()));
    EXPECT_TRUE(cf::readFile(cursor).contains(shim.toUtf8()));
    EXPECT_FALSE(cf::readFile(claude).contains(cf::kSecret));
    EXPECT_TRUE(cf::readFile(claude).contains("\"globalShortcut\": \"Ctrl+Space\""));
    EXPECT_EQ(m_store.values().value(serverSecretKey(
                  QStringLiteral("github"), QStringLiteral("GITHUB_PERSONAL_ACCESS_TOKEN"))),
              QString::fromUtf8(cf::kSecret));
    EXPECT_TRUE(preview->outcomeLabel()->text().contains(QStringLiteral("Changed 2 file")))
        << preview->outcomeLabel()->text().toStdString();
    EXPECT_TRUE(preview->restartLabel()->isVisible());
    EXPECT_TRUE(preview->restartLabel()->text().contains(QStringLiteral("Claude Desktop")))
        << preview->restartLabel()->text().toStdString();
    EXPECT_FALSE(preview->restartLabel()->text().contains(QStringLiteral("Cursor")));
    EXPECT_EQ(state(QStringLiteral("claude-desktop"), claude), QStringLiteral("set up"));
    EXPECT_EQ(state(QStringLiteral("cursor"), cursor), QStringLiteral("set up"));
    EXPECT_TRUE(m_page->statusLabel()->text().contains(QStringLiteral("Claude Desktop")));
    closeDialog(preview);

    // Setting up again finds nothing to do and opens no dialog.
    QTest::mouseClick(m_page->setUpAllButton(), Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !m_page->isBusy(); }, 10000));
    EXPECT_EQ(visibleDialog(), nullptr);
    EXPECT_TRUE(m_page->statusLabel()->text().startsWith(QStringLiteral("Nothing to set up")));

    // Revert all: the files come back byte for byte, the secret included.
    ASSERT_TRUE(m_page->revertAllButton()->isEnabled());
    ClientSetupDialog *revert = clickAndWaitForDialog(m_page->revertAllButton());
    ASSERT_NE(revert, nullptr);
    EXPECT_EQ(revert->mode(), ClientSetupDialog::Mode::Revert);
    const QString revertDiff = revert->diffView()->toPlainText();
    EXPECT_TRUE(revertDiff.contains(
        QStringLiteral("+        \"GITHUB_PERSONAL_ACCESS_TOKEN\": \"********\"")))
        << revertDiff.toStdString();
    EXPECT_FALSE(revertDiff.contains(QString::fromUtf8(cf::kSecret)));
    applyAndWait(revert);
    EXPECT_EQ(cf::readFile(claude), cf::claudeDesktopConfig());
    EXPECT_EQ(cf::readFile(cursor), cf::cursorConfig());
    EXPECT_TRUE(revert->restartLabel()->text().contains(QStringLiteral("Claude Desktop")));
    EXPECT_EQ(state(QStringLiteral("claude-desktop"), claude), QStringLiteral("not set up"));
    EXPECT_EQ(state(QStringLiteral("cursor"), cursor), QStringLiteral("not set up"));
    EXPECT_FALSE(m_page->revertAllButton()->isEnabled());
    closeDialog(revert);
}

// "Connect through: HTTP": Cursor gets a front door URL entry with a token of its own, made only
// when applying (the preview masks it), Claude Desktop keeps the shim and the preview says why;
// Revert All puts both files back and revokes the token.
TEST_F(ClientsPageTest, HttpChoiceGivesUrlClientsTheFrontDoor)
{
    QStringList tokens;
    QStringList calls;
    m_setup->setControl([&](const QString &method, const QJsonObject &params,
                            const ClientSetup::ControlReply &reply) {
        const QString name = params.value(QStringLiteral("name")).toString();
        calls.append(method);
        QJsonObject result{
            {QStringLiteral("enabled"), true},
            {QStringLiteral("listening"), true},
            {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:47999/mcp/NAME")},
            {QStringLiteral("tokens"), QJsonArray()}};
        if (method == QLatin1String("http/tokenAdd")) {
            tokens.append(name);
            result = {
                {QStringLiteral("name"), name},
                {QStringLiteral("secret"), QStringLiteral("mfd_") + QString(43, QLatin1Char('C'))}};
        } else if (method == QLatin1String("http/tokenRevoke")) {
            tokens.removeAll(name);
        }
        QTimer::singleShot(0, [reply, result] { reply(true, result, QString()); });
    });
    const QString claude = cf::claudeDesktopPath(m_homePath);
    const QString cursor = cf::cursorPath(m_homePath);
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_page->table()->model()->rowCount() == 2; }, 5000));

    EXPECT_EQ(m_page->transport(), SetupTransport::Shim); // the shim stays the default
    m_page->transportCombo()->setFocus();
    QTest::keyClick(m_page->transportCombo(), Qt::Key_Down);
    ASSERT_EQ(m_page->transport(), SetupTransport::Http);

    ClientSetupDialog *preview = clickAndWaitForDialog(m_page->setUpAllButton());
    ASSERT_NE(preview, nullptr);
    const QString diff = preview->diffView()->toPlainText();
    EXPECT_TRUE(diff.contains(
        QStringLiteral("+            \"url\": \"http://127.0.0.1:47999/mcp/memory\",\n"
                       "+            \"headers\": {\n"
                       "+                \"Authorization\": \"Bearer mfd_********\"\n")))
        << diff.toStdString();
    EXPECT_FALSE(diff.contains(QStringLiteral("new-token-for"))) << diff.toStdString();
    EXPECT_TRUE(tokens.isEmpty()) << "no token before Apply";
    EXPECT_TRUE(preview->summaryLabel()->text().contains(QStringLiteral("token each (cursor)")))
        << preview->summaryLabel()->text().toStdString();
    const auto shimNote = preview->detailsTree()->findItems(QStringLiteral("(shim)"),
                                                            Qt::MatchExactly | Qt::MatchRecursive);
    ASSERT_EQ(shimNote.size(), 1);
    EXPECT_TRUE(shimNote.first()->text(1).startsWith(QStringLiteral("Claude Desktop runs only "
                                                                    "stdio servers")));

    applyAndWait(preview);
    EXPECT_EQ(tokens, QStringList{QStringLiteral("cursor")});
    const QByteArray cursorText = cf::readFile(cursor);
    EXPECT_TRUE(
        cursorText.contains("\"Authorization\": \"Bearer mfd_" + QByteArray(43, 'C') + "\""))
        << cursorText.toStdString();
    EXPECT_TRUE(cf::readFile(claude).contains(cf::shimPath(m_homePath).toUtf8()));
    EXPECT_TRUE(preview->outcomeLabel()->text().contains(QStringLiteral("made token \"cursor\"")))
        << preview->outcomeLabel()->text().toStdString();
    EXPECT_EQ(state(QStringLiteral("cursor"), cursor), QStringLiteral("set up"));
    closeDialog(preview);

    ClientSetupDialog *revert = clickAndWaitForDialog(m_page->revertAllButton());
    ASSERT_NE(revert, nullptr);
    EXPECT_FALSE(revert->diffView()->toPlainText().contains(QStringLiteral("CCCCCCCC")));
    EXPECT_TRUE(revert->summaryLabel()->text().contains(QStringLiteral("revoked: cursor")))
        << revert->summaryLabel()->text().toStdString();
    applyAndWait(revert);
    EXPECT_EQ(cf::readFile(claude), cf::claudeDesktopConfig());
    EXPECT_EQ(cf::readFile(cursor), cf::cursorConfig());
    EXPECT_TRUE(tokens.isEmpty());
    EXPECT_EQ(calls.last(), QStringLiteral("http/tokenRevoke"));
    closeDialog(revert);
}

TEST_F(ClientsPageTest, SelectionExtraSecretsAndProjectFolders)
{
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_page->table()->model()->rowCount() == 2; }, 5000));
    EXPECT_FALSE(m_page->setUpSelectedButton()->isEnabled());

    // A project folder with a Claude Code .mcp.json adds its row.
    QTemporaryDir project;
    ASSERT_TRUE(cf::writeFile(project.filePath(QStringLiteral(".mcp.json")),
                              "{\"mcpServers\": {\"fs\": {\"command\": \"npx\", \"args\": "
                              "[\"server-fs\"], \"env\": {\"ACCOUNT_ID\": \"acct-42\"}}}}\n"));
    m_page->addProjectFolder(project.path());
    const QString projectFile = project.filePath(QStringLiteral(".mcp.json"));
    EXPECT_EQ(state(QStringLiteral("claude-code"), projectFile), QStringLiteral("not set up"));
    EXPECT_EQ(m_page->projectFolders(), QStringList{project.path()});

    // Only the selected client, with ACCOUNT_ID marked as a secret.
    m_page->secretNamesEdit()->setText(QStringLiteral("ACCOUNT_ID, OTHER"));
    EXPECT_EQ(m_page->secretNames(),
              (QStringList{QStringLiteral("ACCOUNT_ID"), QStringLiteral("OTHER")}));
    const QModelIndexList rows = m_page->table()->model()->match(
        m_page->table()->model()->index(0, 0), ClientTableModel::PathRole, projectFile, 1,
        Qt::MatchExactly);
    ASSERT_EQ(rows.size(), 1);
    m_page->table()->selectRow(rows.first().row());
    ClientSetupDialog *preview = clickAndWaitForDialog(m_page->setUpSelectedButton());
    ASSERT_NE(preview, nullptr);
    const QString diff = preview->diffView()->toPlainText();
    EXPECT_TRUE(diff.contains(projectFile));
    EXPECT_FALSE(diff.contains(cf::claudeDesktopPath(m_homePath)));
    EXPECT_FALSE(diff.contains(QStringLiteral("acct-42"))) << diff.toStdString();
    const auto fs = preview->serversTree()->findItems(QStringLiteral("fs"), Qt::MatchExactly);
    ASSERT_EQ(fs.size(), 1);
    EXPECT_EQ(fs.first()->text(3), QStringLiteral("ACCOUNT_ID"));
    // A project's server runs per project; the preview says why, as manifoldctl setup does.
    const QString why = QStringLiteral("per-project (from project file %1)").arg(projectFile);
    EXPECT_EQ(fs.first()->text(4), why);
    QTreeWidget *decided = preview->decisionsTree();
    ASSERT_NE(decided, nullptr);
    const auto entry = decided->findItems(QStringLiteral("fs"), Qt::MatchExactly | Qt::MatchRecursive);
    ASSERT_EQ(entry.size(), 1);
    EXPECT_TRUE(entry.first()->text(1).endsWith(QStringLiteral("; ") + why)) << entry.first()->text(1).toStdString();
    applyAndWait(preview);
    EXPECT_FALSE(preview->restartLabel()->isVisible()); // Claude Code needs no restart
    EXPECT_EQ(state(QStringLiteral("claude-code"), projectFile), QStringLiteral("set up"));
    EXPECT_EQ(state(QStringLiteral("claude-desktop"), cf::claudeDesktopPath(m_homePath)),
              QStringLiteral("not set up"));
    closeDialog(preview);
    // The project is remembered by setup: a new page lists it without being told.
    ClientsPage again;
    again.setClientSetup(m_setup.get());
    again.refresh();
    EXPECT_EQ(again.projectFolders(), QStringList{QDir::cleanPath(project.path())});
}

TEST_F(ClientsPageTest, BrokenFileIsShownWithItsReasonAndLeftAlone)
{
    const QByteArray broken = "{\n  \"mcpServers\": {\n    \"memory\": {\"command\": \"npx\",,}\n";
    ASSERT_TRUE(cf::writeFile(cf::cursorPath(m_homePath), broken));
    m_page->refresh();
    const QString text = state(QStringLiteral("cursor"), cf::cursorPath(m_homePath));
    EXPECT_TRUE(text.startsWith(QStringLiteral("broken: "))) << text.toStdString();

    ClientSetupDialog *preview = clickAndWaitForDialog(m_page->setUpAllButton());
    ASSERT_NE(preview, nullptr);
    const auto items =
        preview->detailsTree()->findItems(cf::cursorPath(m_homePath), Qt::MatchContains);
    ASSERT_EQ(items.size(), 1);
    EXPECT_TRUE(items.first()->text(1).startsWith(QStringLiteral("not touched: ")))
        << items.first()->text(1).toStdString();
    EXPECT_TRUE(preview->summaryLabel()->text().contains(QStringLiteral("stay untouched")));
    // Cancel writes nothing.
    closeDialog(preview);
    EXPECT_EQ(cf::readFile(cf::claudeDesktopPath(m_homePath)), cf::claudeDesktopConfig());
    EXPECT_EQ(cf::readFile(cf::cursorPath(m_homePath)), broken);
}
