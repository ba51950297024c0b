#include "clients/unifieddiff.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QStringList>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

using namespace manifold;

namespace {

QString diff(const QByteArray &before, const QByteArray &after, int context = 3)
{
    return unifiedDiff(before, after, QStringLiteral("a/f"), QStringLiteral("b/f"), context);
}

QString withHeader(const char *body)
{
    return QStringLiteral("--- a/f\n+++ b/f\n") + QString::fromUtf8(body);
}

QByteArray numberedLines(int count)
{
    QByteArray out;
    for (int i = 1; i <= count; ++i)
        out += "line " + QByteArray::number(i) + '\n';
    return out;
}

// Lines starting with '-' or '+' below the file header: the diff's edit count.
int editCount(const QString &text)
{
    int count = 0;
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (qsizetype i = 2; i < lines.size(); ++i) {
        if (lines[i].startsWith(QLatin1Char('-')) || lines[i].startsWith(QLatin1Char('+')))
            ++count;
    }
    return count;
}

// Applies diffText to before with GNU patch (no fuzz, no backups) and returns the result.
QByteArray applyWithPatch(const QString &patchProgram, const QByteArray &before,
                          const QString &diffText, QString *error)
{
    QTemporaryDir dir;
    QFile in(dir.filePath(QStringLiteral("before")));
    QFile patchFile(dir.filePath(QStringLiteral("change.diff")));
    if (!in.open(QIODevice::WriteOnly) || in.write(before) != before.size() ||
        !patchFile.open(QIODevice::WriteOnly) || patchFile.write(diffText.toUtf8()) < 0) {
        *error = QStringLiteral("cannot write temp files");
        return {};
    }
    in.close();
    patchFile.close();
    QProcess process;
    process.setWorkingDirectory(dir.path());
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(patchProgram,
                  {QStringLiteral("--batch"), QStringLiteral("--silent"),
                   QStringLiteral("--fuzz=0"), QStringLiteral("--no-backup-if-mismatch"),
                   QStringLiteral("--reject-file=-"), QStringLiteral("-o"), QStringLiteral("after"),
                   QStringLiteral("before"), QStringLiteral("-i"), QStringLiteral("change.diff")});
    if (!process.waitForFinished(30000) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0) {
        *error = QStringLiteral("patch failed (exit %1): %2")
                     .arg(process.exitCode())
                     .arg(QString::fromUtf8(process.readAll()));
        return {};
    }
    QFile out(dir.filePath(QStringLiteral("after")));
    if (!out.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("patch wrote no output file");
        return {};
    }
    return out.readAll();
}

QString patchProgramOrFail()
{
    const QString program = QStandardPaths::findExecutable(QStringLiteral("patch"));
    if (program.isEmpty()) {
        ADD_FAILURE() << "GNU patch not found in PATH; install it (apt-get install patch; "
                         "build-essential depends on it through dpkg-dev)";
    }
    return program;
}

// Lines of a random text: a small vocabulary so equal lines repeat, mixed LF and CRLF.
struct RandomText
{
    std::vector<QByteArray> lines; // without their line ending
    std::vector<bool> crlf;
    bool finalNewline = true;

    QByteArray bytes() const
    {
        QByteArray out;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            out += lines[i];
            if (i + 1 < lines.size() || finalNewline)
                out += crlf[i] ? "\r\n" : "\n";
        }
        return out;
    }
};

QByteArray randomLine(std::mt19937 &rng)
{
    static const char *const words[] = {"{",
                                        "}",
                                        "  \"command\": \"npx\",",
                                        "",
                                        "  \"args\": [],",
                                        "alpha",
                                        "beta",
                                        "gamma",
                                        "\xc3\xa9t\xc3\xa9",
                                        "\t tabbed",
                                        "}\r"};
    const auto pick = std::uniform_int_distribution<int>(0, int(std::size(words)) - 1)(rng);
    if (std::uniform_int_distribution<int>(0, 4)(rng) == 0)
        return "unique " + QByteArray::number(std::uniform_int_distribution<int>(0, 1 << 20)(rng));
    return words[pick];
}

RandomText randomText(std::mt19937 &rng, int maxLines)
{
    RandomText text;
    const int count = std::uniform_int_distribution<int>(0, maxLines)(rng);
    for (int i = 0; i < count; ++i) {
        text.lines.push_back(randomLine(rng));
        text.crlf.push_back(std::uniform_int_distribution<int>(0, 5)(rng) == 0);
    }
    text.finalNewline = std::uniform_int_distribution<int>(0, 3)(rng) != 0;
    return text;
}

