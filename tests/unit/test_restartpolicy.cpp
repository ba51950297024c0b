#include "broker/restartpolicy.h"

#include <gtest/gtest.h>

using manifold::RestartPolicy;

TEST(RestartPolicy, BacksOffExponentiallyWithCap)
{
    RestartPolicy policy({100, 1000, 10, 60000});
    EXPECT_EQ(policy.onCrash(0), 100);
    EXPECT_EQ(policy.onCrash(1), 200);
    EXPECT_EQ(policy.onCrash(2), 400);
    EXPECT_EQ(policy.onCrash(3), 800);
    EXPECT_EQ(policy.onCrash(4), 1000);
    EXPECT_EQ(policy.onCrash(5), 1000);
}

TEST(RestartPolicy, CrashLoopGivesUp)
{
    RestartPolicy policy({100, 1000, 3, 60000});
    EXPECT_TRUE(policy.onCrash(0));
    EXPECT_TRUE(policy.onCrash(10));
    EXPECT_FALSE(policy.onCrash(20));
}

TEST(RestartPolicy, OldCrashesLeaveTheWindow)
{
    RestartPolicy policy({100, 1000, 3, 1000});
    EXPECT_TRUE(policy.onCrash(0));
    EXPECT_TRUE(policy.onCrash(500));
    EXPECT_EQ(policy.crashesInWindow(1200), 1);
    EXPECT_EQ(policy.onCrash(1600), 100);   // both earlier crashes are outside the window
    EXPECT_EQ(policy.crashesInWindow(1600), 1);
}

TEST(RestartPolicy, ResetForgetsHistory)
{
    RestartPolicy policy({100, 1000, 2, 60000});
    EXPECT_TRUE(policy.onCrash(0));
    policy.reset();
    EXPECT_EQ(policy.onCrash(1), 100);
}
