// The per-user rendezvous rule (core/wire/rendezvous.h), Qt-free: the shim and the broker must
// compute the same socket paths.
#include "wire/rendezvous.h"

#include "wire/constants.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#ifndef _WIN32
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace wire = manifold::wire;

namespace {

wire::RendezvousInputs inputs(uint32_t uid, bool runUserIsPrivate,
                              std::vector<std::string> *probed = nullptr)
{
    wire::RendezvousInputs in;
    in.uid = uid;
    in.isPrivateUserDirectory = [runUserIsPrivate, probed](const std::string &dir, uint32_t owner) {
        if (probed)
            probed->push_back(dir + " uid " + std::to_string(owner));
        return runUserIsPrivate;
    };
    return in;
}

} // namespace

TEST(WireRendezvous, RunUserDirectoryWhenItIsTheUsersPrivateOne)
{
    std::vector<std::string> probed;
    EXPECT_EQ(wire::rendezvousDirectory(inputs(1000, true, &probed)), "/run/user/1000/manifold");
    EXPECT_EQ(probed, std::vector<std::string>{"/run/user/1000 uid 1000"});
}

TEST(WireRendezvous, FixedTmpDirectoryOtherwise)
{
    EXPECT_EQ(wire::rendezvousDirectory(inputs(1000, false)), "/tmp/manifold-1000");
    wire::RendezvousInputs noProbe;
    noProbe.uid = 42;
    EXPECT_EQ(wire::rendezvousDirectory(noProbe), "/tmp/manifold-42");
}

TEST(WireRendezvous, TestRootReplacesOnlyTheFilesystemRoot)
{
    std::vector<std::string> probed;
    wire::RendezvousInputs in = inputs(7, true, &probed);
    in.root = "/scratch//root/./";
    EXPECT_EQ(wire::rendezvousDirectory(in), "/scratch/root/run/user/7/manifold");
    EXPECT_EQ(probed, std::vector<std::string>{"/scratch/root/run/user/7 uid 7"});
    in = inputs(7, false);
    in.root = "/scratch/root";
    EXPECT_EQ(wire::rendezvousDirectory(in), "/scratch/root/tmp/manifold-7");
}

TEST(WireRendezvous, DarwinUserTempDirWins)
{
    wire::RendezvousInputs in = inputs(501, true);
    in.darwinUserTempDir = "/var/folders/xy/abc123/T/";
    EXPECT_EQ(wire::rendezvousDirectory(in), "/var/folders/xy/abc123/T/manifold");
}

TEST(WireRendezvous, CandidatesIncludeTheTmpDirectoryOfABrokerStartedBeforeLogin)
{
    EXPECT_EQ(wire::rendezvousCandidates(inputs(1000, true)),
              (std::vector<std::string>{"/run/user/1000/manifold", "/tmp/manifold-1000"}));
    EXPECT_EQ(wire::rendezvousCandidates(inputs(1000, false)),
              std::vector<std::string>{"/tmp/manifold-1000"});
    wire::RendezvousInputs mac = inputs(501, false);
    mac.darwinUserTempDir = "/var/folders/xy/abc123/T";
    EXPECT_EQ(wire::rendezvousCandidates(mac),
              std::vector<std::string>{"/var/folders/xy/abc123/T/manifold"});
}

TEST(WireRendezvous, CleanPathLikeQDir)
{
    EXPECT_EQ(wire::cleanPath(""), "");
    EXPECT_EQ(wire::cleanPath("/"), "/");
    EXPECT_EQ(wire::cleanPath("//"), "/");
    EXPECT_EQ(wire::cleanPath("/a//b/./c/../d/"), "/a/b/d");
    EXPECT_EQ(wire::cleanPath("/run/user/1000/manifold/broker.sock/"),
              "/run/user/1000/manifold/broker.sock");
    EXPECT_EQ(wire::cleanPath("/a/.."), "/");
    EXPECT_EQ(wire::cleanPath("/.."), "/");
    EXPECT_EQ(wire::cleanPath("a/./b"), "a/b");
    EXPECT_EQ(wire::cleanPath("./a"), "a");
    EXPECT_EQ(wire::cleanPath("."), ".");
    EXPECT_EQ(wire::cleanPath("a/.."), ".");
    EXPECT_EQ(wire::cleanPath("../a/../../b"), "../../b");
}

