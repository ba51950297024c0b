#pragma once

#include <QString>

class QByteArray;

namespace manifold {

// A unified diff of two texts in GNU `diff -u` form, for `manifoldctl setup --dry-run` and the
// GUI's preview. Lines end at '\n' and a '\r' before it belongs to the line, so CRLF files diff
// (and apply with `patch`) as they are. "\ No newline at end of file" marks a last line without
// '\n'. The labels are printed as given (no timestamps). Returns an empty string when the texts
// are equal. Bytes that are not UTF-8 are decoded lossily in the returned QString.
// Common leading and trailing lines are trimmed before a linear-space Myers O(ND) search; very
// expensive middles fall back to a valid but possibly longer diff instead of running on.
QString unifiedDiff(const QByteArray &before, const QByteArray &after, const QString &fromLabel,
                    const QString &toLabel, int context = 3);

} // namespace manifold