RandomText randomEdit(std::mt19937 &rng, RandomText text)
{
    const int edits = std::uniform_int_distribution<int>(1, 6)(rng);
    for (int e = 0; e < edits; ++e) {
        const int kind = std::uniform_int_distribution<int>(0, 5)(rng);
        const auto size = int(text.lines.size());
        const int at = std::uniform_int_distribution<int>(0, std::max(0, size - 1))(rng);
        if (kind <= 1 || size == 0) { // insert a run of lines
            const int run = std::uniform_int_distribution<int>(1, 4)(rng);
            const int pos = std::uniform_int_distribution<int>(0, size)(rng);
            for (int r = 0; r < run; ++r) {
                text.lines.insert(text.lines.begin() + pos, randomLine(rng));
                text.crlf.insert(text.crlf.begin() + pos, false);
            }
        } else if (kind == 2) { // delete a run
            const int run = std::min(size - at, std::uniform_int_distribution<int>(1, 4)(rng));
            text.lines.erase(text.lines.begin() + at, text.lines.begin() + at + run);
            text.crlf.erase(text.crlf.begin() + at, text.crlf.begin() + at + run);
        } else if (kind == 3) {
            text.lines[std::size_t(at)] = randomLine(rng);
        } else if (kind == 4) {
            text.crlf[std::size_t(at)] = !text.crlf[std::size_t(at)];
        } else {
            text.finalNewline = !text.finalNewline;
        }
    }
    return text;
}

// Shortest edit count by dynamic programming over lines (with their endings).
int shortestEditCount(const QByteArray &before, const QByteArray &after)
{
    const auto split = [](const QByteArray &text) {
        std::vector<QByteArray> lines;
        qsizetype start = 0;
        while (start < text.size()) {
            qsizetype end = text.indexOf('\n', start);
            end = end < 0 ? text.size() : end + 1;
            lines.push_back(text.mid(start, end - start));
            start = end;
        }
        return lines;
    };
    const std::vector<QByteArray> a = split(before);
    const std::vector<QByteArray> b = split(after);
    std::vector<std::vector<int>> lcs(a.size() + 1, std::vector<int>(b.size() + 1, 0));
    for (std::size_t i = a.size(); i-- > 0;) {
        for (std::size_t j = b.size(); j-- > 0;) {
            lcs[i][j] =
                a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
        }
    }
    return int(a.size() + b.size()) - 2 * lcs[0][0];
}

} // namespace

TEST(UnifiedDiff, EqualInputGivesEmptyString)
{
    EXPECT_TRUE(diff("", "").isEmpty());
    EXPECT_TRUE(diff("a\nb\n", "a\nb\n").isEmpty());
    EXPECT_TRUE(diff("a\r\nb", "a\r\nb").isEmpty());
}

TEST(UnifiedDiff, LabelsArePrintedAsGiven)
{
    const QString text = unifiedDiff("a\n", "b\n", QStringLiteral("/home/u/.cursor/mcp.json"),
                                     QStringLiteral("/home/u/.cursor/mcp.json (Manifold)"));
    EXPECT_EQ(text, QStringLiteral("--- /home/u/.cursor/mcp.json\n"
                                   "+++ /home/u/.cursor/mcp.json (Manifold)\n"
                                   "@@ -1 +1 @@\n-a\n+b\n"));
}

TEST(UnifiedDiff, InsertAtStart)
{
    EXPECT_EQ(diff("b\nc\n", "a\nb\nc\n"), withHeader("@@ -1,2 +1,3 @@\n+a\n b\n c\n"));
}

TEST(UnifiedDiff, InsertAtEnd)
{
    EXPECT_EQ(diff("a\nb\n", "a\nb\nc\n"), withHeader("@@ -1,2 +1,3 @@\n a\n b\n+c\n"));
}

TEST(UnifiedDiff, DeleteAll)
{
    EXPECT_EQ(diff("a\nb\n", ""), withHeader("@@ -1,2 +0,0 @@\n-a\n-b\n"));
}

TEST(UnifiedDiff, CreateFromEmpty)
{
    EXPECT_EQ(diff("", "a\n"), withHeader("@@ -0,0 +1 @@\n+a\n"));
}

TEST(UnifiedDiff, NoNewlineAtEndOfBefore)
{
    EXPECT_EQ(diff("a\nb", "a\nb\n"),
              withHeader("@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"));
}

TEST(UnifiedDiff, NoNewlineAtEndOfAfter)
{
    EXPECT_EQ(diff("a\nb\n", "a\nb"),
              withHeader("@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n"));
}

