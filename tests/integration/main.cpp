#include <QCoreApplication>

#include <gtest/gtest.h>

#include <csignal>

// GoogleTest with a Qt event loop available: tests wait on signals with QTest::qWaitFor.
int main(int argc, char **argv)
{
    std::signal(SIGPIPE, SIG_IGN);
    QCoreApplication app(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