TEST(WireRendezvous, ChooseSocketNamesItsSource)
{
    const std::string def = "/run/user/1000/manifold/broker.sock";
    const std::string env = "/srv/test/broker.sock";
    const std::string opt = "/home/u/other.sock";
    using wire::SocketSource;
    const auto check = [&](const std::string &option, const std::string &environment,
                           const std::string &path, SocketSource source) {
        const wire::SocketChoice choice = wire::chooseSocket(option, environment, def);
        EXPECT_EQ(choice.path, path) << option << " / " << environment;
        EXPECT_EQ(choice.source, source) << option << " / " << environment;
    };
    check({}, {}, def, SocketSource::Default);
    check({}, env, env, SocketSource::Environment);
    check(opt, {}, opt, SocketSource::Option);
    check(opt, env, opt, SocketSource::Option);
    check(env, env, env, SocketSource::Environment);
    check("/srv//test/./broker.sock", env, "/srv//test/./broker.sock", SocketSource::Environment);
    check(def, {}, def, SocketSource::Default);
    check(def, env, def, SocketSource::Default);
    check({}, def + "/", def + "/", SocketSource::Default);
}

TEST(WireRendezvous, SidecarFilesFollowTheSocket)
{
#ifndef _WIN32
    const std::string socket = "/tmp/manifold-7/broker.sock";
    EXPECT_FALSE(wire::isPipeName(socket));
    EXPECT_FALSE(wire::isPipeName("relative"));
    EXPECT_EQ(wire::sidecarPath(socket, wire::LaunchLockSuffix), socket + ".launch.lock");
    EXPECT_EQ(wire::sidecarPath(socket, wire::LogSuffix), socket + ".log");
    EXPECT_EQ(wire::sidecarPath(socket, wire::LockSuffix), socket + ".lock");
    EXPECT_EQ(wire::socketDirectory(socket), "/tmp/manifold-7");
    EXPECT_EQ(wire::socketDirectory("/a//b/../c.sock"), "/a");
    EXPECT_EQ(wire::socketDirectory("/top.sock"), "/");
    char cwd[4096];
    ASSERT_NE(::getcwd(cwd, sizeof cwd), nullptr);
    EXPECT_EQ(wire::socketDirectory("sub/x.sock"), wire::cleanPath(std::string(cwd) + "/sub"));
#else
    const std::string pipe = wire::windowsPipeName("DOMAIN\\alice");
    EXPECT_TRUE(wire::isPipeName(pipe));
    EXPECT_EQ(wire::sidecarPath(pipe, wire::LockSuffix, "C:/Temp/manifold"),
              "C:/Temp/manifold/manifold-DOMAIN_alice.lock");
    EXPECT_EQ(wire::socketDirectory(pipe, "C:/Temp/manifold"), "C:/Temp/manifold");
#endif
    EXPECT_EQ(wire::windowsPipeName("DOMAIN\\alice"), "\\\\.\\pipe\\manifold-DOMAIN_alice");
}

#ifndef _WIN32

namespace {

// A fresh directory under the system temp dir, removed (when empty enough) afterwards.
class ScratchDir final
{
public:
    ScratchDir()
    {
        std::string pattern = "/tmp/wire-rendezvous-XXXXXX";
        if (::mkdtemp(pattern.data()))
            m_path = pattern;
    }
    ~ScratchDir()
    {
        if (!m_path.empty()) {
            std::error_code ignored;
            std::filesystem::remove_all(m_path, ignored);
        }
    }
    const std::string &path() const { return m_path; }

private:
    std::string m_path;
};

} // namespace