TEST(UnifiedDiff, NoNewlineAtEndOfEither)
{
    EXPECT_EQ(diff("a\nb", "a\nc"), withHeader("@@ -1,2 +1,2 @@\n a\n-b\n"
                                               "\\ No newline at end of file\n+c\n"
                                               "\\ No newline at end of file\n"));
    // An unchanged unterminated last line is context, marked once.
    EXPECT_EQ(diff("a\nb\nc", "x\nb\nc"),
              withHeader("@@ -1,3 +1,3 @@\n-a\n+x\n b\n c\n\\ No newline at end of file\n"));
}

TEST(UnifiedDiff, CrlfStaysInTheLines)
{
    EXPECT_EQ(diff("a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n"),
              withHeader("@@ -1,3 +1,3 @@\n a\r\n-b\r\n+B\r\n c\r\n"));
    // A changed line ending alone is a change.
    EXPECT_EQ(diff("a\nb\n", "a\r\nb\n"), withHeader("@@ -1,2 +1,2 @@\n-a\n+a\r\n b\n"));
}

TEST(UnifiedDiff, NearHunksMerge)
{
    const QByteArray before = numberedLines(20);
    QByteArray near = before;
    near.replace("line 5\n", "five\n").replace("line 11\n", "eleven\n"); // 5 lines apart
    EXPECT_EQ(diff(before, near),
              withHeader("@@ -2,13 +2,13 @@\n line 2\n line 3\n line 4\n-line 5\n+five\n"
                         " line 6\n line 7\n line 8\n line 9\n line 10\n-line 11\n+eleven\n"
                         " line 12\n line 13\n line 14\n"));

    QByteArray gapOfSix = before; // exactly 2 * context unchanged lines still merge
    gapOfSix.replace("line 5\n", "five\n").replace("line 12\n", "twelve\n");
    EXPECT_EQ(diff(before, gapOfSix).count(QStringLiteral("@@ -")), 1);
}

TEST(UnifiedDiff, FarHunksStaySeparate)
{
    const QByteArray before = numberedLines(20);
    QByteArray far = before;
    far.replace("line 5\n", "five\n").replace("line 13\n", "thirteen\n"); // 7 lines apart
    EXPECT_EQ(diff(before, far),
              withHeader("@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+five\n"
                         " line 6\n line 7\n line 8\n"
                         "@@ -10,7 +10,7 @@\n line 10\n line 11\n line 12\n-line 13\n+thirteen\n"
                         " line 14\n line 15\n line 16\n"));
}

TEST(UnifiedDiff, ContextSize)
{
    const QByteArray before = numberedLines(10);
    QByteArray after = before;
    after.replace("line 5\n", "five\n");
    EXPECT_EQ(diff(before, after, 0), withHeader("@@ -5 +5 @@\n-line 5\n+five\n"));
    EXPECT_EQ(diff(before, after, 1),
              withHeader("@@ -4,3 +4,3 @@\n line 4\n-line 5\n+five\n line 6\n"));
    // Pure insertion with no context names the line before it.
    EXPECT_EQ(diff("a\nb\n", "a\nx\nb\n", 0), withHeader("@@ -1,0 +2 @@\n+x\n"));
    EXPECT_EQ(diff("a\nx\nb\n", "a\nb\n", 0), withHeader("@@ -2 +1,0 @@\n-x\n"));
}

TEST(UnifiedDiff, InvalidUtf8DoesNotCrash)
{
    const QString text = diff("ok\n\xff\xfe bad\n", "ok\n\xc3\x28 also bad\n");
    EXPECT_TRUE(text.contains(QChar(QChar::ReplacementCharacter)));
    EXPECT_TRUE(text.contains(QStringLiteral("+")));
    EXPECT_EQ(diff("\xc3\xa9t\xc3\xa9\n", "\xe2\x82\xac\n"),
              withHeader("@@ -1 +1 @@\n-\u00e9t\u00e9\n+\u20ac\n"));
}

TEST(UnifiedDiff, ByteOrderMarkIsKept)
{
    const QString text = diff("\xef\xbb\xbf{\n}\n", "\xef\xbb\xbf{ }\n}\n");
    EXPECT_EQ(text, withHeader("@@ -1,2 +1,2 @@\n-\xef\xbb\xbf{\n+\xef\xbb\xbf{ }\n }\n"));
    EXPECT_TRUE(text.toUtf8().contains("-\xef\xbb\xbf{\n"));
}

