// The HTTP front door in the tray: the Preferences page (what Apply sends, a refusal keeps the
// user's values), the tokens (the secret shown once, revoking asks first), and against a real
// broker: listening on a port, a port in use, an HTTP session in the Sessions tab that the
// Disconnect action ends.
#include "brokerfixture.h"
#include "fakebrokerview.h"
#include "frontdoorrequest.h"
#include "httpfrontdoorpage.h"
#include "httptokensbox.h"
#include "mainwindow.h"
#include "settingsdialog.h"
#include "tokensecretdialog.h"

#include "control/localbrokerview.h"
#include "models/sessiontablemodel.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QFile>
#include <QInputDialog>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace manifold;

namespace {

const QString kUrl = QStringLiteral("http://127.0.0.1:47821/mcp/NAME");

QJsonObject httpStatus(bool enabled, bool listening, const QJsonObject &extra = {})
{
    QJsonObject status{{QStringLiteral("enabled"), enabled},
                       {QStringLiteral("address"), QStringLiteral("127.0.0.1")},
                       {QStringLiteral("port"), 47821},
                       {QStringLiteral("allowNoToken"), false},
                       {QStringLiteral("listening"), listening},
                       {QStringLiteral("url"), kUrl},
                       {QStringLiteral("tokens"), QJsonArray{}}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        status.insert(it.key(), it.value());
    return status;
}

// Answers the view's pending calls in order until one to `method` has been answered as given
// (others, such as the General page's "status", are refused); false if there was none.
bool answer(FakeBrokerView &view, const QString &method, bool ok, const QJsonObject &result,
            const QString &error = {})
{
    while (!view.calls().isEmpty()) {
        const bool wanted = view.calls().first().method == method;
        if (wanted) {
            view.answer(ok, result, error);
            return true;
        }
        view.answer(false, {}, QStringLiteral("not scripted"));
    }
    return false;
}

bool waitForCall(FakeBrokerView &view, const QString &method)
{
    return QTest::qWaitFor(
        [&] {
            for (const FakeBrokerView::Call &call : view.calls()) {
                if (call.method == method)
                    return true;
            }
            return false;
        },
        5000);
}

// A page whose first http/status the fake view has answered with `status`.
std::unique_ptr<HttpFrontDoorPage> loadedPage(FakeBrokerView &view, const QJsonObject &status)
{
    auto page = std::make_unique<HttpFrontDoorPage>(&view);
    EXPECT_TRUE(answer(view, QStringLiteral("http/status"), true, status));
    EXPECT_TRUE(QTest::qWaitFor([&] { return page->enabledBox()->isEnabled(); }, 5000));
    return page;
}

template <typename Widget> Widget *waitForChild(QObject *parent, const QString &name)
{
    Widget *found = nullptr;
    const bool shown = QTest::qWaitFor(
        [&] {
            found = parent->findChild<Widget *>(name);
            return found && found->isVisible();
        },
        5000);
    return shown ? found : nullptr;
}

// Every text a widget under `root` shows.
QStringList shownTexts(QWidget *root)
{
    QStringList texts;
    for (auto *line : root->findChildren<QLineEdit *>())
        texts << line->text();
    for (auto *plain : root->findChildren<QPlainTextEdit *>())
        texts << plain->toPlainText();
    for (auto *label : root->findChildren<QLabel *>())
        texts << label->text();
    return texts;
}

} // namespace

TEST(HttpFrontDoorPage, ShowsTheBrokersSettingsAndState)
{
    FakeBrokerView view;
    auto page = std::make_unique<HttpFrontDoorPage>(&view);
    EXPECT_FALSE(page->enabledBox()->isEnabled()); // nothing to edit before the broker answered
    EXPECT_FALSE(page->applyButton()->isEnabled());
    ASSERT_TRUE(answer(
        view, QStringLiteral("http/status"), true,
        httpStatus(true, true,
                   {{QStringLiteral("port"), 48111},
                    {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:48111/mcp/NAME")}})));
    ASSERT_TRUE(QTest::qWaitFor([&] { return page->enabledBox()->isEnabled(); }, 5000));
    EXPECT_TRUE(page->enabledBox()->isChecked());
    EXPECT_EQ(page->addressField()->text(), QStringLiteral("127.0.0.1"));
    EXPECT_EQ(page->portBox()->value(), 48111);
    EXPECT_EQ(page->stateLabel()->text(),
              QStringLiteral("Listening at http://127.0.0.1:48111/mcp/NAME"));
    EXPECT_FALSE(page->isEdited());
    EXPECT_FALSE(page->applyButton()->isEnabled());
    EXPECT_FALSE(page->behindProxyBox()->isEnabled()); // only for addresses beyond this machine
    EXPECT_FALSE(page->noTokenWarning()->isVisibleTo(page.get()));

    // Enabled in servers.json but not listening: why, next to the fields, and Apply retries.
    FakeBrokerView failing;
    auto failed = loadedPage(
        failing,
        httpStatus(
            true, false,
            {{QStringLiteral("error"),
              QStringLiteral(
                  "cannot listen on 127.0.0.1:47821: The bound address is already in use")}}));
    EXPECT_EQ(failed->stateLabel()->text(),
              QStringLiteral("Not listening: cannot listen on 127.0.0.1:47821: The bound address "
                             "is already in use"));
    EXPECT_TRUE(failed->applyButton()->isEnabled());

    FakeBrokerView off;
    auto defaults = loadedPage(off, httpStatus(false, false));
    EXPECT_EQ(defaults->portBox()->value(), 47821);
    EXPECT_TRUE(defaults->stateLabel()->text().startsWith(QStringLiteral("Off")));
}

TEST(HttpFrontDoorPage, ApplySendsTheFieldsAndARefusalKeepsThem)
{
    FakeBrokerView view;
    auto page = loadedPage(view, httpStatus(false, false));
    page->enabledBox()->setChecked(true);
    page->portBox()->setValue(48000);
    page->allowNoTokenBox()->setChecked(true);
    EXPECT_TRUE(page->noTokenWarning()->isVisibleTo(page.get()));
    EXPECT_TRUE(
        page->noTokenWarning()->text().contains(QStringLiteral("Every user of this computer")));
    ASSERT_TRUE(page->applyButton()->isEnabled());

    page->applyButton()->click();
    ASSERT_EQ(view.calls().size(), 1);
    EXPECT_EQ(view.calls().first().method, QStringLiteral("http/enable"));
    const QJsonObject expected{
        {QStringLiteral("address"), QStringLiteral("127.0.0.1")},
        {QStringLiteral("port"), 48000},
        {QStringLiteral("allowNoToken"), true},
        {QStringLiteral("tls"), QJsonObject{{QStringLiteral("certificate"), QString()},
                                            {QStringLiteral("key"), QString()}}},
        {QStringLiteral("behindProxy"), false}};
    EXPECT_EQ(view.calls().first().params, expected);
    EXPECT_FALSE(page->applyButton()->isEnabled()); // one at a time

    const QString inUse =
        QStringLiteral("cannot listen on 127.0.0.1:48000: The bound address is already in use");
    QSignalSpy applied(page.get(), &HttpFrontDoorPage::applied);
    view.answer(false, {}, inUse);
    ASSERT_TRUE(applied.wait(5000));
    EXPECT_FALSE(applied.first().first().toBool());
    EXPECT_EQ(page->stateLabel()->text(), inUse);
    EXPECT_TRUE(page->enabledBox()->isChecked());
    EXPECT_EQ(page->portBox()->value(), 48000);
    EXPECT_TRUE(page->allowNoTokenBox()->isChecked());

    // The page reads the broker's state again; the broker kept the settings and says why it
    // does not listen. The user's values stay, and Apply can try again.
    ASSERT_TRUE(waitForCall(view, QStringLiteral("http/status")));
    ASSERT_TRUE(answer(view, QStringLiteral("http/status"), true,
                       httpStatus(true, false,
                                  {{QStringLiteral("port"), 48000},
                                   {QStringLiteral("allowNoToken"), true},
                                   {QStringLiteral("error"), inUse}})));
    ASSERT_TRUE(QTest::qWaitFor([&] { return page->applyButton()->isEnabled(); }, 5000));
    EXPECT_EQ(page->portBox()->value(), 48000);
    EXPECT_EQ(page->stateLabel()->text(), inUse);

    page->applyButton()->click();
    ASSERT_EQ(view.calls().size(), 1);
    EXPECT_EQ(view.calls().first().params, expected);
    const QJsonObject listening =
        httpStatus(true, true,
                   {{QStringLiteral("port"), 48000},
                    {QStringLiteral("allowNoToken"), true},
                    {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:48000/mcp/NAME")}});
    view.answer(true, listening);
    ASSERT_TRUE(applied.wait(5000));
    EXPECT_TRUE(applied.last().first().toBool());
    EXPECT_EQ(page->stateLabel()->text(),
              QStringLiteral("Listening at http://127.0.0.1:48000/mcp/NAME"));
    EXPECT_FALSE(page->applyButton()->isEnabled());

    // Turning it off keeps the settings for next time.
    page->enabledBox()->setChecked(false);
    page->applyButton()->click();
    ASSERT_EQ(view.calls().size(), 1);
    EXPECT_EQ(view.calls().first().method, QStringLiteral("http/disable"));
    EXPECT_EQ(view.calls().first().params, expected);
}

TEST(HttpFrontDoorPage, BadInputIsRefusedBeforeAnythingIsSent)
{
    FakeBrokerView view;
    auto page = loadedPage(view, httpStatus(false, false));
    QSignalSpy applied(page.get(), &HttpFrontDoorPage::applied);
    page->enabledBox()->setChecked(true);
    auto refusal = [&] {
        page->apply();
        EXPECT_TRUE(view.calls().isEmpty());
        EXPECT_FALSE(applied.isEmpty() || applied.last().first().toBool());
        return page->stateLabel()->text();
    };

    page->addressField()->setText(QStringLiteral("localhost:80"));
    EXPECT_TRUE(refusal().contains(QStringLiteral("is not an IP address")));
    EXPECT_EQ(page->addressField()->text(), QStringLiteral("localhost:80"));

    page->addressField()->setText(QStringLiteral("192.168.1.5"));
    EXPECT_TRUE(page->behindProxyBox()->isEnabled());
    EXPECT_TRUE(refusal().contains(QStringLiteral("in clear")));

    page->allowNoTokenBox()->setChecked(true);
    EXPECT_TRUE(refusal().contains(QStringLiteral("only on a loopback address")));
    page->allowNoTokenBox()->setChecked(false);

    QTemporaryDir dir;
    const QString certificate = dir.filePath(QStringLiteral("cert.pem"));
    const QString key = dir.filePath(QStringLiteral("key.pem"));
    page->certificateField()->setText(certificate);
    EXPECT_TRUE(refusal().contains(QStringLiteral("both the TLS certificate and its private key")));
    page->keyField()->setText(key);
    EXPECT_TRUE(refusal().contains(QStringLiteral("Cannot read the certificate file")));
    for (const QString &file : {certificate, key}) {
        QFile pem(file);
        ASSERT_TRUE(pem.open(QIODevice::WriteOnly));
        pem.write("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
    }

    page->apply();
    ASSERT_EQ(view.calls().size(), 1);
    const QJsonObject params = view.calls().first().params;
    EXPECT_EQ(params.value(QLatin1String("address")).toString(), QStringLiteral("192.168.1.5"));
    EXPECT_EQ(
        params.value(QLatin1String("tls")).toObject(),
        (QJsonObject{{QStringLiteral("certificate"), certificate}, {QStringLiteral("key"), key}}));
    EXPECT_FALSE(params.value(QLatin1String("behindProxy")).toBool());
    view.answer(false, {}, QStringLiteral("refused"));
    ASSERT_TRUE(applied.wait(5000));
    ASSERT_TRUE(answer(view, QStringLiteral("http/status"), true, httpStatus(false, false)));

    // Plain HTTP for the user's own TLS proxy: acknowledged, then allowed.
    page->certificateField()->clear();
    page->keyField()->clear();
    page->behindProxyBox()->setChecked(true);
    ASSERT_TRUE(QTest::qWaitFor([&] { return page->applyButton()->isEnabled(); }, 5000));
    page->apply();
    ASSERT_EQ(view.calls().size(), 1);
    EXPECT_TRUE(view.calls().first().params.value(QLatin1String("behindProxy")).toBool());
}

TEST(HttpFrontDoorPage, OkInPreferencesClosesOnlyOnceTheBrokerTookTheChange)
{
    FakeBrokerView view;
    SettingsDialog dialog(nullptr, &view);
    ASSERT_TRUE(answer(view, QStringLiteral("http/status"), true, httpStatus(false, false)));
    HttpFrontDoorPage *page = dialog.httpPage();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page->enabledBox()->isEnabled(); }, 5000));
    dialog.show();
    page->enabledBox()->setChecked(true);
    page->portBox()->setValue(48001);

    QSignalSpy applied(page, &HttpFrontDoorPage::applied);
    dialog.accept();
    ASSERT_TRUE(
        answer(view, QStringLiteral("http/enable"), false, {}, QStringLiteral("port taken")));
    ASSERT_TRUE(applied.wait(5000));
    EXPECT_TRUE(dialog.isVisible());
    EXPECT_EQ(dialog.tabs()->currentWidget(), page);
    EXPECT_EQ(page->portBox()->value(), 48001);
    EXPECT_EQ(page->stateLabel()->text(), QStringLiteral("port taken"));

    dialog.accept();
    ASSERT_TRUE(answer(view, QStringLiteral("http/enable"), true,
                       httpStatus(true, true, {{QStringLiteral("port"), 48001}})));
    ASSERT_TRUE(QTest::qWaitFor([&] { return !dialog.isVisible(); }, 5000));
    EXPECT_EQ(dialog.result(), QDialog::Accepted);
}

TEST(HttpTokens, TheSecretIsShownOnceAndRevokingAsksFirst)
{
    FakeBrokerView view;
    const QString created = QStringLiteral("2026-12-01T10:00:00Z");
    const QJsonArray tokens{
        QJsonObject{{QStringLiteral("name"), QStringLiteral("cursor")},
                    {QStringLiteral("created"), created},
                    {QStringLiteral("lastUsed"), QStringLiteral("2026-12-02T11:00:00Z")}},
        QJsonObject{{QStringLiteral("name"), QStringLiteral("ci")},
                    {QStringLiteral("created"), created}}};
    auto page = loadedPage(view, httpStatus(true, true, {{QStringLiteral("tokens"), tokens}}));
    page->show();
    HttpTokensBox *box = page->tokens();
    ASSERT_EQ(box->list()->topLevelItemCount(), 2);
    EXPECT_EQ(box->list()->topLevelItem(0)->text(HttpTokensBox::NameColumn),
              QStringLiteral("cursor"));
    EXPECT_EQ(box->list()->topLevelItem(1)->text(HttpTokensBox::LastUsedColumn),
              QStringLiteral("Never"));
    EXPECT_FALSE(box->revokeButton()->isEnabled()); // nothing selected

    // Add: a name, then the secret in a dialog of its own.
    box->addButton()->click();
    auto *ask = waitForChild<QInputDialog>(box, QStringLiteral("tokenNameDialog"));
    ASSERT_NE(ask, nullptr);
    ask->setTextValue(QStringLiteral("claude"));
    ask->accept();
    ASSERT_TRUE(waitForCall(view, QStringLiteral("http/tokenAdd")));
    EXPECT_EQ(view.calls().first().params,
              (QJsonObject{{QStringLiteral("name"), QStringLiteral("claude")}}));
    const QString secret = QStringLiteral("mfd_Zm9yIHRoZSB0ZXN0IG9ubHksIG5ldmVyIHJlYWw");
    view.answer(true, {{QStringLiteral("name"), QStringLiteral("claude")},
                       {QStringLiteral("secret"), secret}});
    auto *shown = waitForChild<TokenSecretDialog>(box, QStringLiteral("tokenSecretDialog"));
    ASSERT_NE(shown, nullptr);
    EXPECT_EQ(shown->secretField()->text(), secret);
    EXPECT_TRUE(shown->secretField()->isReadOnly());
    EXPECT_TRUE(shown->exampleField()->toPlainText().contains(
        QStringLiteral("Authorization: Bearer ") + secret));
    EXPECT_TRUE(shown->exampleField()->toPlainText().contains(kUrl));
    EXPECT_TRUE(shownTexts(shown)
                    .join(QLatin1Char('\n'))
                    .contains(QStringLiteral("only time it is shown")));
    shown->copyButton()->click();
    EXPECT_EQ(QGuiApplication::clipboard()->text(), secret);
    QGuiApplication::clipboard()->clear();

    // The list is read again: the new token by name, never its secret.
    ASSERT_TRUE(waitForCall(view, QStringLiteral("http/status")));
    QJsonArray withNew = tokens;
    withNew.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("claude")},
                               {QStringLiteral("created"), created}});
    ASSERT_TRUE(answer(view, QStringLiteral("http/status"), true,
                       httpStatus(true, true, {{QStringLiteral("tokens"), withNew}})));
    ASSERT_TRUE(QTest::qWaitFor([&] { return box->list()->topLevelItemCount() == 3; }, 5000));
    const QPointer<TokenSecretDialog> closing(shown);
    shown->accept();
    ASSERT_TRUE(QTest::qWaitFor([&] { return closing.isNull(); }, 5000));
    for (const QString &text : shownTexts(page.get()))
        EXPECT_FALSE(text.contains(secret)) << text.toStdString();

    // A name that is taken: the broker's reason, and no secret dialog.
    box->addToken(QStringLiteral("claude"));
    const QString taken = QStringLiteral("a token named 'claude' exists already; revoke it first");
    ASSERT_TRUE(answer(view, QStringLiteral("http/tokenAdd"), false, {}, taken));
    ASSERT_TRUE(QTest::qWaitFor([&] { return box->messageLabel()->isVisible(); }, 5000));
    EXPECT_EQ(box->messageLabel()->text(), QStringLiteral("Could not add the token: ") + taken);
    EXPECT_EQ(box->findChild<TokenSecretDialog *>(), nullptr);

    // Revoke asks; Cancel sends nothing, Revoke sends http/tokenRevoke for the selected name.
    box->list()->setCurrentItem(box->list()->topLevelItem(0));
    ASSERT_TRUE(box->revokeButton()->isEnabled());
    box->revokeButton()->click();
    auto *confirm = waitForChild<QMessageBox>(box, QStringLiteral("revokeTokenConfirmation"));
    ASSERT_NE(confirm, nullptr);
    EXPECT_TRUE(confirm->text().contains(QStringLiteral("“cursor”")));
    confirm->button(QMessageBox::Cancel)->click();
    QCoreApplication::processEvents();
    EXPECT_TRUE(view.calls().isEmpty());

    box->revokeButton()->click();
    confirm = waitForChild<QMessageBox>(box, QStringLiteral("revokeTokenConfirmation"));
    ASSERT_NE(confirm, nullptr);
    QAbstractButton *revoke = nullptr;
    for (QAbstractButton *button : confirm->buttons()) {
        if (confirm->buttonRole(button) == QMessageBox::DestructiveRole)
            revoke = button;
    }
    ASSERT_NE(revoke, nullptr);
    revoke->click();
    ASSERT_TRUE(waitForCall(view, QStringLiteral("http/tokenRevoke")));
    EXPECT_EQ(view.calls().first().params,
              (QJsonObject{{QStringLiteral("name"), QStringLiteral("cursor")}}));
    view.answer(true, {{QStringLiteral("revoked"), QStringLiteral("cursor")}});
    ASSERT_TRUE(waitForCall(view, QStringLiteral("http/status"))); // the list is read again
}

namespace {

class HttpFrontDoorBroker : public BrokerFixture
{
protected:
    void TearDown() override
    {
        m_window.reset();
        m_view.reset();
        BrokerFixture::TearDown();
    }

    std::unique_ptr<LocalBrokerView> m_view;
    std::unique_ptr<MainWindow> m_window;
};

} // namespace

// Preferences against a real broker: a port in use is reported and kept, then the same port
// once free; a token made in the page lets an HTTP client in, its session is listed with its
// transport, token and address, and Disconnect ends it.
TEST_F(HttpFrontDoorBroker, EnableMakeATokenSeeTheSessionAndDisconnectIt)
{
    ServerConfig config = fakeServer(QStringLiteral("alpha"));
    config.lingerMs = -1;
    registerServer(config);
    startBroker();
    m_view = std::make_unique<LocalBrokerView>(m_broker.get());
    m_view->setCoalesceInterval(20);

    QTcpServer blocker; // holds a port, so the front door cannot have it at first
    ASSERT_TRUE(blocker.listen(QHostAddress::LocalHost, 0));
    const quint16 port = blocker.serverPort();

    HttpFrontDoorPage page(m_view.get());
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.enabledBox()->isEnabled(); }, 5000));
    EXPECT_FALSE(page.enabledBox()->isChecked());
    page.enabledBox()->setChecked(true);
    page.portBox()->setValue(port);
    QSignalSpy applied(&page, &HttpFrontDoorPage::applied);
    page.applyButton()->click();
    ASSERT_TRUE(applied.wait(5000));
    EXPECT_FALSE(applied.last().first().toBool());
    EXPECT_TRUE(page.stateLabel()->text().contains(
        QStringLiteral("port %1 on 127.0.0.1 is already in use by another program").arg(port)))
        << page.stateLabel()->text().toStdString();
    EXPECT_EQ(page.portBox()->value(), port);
    EXPECT_TRUE(page.enabledBox()->isChecked());

    blocker.close();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.applyButton()->isEnabled(); }, 5000));
    page.applyButton()->click();
    ASSERT_TRUE(applied.wait(5000));
    EXPECT_TRUE(applied.last().first().toBool()) << page.stateLabel()->text().toStdString();
    EXPECT_EQ(page.stateLabel()->text(),
              QStringLiteral("Listening at http://127.0.0.1:%1/mcp/NAME").arg(port));

    page.tokens()->addToken(QStringLiteral("gui-test"));
    auto *shown =
        waitForChild<TokenSecretDialog>(page.tokens(), QStringLiteral("tokenSecretDialog"));
    ASSERT_NE(shown, nullptr);
    const QString secret = shown->secretField()->text();
    EXPECT_TRUE(secret.startsWith(QStringLiteral("mfd_")));
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return page.tokens()->list()->topLevelItemCount() == 1; }, 5000));
    EXPECT_EQ(page.tokens()->list()->topLevelItem(0)->text(HttpTokensBox::NameColumn),
              QStringLiteral("gui-test"));
    shown->accept();

    const QByteArray initialized = frontdoorrequest::exchange(
        port, frontdoorrequest::mcpRequest(port, QStringLiteral("alpha"), secret));
    ASSERT_TRUE(initialized.startsWith("HTTP/1.1 200")) << initialized.toStdString();
    const QByteArray sessionId = frontdoorrequest::headerOf(initialized, "Mcp-Session-Id");
    ASSERT_FALSE(sessionId.isEmpty());

    m_window = std::make_unique<MainWindow>(m_view.get());
    m_window->show();
    m_window->selectServer(QStringLiteral("alpha"));
    QTableView *table = m_window->sessionTable();
    QAbstractItemModel *sessions = table->model();
    ASSERT_TRUE(QTest::qWaitFor([&] { return sessions->rowCount() == 1; }, 5000));
    EXPECT_FALSE(table->isColumnHidden(SessionTableModel::TokenColumn));
    EXPECT_FALSE(table->isColumnHidden(SessionTableModel::RemoteAddressColumn));
    EXPECT_EQ(sessions->index(0, SessionTableModel::TransportColumn).data().toString(),
              QStringLiteral("HTTP"));
    EXPECT_EQ(sessions->index(0, SessionTableModel::TokenColumn).data().toString(),
              QStringLiteral("gui-test"));
    EXPECT_TRUE(sessions->index(0, SessionTableModel::RemoteAddressColumn)
                    .data()
                    .toString()
                    .startsWith(QStringLiteral("127.0.0.1:")));

    m_window->sessionTable()->selectRow(0);
    ASSERT_TRUE(m_window->disconnectAction()->isEnabled());
    m_window->disconnectAction()->trigger();
    ASSERT_TRUE(QTest::qWaitFor([&] { return sessions->rowCount() == 0; }, 5000));
    EXPECT_TRUE(table->isColumnHidden(
        SessionTableModel::TokenColumn)); // nothing to say without HTTP sessions
    EXPECT_TRUE(table->isColumnHidden(SessionTableModel::RemoteAddressColumn));
    EXPECT_FALSE(table->isColumnHidden(SessionTableModel::TransportColumn));
    EXPECT_TRUE(m_broker->status().value(QStringLiteral("sessions")).toArray().isEmpty());
    // The client's session id is gone with it: the spec's answer is 404, then it starts anew.
    const QByteArray afterwards = frontdoorrequest::exchange(
        port, frontdoorrequest::mcpRequest(port, QStringLiteral("alpha"), secret, sessionId));
    EXPECT_TRUE(afterwards.startsWith("HTTP/1.1 404")) << afterwards.left(200).toStdString();
}

