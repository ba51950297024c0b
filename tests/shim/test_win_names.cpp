// The names the Windows shim computes as Qt does on Windows (app/shim/win/winnames.h), run on
// every platform: the expected values are what Qt and core/platform/runtimepaths.cpp give there.
#include "win/winnames.h"

#include <gtest/gtest.h>

using namespace manifold::shim::win;

TEST(WinNames, PipeAsQLocalSocketOpensIt)
{
    EXPECT_EQ(pipePath("my-broker"), "\\\\.\\pipe\\my-broker");
    EXPECT_EQ(pipePath("\\\\.\\pipe\\manifold-alice"), "\\\\.\\pipe\\manifold-alice");
}

TEST(WinNames, TempPathAsQDirGivesIt)
{
    EXPECT_EQ(tempPathFromNative("c:\\Users\\alice\\AppData\\Local\\Temp\\"),
              "C:/Users/alice/AppData/Local/Temp");
    EXPECT_EQ(tempPathFromNative("D:\\tmp\\\\"), "D:/tmp");
    EXPECT_EQ(tempPathFromNative("C:\\"), "C:"); // Qt chops the root's "\\" too
    EXPECT_EQ(tempPathFromNative(""), "C:/tmp");
    EXPECT_EQ(tempPathFromNative("\\\\server\\share\\tmp\\"), "//server/share/tmp");
}

TEST(WinNames, CurrentPathAsQDirGivesIt)
{
    EXPECT_EQ(currentPathFromNative("c:\\work\\project"), "C:/work/project");
    EXPECT_EQ(currentPathFromNative("C:\\"), "C:/");
    EXPECT_EQ(currentPathFromNative("\\\\?\\C:\\very\\long"), "C:/very/long");
    EXPECT_EQ(currentPathFromNative("\\\\?\\UNC\\server\\share\\x"), "//server/share/x");
    EXPECT_EQ(currentPathFromNative("\\\\server\\share"), "//server/share");
}

TEST(WinNames, CleanPathLikeQt)
{
    EXPECT_EQ(cleanWindowsPath("C:\\a\\\\b\\.\\c\\..\\d\\"), "C:/a/b/d");
    EXPECT_EQ(cleanWindowsPath("C:/.."), "C:/");
    EXPECT_EQ(cleanWindowsPath("//server/share/../x"), "//server/x");
    EXPECT_EQ(cleanWindowsPath("../a/./../../b"), "../../b");
    EXPECT_EQ(cleanWindowsPath("a/.."), ".");
    EXPECT_EQ(cleanWindowsPath("/"), "/");
}

TEST(WinNames, RuntimeDirectoryIsUnderTemp)
{
    EXPECT_EQ(runtimeDirFromTemp(tempPathFromNative("c:\\Users\\alice\\AppData\\Local\\Temp\\")),
              "C:/Users/alice/AppData/Local/Temp/manifold");
}

TEST(WinNames, LockFileReadsWhatQLockFileWrites)
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

TEST(WinNames, StaleLocksAsQLockFileJudgesThem)
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
    // Still alive but older than the stale time: QLockFile tries to remove it too (and on
    // Windows fails while the holder keeps it open).
    EXPECT_TRUE(lockIsStale(holder, "DESKTOP-1", true, "manifold-shim", StaleLockMs + 1));
}
