#include "privatehome.h"

#include <QCoreApplication>

#include <gtest/gtest.h>

#include <csignal>

// GoogleTest with a Qt event loop available: tests wait on signals with QTest::qWaitFor.
int main(int argc, char **argv)
{
    std::signal(SIGPIPE, SIG_IGN);
    const testsupport::PrivateHome home; // what it starts never writes to the user's home
    QCoreApplication app(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