TEST(WireRendezvous, PrivateUserDirectoryProbe)
{
    ScratchDir scratch;
    ASSERT_FALSE(scratch.path().empty());
    const std::string path = scratch.path() + "/1000";
    ASSERT_EQ(::mkdir(path.c_str(), 0700), 0);
    const uint32_t me = uint32_t(::getuid());
    EXPECT_TRUE(wire::isPrivateUserDirectory(path, me));
    EXPECT_FALSE(wire::isPrivateUserDirectory(path, me + 1)) << "owned by someone else";
    ASSERT_EQ(::chmod(path.c_str(), 0755), 0);
    EXPECT_FALSE(wire::isPrivateUserDirectory(path, me)) << "not mode 0700";
    ASSERT_EQ(::chmod(path.c_str(), 0700), 0);
    const std::string link = scratch.path() + "/link";
    ASSERT_EQ(::symlink(path.c_str(), link.c_str()), 0);
    EXPECT_FALSE(wire::isPrivateUserDirectory(link, me)) << "a symlink";
    EXPECT_FALSE(wire::isPrivateUserDirectory(scratch.path() + "/missing", me));
}

TEST(WireRendezvous, EnsurePrivateDirectoryCreatesAndRefuses)
{
    ScratchDir scratch;
    ASSERT_FALSE(scratch.path().empty());
    std::string error;
    const std::string deep = scratch.path() + "/a/b/manifold";
    ASSERT_TRUE(wire::ensurePrivateDirectory(deep, &error)) << error;
    struct stat info;
    ASSERT_EQ(::lstat(deep.c_str(), &info), 0);
    EXPECT_TRUE(S_ISDIR(info.st_mode));
    EXPECT_EQ(info.st_mode & 07777, 0700u);
    ASSERT_EQ(::chmod(deep.c_str(), 0755), 0);
    EXPECT_TRUE(wire::ensurePrivateDirectory(deep + "/", &error)) << "an existing one is made private";
    ASSERT_EQ(::lstat(deep.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 07777, 0700u);

    const std::string link = scratch.path() + "/link";
    ASSERT_EQ(::symlink(deep.c_str(), link.c_str()), 0);
    EXPECT_FALSE(wire::ensurePrivateDirectory(link, &error));
    EXPECT_EQ(error, link + " is a symbolic link; refusing to use it");

    const std::string file = scratch.path() + "/file";
    ASSERT_TRUE(std::ofstream(file).good());
    EXPECT_FALSE(wire::ensurePrivateDirectory(file, &error));
    EXPECT_EQ(error, "cannot create directory " + file);
    EXPECT_FALSE(wire::ensurePrivateDirectory(file + "/below", &error));
    EXPECT_EQ(error, "cannot create directory " + file + "/below");
    EXPECT_FALSE(wire::ensurePrivateDirectory("", &error));
    EXPECT_EQ(error, "empty directory path");
}

TEST(WireRendezvous, CurrentInputsFollowTheTestRoot)
{
    const char *saved = std::getenv("MANIFOLD_RUNTIME_ROOT");
    const std::string previous = saved ? saved : "";
    ::setenv("MANIFOLD_RUNTIME_ROOT", "/nonexistent/root", 1);
    const wire::RendezvousInputs in = wire::currentRendezvousInputs();
    EXPECT_EQ(in.uid, uint32_t(::getuid()));
    EXPECT_EQ(in.root, "/nonexistent/root");
    EXPECT_TRUE(in.darwinUserTempDir.empty());
    EXPECT_EQ(wire::rendezvousDirectory(in),
              "/nonexistent/root/tmp/manifold-" + std::to_string(::getuid()));
    if (saved)
        ::setenv("MANIFOLD_RUNTIME_ROOT", previous.c_str(), 1);
    else
        ::unsetenv("MANIFOLD_RUNTIME_ROOT");
}

#endif
