#include "trayapp.h"

#include "autostart.h"
#include "mainwindow.h"
#include "settingsdialog.h"
#include "statecolors.h"
#include "trayicon.h"

#include "clients/clientsetup.h"
#include "config/serverregistry.h"
#include "control/brokerview.h"
#include "secrets/secretstore.h"

#include <QApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QLibraryInfo>
#include <QLocale>
#include <QMessageBox>
#include <QMap>
#include <QPointer>
#include <QTabWidget>
#include <QSystemTrayIcon>
#include <QTranslator>

namespace manifold {

TrayApp::TrayApp(BrokerView *view, Options options, QObject *parent)
    : QObject(parent)
    , m_view(view)
    , m_options(options)
    , m_hasTray(QSystemTrayIcon::isSystemTrayAvailable())
    , m_autostart(Autostart::create())
    , m_window(new MainWindow(view))
    , m_tray(new TrayIcon(view, this))
{
    m_window->setAttribute(Qt::WA_DeleteOnClose, false);
    m_window->setCloseToTray(m_hasTray);
    // Without a tray the window is the only way back in, so the last window closing must not quit.
    QApplication::setQuitOnLastWindowClosed(false);

    connect(m_window, &MainWindow::quitRequested, this, &TrayApp::requestQuit);
    connect(m_window, &MainWindow::settingsRequested, this, &TrayApp::showSettings);
    connect(m_tray, &TrayIcon::openRequested, this, &TrayApp::showWindow);
    connect(m_tray, &TrayIcon::clientsRequested, this, &TrayApp::showClients);
    connect(m_tray, &TrayIcon::dashboardRequested, this, [this] {
        showWindow();
        m_window->showDashboard();
    });
    connect(m_tray, &TrayIcon::quitRequested, this, &TrayApp::requestQuit);
    connect(m_view, &BrokerView::serverChanged, this, &TrayApp::updateWindowIcon);
    connect(m_view, &BrokerView::serverAdded, this, &TrayApp::updateWindowIcon);
    connect(m_view, &BrokerView::serverRemoved, this, &TrayApp::updateWindowIcon);
    updateWindowIcon();
    createClientSetup();

    if (m_hasTray)
        m_tray->show();
    if (!m_options.minimized || !m_hasTray)
        showWindow();
}

TrayApp::~TrayApp()
{
    delete m_window;
}

bool TrayApp::installTranslators(QCoreApplication *app)
{
    const QLocale locale = QLocale::system();
    auto *qtTranslator = new QTranslator(app);
    if (qtTranslator->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                           QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qtTranslator);
    else
        delete qtTranslator;

    auto *translator = new QTranslator(app);
    if (translator->load(locale, QStringLiteral("manifold"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
        QCoreApplication::installTranslator(translator);
        return true;
    }
    // Any other language: English, whose .ts only carries the plural forms ("1 session").
    if (translator->load(QStringLiteral(":/i18n/manifold_en.qm")))
        QCoreApplication::installTranslator(translator);
    else
        delete translator;
    return false;
}

void TrayApp::showWindow()
{
    if (m_window->isMinimized())
        m_window->showNormal();
    else
        m_window->show();
    m_window->raise();
    m_window->activateWindow();
}

bool TrayApp::showPage(const QString &page)
{
    showWindow();
    // Found by objectName, so pages added later (traffic, dashboard, map) need nothing here.
    static const QMap<QString, QString> objectNames{{QStringLiteral("traffic"), QStringLiteral("trafficPage")},
                                                    {QStringLiteral("dashboard"), QStringLiteral("dashboardPage")},
                                                    {QStringLiteral("map"), QStringLiteral("clientMapPage")}};
    const QString objectName = objectNames.value(page.trimmed().toLower(), page.trimmed());
    QTabWidget *pages = m_window->pages();
    for (int i = 0; i < pages->count(); ++i) {
        QWidget *tab = pages->widget(i);
        if (tab->objectName() == objectName || tab->findChild<QWidget *>(objectName)) {
            pages->setCurrentIndex(i);
            return true;
        }
    }
    return false;
}

void TrayApp::requestQuit()
{
    int sessions = 0;
    for (const QJsonValue &server : m_view->status().value(QLatin1String("servers")).toArray())
        sessions += server.toObject().value(QLatin1String("sessions")).toInt();
    if (m_options.confirmQuit && sessions > 0) {
        QWidget *parent = m_window->isVisible() ? m_window : nullptr;
        const auto answer = QMessageBox::question(
            parent, tr("Quit Manifold"),
            tr("%n client session(s) are connected. Quitting stops every server and disconnects them.\n"
               "Quit anyway?", nullptr, sessions),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes)
            return;
    }
    m_tray->systemTrayIcon()->hide();
    emit quitRequested();
}

void TrayApp::showSettings()
{
    SettingsDialog dialog(m_autostart.get(), m_view, m_window->isVisible() ? m_window : nullptr);
    dialog.exec();
}

void TrayApp::setSecretStore(SecretStore *store)
{
    m_secretStore = store;
    createClientSetup();
}

void TrayApp::setConfigDir(const QString &dir)
{
    m_configDir = dir;
    createClientSetup();
}

void TrayApp::createClientSetup()
{
    SecretStore *store = m_secretStore;
    if (!store) {
        // Only until main() hands over the broker's store (tests may keep this one).
        if (!m_memoryStore)
            m_memoryStore = new MemorySecretStore(this);
        store = m_memoryStore;
    }
    delete m_clientSetup;
    m_clientSetup = new ClientSetup(ClientEnvironment::current(),
                                    m_configDir.isEmpty() ? ServerRegistry::defaultConfigDir() : m_configDir,
                                    store, this);
    // Setup over HTTP makes its tokens through the broker's control methods.
    m_clientSetup->setControl([view = QPointer<BrokerView>(m_view)](
                                  const QString &method, const QJsonObject &params,
                                  const ClientSetup::ControlReply &reply) {
        if (view)
            view->call(method, params, reply);
        else
            reply(false, {}, QStringLiteral("the broker is gone"));
    });
    m_window->setClientSetup(m_clientSetup);
}

void TrayApp::showClients()
{
    showWindow();
    m_window->showClientsPage();
}

void TrayApp::updateWindowIcon()
{
    const auto health = StateColors::health(m_view->status().value(QLatin1String("servers")).toArray());
    m_window->setWindowIcon(StateColors::appIcon(health, m_window->palette()));
}

} // namespace manifold