TEST(UnifiedDiff, EditScriptIsShortest)
{
    std::mt19937 rng(20240611);
    for (int round = 0; round < 400; ++round) {
        const RandomText before = randomText(rng, 30);
        const RandomText after = std::uniform_int_distribution<int>(0, 3)(rng) == 0
                                     ? randomText(rng, 30)
                                     : randomEdit(rng, before);
        const QByteArray a = before.bytes();
        const QByteArray b = after.bytes();
        EXPECT_EQ(editCount(diff(a, b, 0)), shortestEditCount(a, b)) << "round " << round;
    }
}

TEST(UnifiedDiff, LargeFileWithSmallChangesIsFast)
{
    QByteArray before = "{\n  \"numStartups\": 42,\n";
    for (int i = 0; i < 60000; ++i)
        before += "  \"key" + QByteArray::number(i) + "\": \"some fairly long value " +
                  QByteArray::number(i * 7) + "\",\n";
    before += "  \"mcpServers\": {}\n}\n";
    ASSERT_GT(before.size(), 2 * 1024 * 1024);
    QByteArray after = before;
    after.replace("\"key100\"", "\"KEY100\"")
        .replace("\"key30000\"", "\"KEY30000\"")
        .replace("\"mcpServers\": {}", "\"mcpServers\": {\"x\": {}}");

    QElapsedTimer timer;
    timer.start();
    const QString text = diff(before, after);
    EXPECT_LT(timer.elapsed(), 2000);
    EXPECT_EQ(text.count(QStringLiteral("@@ -")), 3);
    EXPECT_EQ(editCount(text), 6);
}

TEST(UnifiedDiff, UnrelatedLargeFilesFinishAndApply)
{
    // Every line differs: far beyond the search's cost limit, so this takes the fallback path.
    QByteArray before, after;
    std::mt19937 rng(7);
    for (int i = 0; i < 8000; ++i) {
        before += "a" + QByteArray::number(rng() % 5000) + '\n';
        after += "b" + QByteArray::number(rng() % 5000) + '\n';
        if (i % 3 == 0) { // some shared lines so the search has matches to chase
            before += "shared " + QByteArray::number(i % 97) + '\n';
            after += "shared " + QByteArray::number(i % 89) + '\n';
        }
    }
    QElapsedTimer timer;
    timer.start();
    const QString text = diff(before, after);
    EXPECT_LT(timer.elapsed(), 10000);

    const QString patch = patchProgramOrFail();
    if (patch.isEmpty())
        return;
    QString error;
    EXPECT_EQ(applyWithPatch(patch, before, text, &error), after) << error.toStdString();
}

TEST(UnifiedDiff, RandomEditsApplyWithGnuPatch)
{
    const QString patch = patchProgramOrFail();
    if (patch.isEmpty())
        return;
    std::mt19937 rng(5);
    int applied = 0;
    for (int round = 0; round < 300; ++round) {
        const RandomText before = randomText(rng, 60);
        const RandomText after = randomEdit(rng, before);
        const QByteArray a = before.bytes();
        const QByteArray b = after.bytes();
        const int context = std::uniform_int_distribution<int>(0, 4)(rng);
        const QString text = diff(a, b, context);
        if (a == b) {
            EXPECT_TRUE(text.isEmpty());
            continue;
        }
        QString error;
        const QByteArray result = applyWithPatch(patch, a, text, &error);
        ASSERT_EQ(result, b) << "round " << round << " context " << context << ": "
                             << error.toStdString() << "\n"
                             << text.toStdString();
        ++applied;
    }
    EXPECT_GT(applied, 250);
}

TEST(UnifiedDiff, FixtureRewritesApplyWithGnuPatch)
{
    // Every client fixture (CRLF, BOM, tabs, no final newline, TOML, JSONC) with its first
    // command swapped for a shim path and its last line changed: the diff must rebuild it.
    const QString patch = patchProgramOrFail();
    if (patch.isEmpty())
        return;
    QDirIterator it(QStringLiteral(MANIFOLD_CLIENT_FIXTURES), QDir::Files | QDir::Hidden,
                    QDirIterator::Subdirectories);
    int checked = 0;
    while (it.hasNext()) {
        QFile file(it.next());
        ASSERT_TRUE(file.open(QIODevice::ReadOnly)) << file.fileName().toStdString();
        const QByteArray before = file.readAll();
        QByteArray after = before;
        const qsizetype at = after.indexOf("npx");
        if (at >= 0)
            after.replace(at, 3, "/home/user/.local/bin/manifold-shim");
        after.append("appended\n");
        QString error;
        const QString text = unifiedDiff(before, after, file.fileName(), file.fileName());
        EXPECT_EQ(applyWithPatch(patch, before, text, &error), after)
            << file.fileName().toStdString() << ": " << error.toStdString();
        ++checked;
    }
    EXPECT_GE(checked, 20);
}
