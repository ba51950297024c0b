// The Windows shim's text rules (app/shim/win/wintext.h), run on every platform.
#include "win/wintext.h"

#include <gtest/gtest.h>

using namespace manifold::shim::win;

TEST(WinText, Utf16RoundTripsEveryPlane)
{
    const std::u16string text = u"a\u00e9\u20ac\U0001F600z";
    EXPECT_EQ(utf8FromUtf16(text), "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z");
    EXPECT_EQ(utf16FromUtf8(utf8FromUtf16(text)), text);
}

TEST(WinText, LoneSurrogatesAndBadUtf8BecomeReplacementCharacters)
{
    const std::u16string lone = {u'a', char16_t(0xD800), u'b', char16_t(0xDC00)};
    EXPECT_EQ(utf8FromUtf16(lone), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
    EXPECT_EQ(utf16FromUtf8("x\xFFy"), u"x\uFFFDy");
    EXPECT_EQ(utf16FromUtf8("\xC0\xAF"), u"\uFFFD\uFFFD"); // overlong '/'
    EXPECT_EQ(utf16FromUtf8("\xED\xA0\x80"), u"\uFFFD\uFFFD\uFFFD"); // encoded surrogate
    EXPECT_EQ(utf16FromUtf8("\xE2\x82"), u"\uFFFD\uFFFD"); // cut short
}

TEST(WinText, SplitsLikeTheCRuntime)
{
    using Args = std::vector<std::string>;
    EXPECT_EQ(splitCommandLine("shim.exe everything"), (Args{"shim.exe", "everything"}));
    EXPECT_EQ(splitCommandLine("\"C:\\Program Files\\M\\shim.exe\"  --socket \"a b\"\tx"),
              (Args{"C:\\Program Files\\M\\shim.exe", "--socket", "a b", "x"}));
    // The program name takes backslashes literally, arguments follow the escaping rules.
    EXPECT_EQ(splitCommandLine("C:\\a\\ a\\\\b \"c\\\\\" d\\\"e \"\" f"),
              (Args{"C:\\a\\", "a\\\\b", "c\\", "d\"e", "", "f"}));
    EXPECT_EQ(splitCommandLine("p \"a\"\"b\" c"), (Args{"p", "a\"b", "c"}));
    EXPECT_EQ(splitCommandLine("p a\\\\\\\"b"), (Args{"p", "a\\\"b"}));
    EXPECT_EQ(splitCommandLine("p   "), (Args{"p"}));
    EXPECT_EQ(splitCommandLine("p x\\"), (Args{"p", "x\\"}));
}

TEST(WinText, QuotedArgumentsSplitBackUnchanged)
{
    const std::vector<std::string> samples = {
        "plain", "", "with space", "tab\there", "quote\"inside", "trailing\\", "dir with space\\",
        "\\\\.\\pipe\\manifold-me", "a\\\\\"b", "\"", "\\\"", "caf\xC3\xA9 \xE2\x82\xAC"};
    std::string line = "manifold.exe";
    for (const std::string &sample : samples)
        line += " " + quoteArgument(sample);
    const std::vector<std::string> args = splitCommandLine(line);
    ASSERT_EQ(args.size(), samples.size() + 1);
    for (size_t i = 0; i < samples.size(); ++i)
        EXPECT_EQ(args[i + 1], samples[i]) << "sample " << i;
    EXPECT_EQ(quoteArgument("plain"), "plain");
    EXPECT_EQ(quoteArgument("C:\\Program Files\\x\\"), "\"C:\\Program Files\\x\\\\\"");
}