// An older client's HTTP+SSE session: listed as SSE with its token; Disconnect ends its stream.
TEST_F(HttpFrontDoorBroker, DisconnectEndsAnSseSessionsStream)
{
    registerServer(fakeServer(QStringLiteral("alpha")));
    startBroker();
    m_view = std::make_unique<LocalBrokerView>(m_broker.get());
    m_view->setCoalesceInterval(20);
    quint16 port = 0;
    {
        QTcpServer probe; // a port that was free a moment ago
        ASSERT_TRUE(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    QString secret;
    int answered = 0;
    m_view->call(QStringLiteral("http/enable"), {{QStringLiteral("port"), port}},
                 [&](bool ok, const QJsonObject &, const QString &error) {
                     EXPECT_TRUE(ok) << error.toStdString();
                     ++answered;
                 });
    m_view->call(QStringLiteral("http/tokenAdd"),
                 {{QStringLiteral("name"), QStringLiteral("inspector")}},
                 [&](bool, const QJsonObject &result, const QString &) {
                     secret = result.value(QStringLiteral("secret")).toString();
                     ++answered;
                 });
    ASSERT_TRUE(QTest::qWaitFor([&] { return answered == 2; }, 5000));
    ASSERT_FALSE(secret.isEmpty());

    QTcpSocket stream;
    QByteArray received;
    QObject::connect(&stream, &QTcpSocket::readyRead, [&] { received += stream.readAll(); });
    stream.connectToHost(QHostAddress::LocalHost, port);
    stream.write("GET /sse/alpha HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) +
                 "\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + secret.toLatin1() +
                 "\r\n\r\n");
    ASSERT_TRUE(QTest::qWaitFor([&] { return received.contains("event: endpoint"); }, 5000))
        << received.toStdString();

    m_window = std::make_unique<MainWindow>(m_view.get());
    m_window->show();
    m_window->selectServer(QStringLiteral("alpha"));
    QTableView *table = m_window->sessionTable();
    ASSERT_TRUE(QTest::qWaitFor([&] { return table->model()->rowCount() == 1; }, 5000));
    EXPECT_EQ(table->model()->index(0, SessionTableModel::TransportColumn).data().toString(),
              QStringLiteral("SSE"));
    EXPECT_EQ(table->model()->index(0, SessionTableModel::TokenColumn).data().toString(),
              QStringLiteral("inspector"));

    table->selectRow(0);
    m_window->disconnectAction()->trigger();
    ASSERT_TRUE(QTest::qWaitFor([&] { return table->model()->rowCount() == 0; }, 5000));
    EXPECT_TRUE(
        QTest::qWaitFor([&] { return stream.state() == QAbstractSocket::UnconnectedState; }, 5000));
}
