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
