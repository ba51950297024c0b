#include "trayapp.h"

#include "privatehome.h"

#include <QApplication>
#include <QStandardPaths>

#include <gtest/gtest.h>

#include <csignal>

// GoogleTest with a QApplication: the tray widgets, translated like the app for the system locale.
int main(int argc, char **argv)
{
    std::signal(SIGPIPE, SIG_IGN);
    // Test discovery runs the binary without the test environment, and maybe without a display.
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM") && !qEnvironmentVariableIsSet("DISPLAY") &&
        !qEnvironmentVariableIsSet("WAYLAND_DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // ctest runs every test in its own process, several at once: each has a home of its own, so
    // one test clearing or saving the map's settings cannot race another reading them, and
    // nothing here or in what it starts writes to the user's home.
    const testsupport::PrivateHome home;
    if (!home.isValid())
        return 1;
    QStandardPaths::setTestModeEnabled(true);
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("manifold-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("manifold-tray-tests"));
    manifold::TrayApp::installTranslators(&app);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
