#include "clients/sharingchoice.h"

#include "clients/clientfile.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>

namespace manifold {

namespace {

bool isSeparator(QChar c)
{
    return c == QLatin1Char('/') || c == QLatin1Char('\\');
}

bool isDotRelative(const QString &text)
{
    if (text == QLatin1String(".") || text == QLatin1String(".."))
        return true;
    const qsizetype dots = text.startsWith(QLatin1String("..")) ? 2
                           : text.startsWith(QLatin1Char('.'))  ? 1
                                                                : 0;
    return dots > 0 && text.size() > dots && isSeparator(text.at(dots));
}

bool isAbsolute(const QString &text)
{
    if (text.startsWith(QLatin1Char('/')) || text.startsWith(QLatin1Char('~')) ||
        text.startsWith(QLatin1String("\\\\")))
        return true;
    // C:\x or C:/x
    return text.size() > 2 && text.at(0).isLetter() && text.at(1) == QLatin1Char(':') &&
           isSeparator(text.at(2));
}

bool hasFileExtension(const QString &word)
{
    static const QStringList extensions{
        QStringLiteral("js"),   QStringLiteral("mjs"),    QStringLiteral("cjs"),
        QStringLiteral("ts"),   QStringLiteral("mts"),    QStringLiteral("py"),
        QStringLiteral("rb"),   QStringLiteral("pl"),     QStringLiteral("php"),
        QStringLiteral("sh"),   QStringLiteral("jar"),    QStringLiteral("json"),
        QStringLiteral("yaml"), QStringLiteral("yml"),    QStringLiteral("toml"),
        QStringLiteral("db"),   QStringLiteral("sqlite"), QStringLiteral("sqlite3")};
    const qsizetype dot = word.lastIndexOf(QLatin1Char('.'));
    return dot > 0 && extensions.contains(word.mid(dot + 1), Qt::CaseInsensitive);
}

// Container runners take image names (mcp/fetch) and paths inside the container: only an
// explicit ./x on the host side is a host path there.
bool isContainerRunner(const QString &command)
{
    const QString base = QFileInfo(command).completeBaseName().toLower();
    return base == QLatin1String("docker") || base == QLatin1String("podman") ||
           base == QLatin1String("nerdctl");
}

QString quoted(const QString &text)
{
    return QLatin1Char('"') + text + QLatin1Char('"');
}

} // namespace

bool isRelativePath(const QString &argument)
{
    QString word = argument;
    if (word.startsWith(QLatin1Char('-'))) {
        const qsizetype equals = word.indexOf(QLatin1Char('='));
        if (equals < 0)
            return false;
        word = word.mid(equals + 1);
    }
    if (word.isEmpty())
        return false;
    if (isDotRelative(word))
        return true;
    if (isAbsolute(word) || word.contains(QLatin1Char(':')) || word.contains(QLatin1Char('@')) ||
        word.contains(QLatin1Char('=')) || word.contains(QLatin1Char(' ')))
        return false;
    qsizetype separator = -1;
    for (qsizetype i = 0; i < word.size() && separator < 0; ++i) {
        if (isSeparator(word.at(i)))
            separator = i;
    }
    if (separator > 0) {
        const QString first = word.left(separator);
        // ghcr.io/..., github.com/...: a host name, not a directory (.venv/... is one).
        return !first.mid(1).contains(QLatin1Char('.'));
    }
    return separator < 0 && hasFileExtension(word);
}

bool isRelativeCommand(const QString &command)
{
    if (isDotRelative(command))
        return true;
    if (isAbsolute(command))
        return false;
    return std::any_of(command.cbegin(), command.cend(), isSeparator);
}

SharingChoice chooseSharing(const ClientEntry &entry, const QString &filePath)
{
    const bool project = entry.scope == QLatin1String("project");
    const bool local = entry.scope.startsWith(QLatin1String("local "));
    if (project || local) {
        // The cwd as the client resolves it: relative to the project, which is the default.
        const QString projectDir = QDir::cleanPath(entry.projectDir);
        const QString cwd = entry.cwd.isEmpty()
                                ? projectDir
                                : QDir::cleanPath(QDir(projectDir).absoluteFilePath(entry.cwd));
        if (cwd != projectDir)
            return {false, QString(), cwd};
        const QString file = QDir::toNativeSeparators(filePath);
        return {true,
                project ? QStringLiteral("from project file %1").arg(file)
                        : QStringLiteral("from project %1 in %2")
                              .arg(QDir::toNativeSeparators(entry.projectDir), file),
                QString()};
    }
    if (!entry.cwd.isEmpty() && !isAbsolute(entry.cwd))
        return {true, QStringLiteral("cwd %1 is a relative path").arg(quoted(entry.cwd)),
                QString()};
    if (!entry.cwd.isEmpty())
        return {false, QString(), entry.cwd};
    if (isRelativeCommand(entry.command))
        return {true, QStringLiteral("command %1 is a relative path").arg(quoted(entry.command)),
                QString()};
    const bool container = isContainerRunner(entry.command);
    for (const QString &argument : entry.args) {
        if (container ? isDotRelative(argument) : isRelativePath(argument))
            return {true, QStringLiteral("argument %1 is a relative path").arg(quoted(argument)),
                    QString()};
    }
    return {};
}

} // namespace manifold
