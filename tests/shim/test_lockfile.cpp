// The launch lock's file as QLockFile writes and judges it (app/shim/lockfile.h), shared by the
// POSIX and Windows shims; tests/integration/test_shimlaunchlock.cpp runs it against QLockFile.
#include "lockfile.h"

#include <gtest/gtest.h>

using namespace manifold::shim;

TEST(LockFile, ReadsWhatQLockFileWrites)
{
    LockFileInfo ours;
    ours.pid = 4242;
    ours.appName = "manifold-shim";
    ours.hostName = "DESKTOP-1";
    EXPECT_EQ(lockFileContent(ours), "4242\nmanifold-shim\nDESKTOP-1\n\n\n");
    const auto back = parseLockFile(lockFileContent(ours));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->pid, 4242);
    EXPECT_EQ(back->appName, "manifold-shim");
    EXPECT_EQ(back->hostName, "DESKTOP-1");

    // A Qt shim's file, with the machine id (and CRLF, should an editor have touched it).
    const auto qt = parseLockFile("17\r\nmanifold-shim\r\nDESKTOP-1\r\n{1234-abcd}\r\n\r\n");
    ASSERT_TRUE(qt.has_value());
    EXPECT_EQ(qt->pid, 17);
    EXPECT_EQ(qt->hostName, "DESKTOP-1");

    EXPECT_FALSE(parseLockFile("").has_value());
    EXPECT_FALSE(parseLockFile("\nmanifold-shim\n").has_value());
    EXPECT_FALSE(parseLockFile("12x\n").has_value());
    EXPECT_FALSE(parseLockFile("0\n").has_value());
}

TEST(LockFile, StaleAsQLockFileJudgesIt)
{
    LockFileInfo holder;
    holder.pid = 10;
    holder.appName = "manifold-shim";
    holder.hostName = "DESKTOP-1";
    // Alive, same program, fresh: held.
    EXPECT_FALSE(lockIsStale(holder, "DESKTOP-1", true, "manifold-shim", 100));
    // Its process is gone, or the pid now belongs to another program: stale.
    EXPECT_TRUE(lockIsStale(holder, "DESKTOP-1", false, "", 100));
    EXPECT_TRUE(lockIsStale(holder, "DESKTOP-1", true, "notepad", 100));
    // Another host's lock is judged by age only.
    EXPECT_FALSE(lockIsStale(holder, "LAPTOP", false, "", 100));
    EXPECT_TRUE(lockIsStale(holder, "LAPTOP", false, "", StaleLockMs + 1));
    // Unreadable content: age only.
    EXPECT_FALSE(lockIsStale(std::nullopt, "DESKTOP-1", false, "", 5));
    EXPECT_TRUE(lockIsStale(std::nullopt, "DESKTOP-1", false, "", StaleLockMs + 1));
    // Still alive but older than the stale time (or younger, by a clock step): QLockFile tries
    // to remove it too, and fails while the holder keeps it open (Windows) or flock()ed (POSIX).
    EXPECT_TRUE(lockIsStale(holder, "DESKTOP-1", true, "manifold-shim", StaleLockMs + 1));
    EXPECT_TRUE(lockIsStale(holder, "DESKTOP-1", true, "manifold-shim", -StaleLockMs - 1));
    // A live holder whose program cannot be named (no /proc to ask): being alive counts.
    EXPECT_FALSE(lockIsStale(holder, "DESKTOP-1", true, "", 100));
    // A lock written without a host name is judged as this host's.
    holder.hostName.clear();
    EXPECT_TRUE(lockIsStale(holder, "DESKTOP-1", false, "", 100));
}
