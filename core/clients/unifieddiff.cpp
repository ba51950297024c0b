#include "clients/unifieddiff.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <QByteArray>

namespace manifold {

namespace {

using Index = std::ptrdiff_t;

// A line's bytes with its '\n' (none on an unterminated last line), so "x" and "x\n" differ
// the way diff sees them, and a "\r" before the '\n' is simply part of the line.
using Line = std::string_view;

std::vector<Line> splitLines(const QByteArray &text)
{
    std::vector<Line> lines;
    const char *data = text.constData();
    const Index size = text.size();
    Index start = 0;
    while (start < size) {
        const void *newline = std::memchr(data + start, '\n', std::size_t(size - start));
        const Index end = newline ? static_cast<const char *>(newline) - data + 1 : size;
        lines.emplace_back(data + start, std::size_t(end - start));
        start = end;
    }
    return lines;
}

// Linear-space Myers (middle snake, divide and conquer) over line ids. Marks which lines of
// each side are not part of the common subsequence.
class MyersDiff final
{
public:
    MyersDiff(const std::vector<int> &a, const std::vector<int> &b)
        : m_a(a), m_b(b), m_offset(Index(b.size()) + 1), m_forward(a.size() + b.size() + 3),
          m_backward(a.size() + b.size() + 3)
    {
        // Past this many edits in one split the search settles for a valid, maybe longer, path:
        // bounded time for two unrelated multi-megabyte files.
        const double total = double(a.size() + b.size());
        m_costLimit = std::max<Index>(1024, Index(2 * std::sqrt(total)));
    }

    void run(std::vector<char> &changedA, std::vector<char> &changedB)
    {
        struct Box
        {
            Index xoff, xlim, yoff, ylim;
        };
        std::vector<Box> pending{{0, Index(m_a.size()), 0, Index(m_b.size())}};
        while (!pending.empty()) {
            Box box = pending.back();
            pending.pop_back();
            while (box.xoff < box.xlim && box.yoff < box.ylim && m_a[box.xoff] == m_b[box.yoff]) {
                ++box.xoff;
                ++box.yoff;
            }
            while (box.xoff < box.xlim && box.yoff < box.ylim &&
                   m_a[box.xlim - 1] == m_b[box.ylim - 1]) {
                --box.xlim;
                --box.ylim;
            }
            if (box.xoff == box.xlim) {
                std::fill(changedB.begin() + box.yoff, changedB.begin() + box.ylim, 1);
            } else if (box.yoff == box.ylim) {
                std::fill(changedA.begin() + box.xoff, changedA.begin() + box.xlim, 1);
            } else {
                const Point mid = split(box.xoff, box.xlim, box.yoff, box.ylim);
                pending.push_back({mid.x, box.xlim, mid.y, box.ylim});
                pending.push_back({box.xoff, mid.x, box.yoff, mid.y});
            }
        }
    }

private:
    struct Point
    {
        Index x, y;
    };

    static constexpr Index kUnreached = -1;

    Index &fwd(Index k) { return m_forward[std::size_t(k + m_offset)]; }
    Index &bwd(Index k) { return m_backward[std::size_t(k + m_offset)]; }

    // Diagonals k = x - y reachable with d edits from centre `mid`, kept inside [dmin, dmax]
    // with the parity of mid + d.
    static void range(Index mid, Index d, Index dmin, Index dmax, Index *lo, Index *hi)
    {
        *lo = mid - d;
        if (*lo < dmin)
            *lo = dmin + ((dmin - *lo) & 1);
        *hi = mid + d;
        if (*hi > dmax)
            *hi = dmax - ((*hi - dmax) & 1);
    }

    // A point on a shortest edit path of the box (which has differing first and last lines,
    // so at least two edits), strictly inside it in the sense that both halves are smaller.
    Point split(Index xoff, Index xlim, Index yoff, Index ylim)
    {
        const Index dmin = xoff - ylim;
        const Index dmax = xlim - yoff;
        const Index fmid = xoff - yoff;
        const Index bmid = xlim - ylim;
        const bool oddDelta = ((bmid - fmid) & 1) != 0;
        const auto inside = [&](Point p) {
            return (p.x != xoff || p.y != yoff) && (p.x != xlim || p.y != ylim);
        };

        Index flo = 0, fhi = -1, blo = 0, bhi = -1; // ranges of the previous step, empty at first
        const Index maxCost = (xlim - xoff) + (ylim - yoff);
        for (Index d = 0; d <= maxCost; ++d) {
            Index lo, hi;
            range(fmid, d, dmin, dmax, &lo, &hi);
            for (Index k = lo; k <= hi; k += 2) {
                Index x = kUnreached;
                if (d == 0) {
                    x = xoff;
                } else {
                    if (k + 1 >= flo && k + 1 <= fhi && fwd(k + 1) != kUnreached &&
                        fwd(k + 1) - (k + 1) < ylim)
                        x = fwd(k + 1); // down: one insertion
                    if (k - 1 >= flo && k - 1 <= fhi && fwd(k - 1) != kUnreached &&
                        fwd(k - 1) < xlim)
                        x = std::max(x, fwd(k - 1) + 1); // right: one deletion
                }
                if (x != kUnreached) {
                    Index y = x - k;
                    while (x < xlim && y < ylim && m_a[std::size_t(x)] == m_b[std::size_t(y)]) {
                        ++x;
                        ++y;
                    }
                }
                fwd(k) = x;
                if (oddDelta && x != kUnreached && k >= blo && k <= bhi && bwd(k) != kUnreached &&
                    x >= bwd(k)) {
                    const Point p{x, x - k};
                    if (inside(p))
                        return p;
                }
            }
            flo = lo;
            fhi = hi;

            range(bmid, d, dmin, dmax, &lo, &hi);
            for (Index k = lo; k <= hi; k += 2) {
                Index x = kUnreached;
                if (d == 0) {
                    x = xlim;
                } else {
                    if (k + 1 >= blo && k + 1 <= bhi && bwd(k + 1) != kUnreached &&
                        bwd(k + 1) > xoff)
                        x = bwd(k + 1) - 1; // left: one deletion
                    if (k - 1 >= blo && k - 1 <= bhi && bwd(k - 1) != kUnreached &&
                        bwd(k - 1) - (k - 1) > yoff) {
                        const Index up = bwd(k - 1); // up: one insertion
                        x = x == kUnreached ? up : std::min(x, up);
                    }
                }
                if (x != kUnreached) {
                    Index y = x - k;
                    while (x > xoff && y > yoff &&
                           m_a[std::size_t(x - 1)] == m_b[std::size_t(y - 1)]) {
                        --x;
                        --y;
                    }
                }
                bwd(k) = x;
                if (!oddDelta && x != kUnreached && k >= flo && k <= fhi && fwd(k) != kUnreached &&
                    fwd(k) >= x) {
                    const Point p{x, x - k};
                    if (inside(p))
                        return p;
                }
            }
            blo = lo;
            bhi = hi;

            if (d >= m_costLimit)
                break;
        }

        // Too expensive (or nothing usable found): split where the forward search got furthest,
        // else where the backward one did. Any inside point gives a valid edit script.
        Point best{kUnreached, kUnreached};
        for (Index k = flo; k <= fhi; k += 2) {
            const Index x = fwd(k);
            const Point p{x, x - k};
            if (x != kUnreached && inside(p) &&
                (best.x == kUnreached || p.x + p.y > best.x + best.y))
                best = p;
        }
        if (best.x != kUnreached)
            return best;
        for (Index k = blo; k <= bhi; k += 2) {
            const Index x = bwd(k);
            const Point p{x, x - k};
            if (x != kUnreached && inside(p) &&
                (best.x == kUnreached || p.x + p.y < best.x + best.y))
                best = p;
        }
        if (best.x != kUnreached)
            return best;
        return {xoff + 1, yoff}; // delete the first line: always valid, always progress
    }

    const std::vector<int> &m_a;
    const std::vector<int> &m_b;
    Index m_offset;
    Index m_costLimit = 0;
    std::vector<Index> m_forward;
    std::vector<Index> m_backward;
};

// One block of deleted and/or inserted lines: [a0, a1) of before replaced by [b0, b1) of after.
struct Change
{
    Index a0, a1, b0, b1;
};

std::vector<Change> changes(const std::vector<Line> &a, const std::vector<Line> &b)
{
    const Index n = Index(a.size());
    const Index m = Index(b.size());
    Index prefix = 0;
    while (prefix < n && prefix < m && a[std::size_t(prefix)] == b[std::size_t(prefix)])
        ++prefix;
    Index suffix = 0;
    while (suffix < n - prefix && suffix < m - prefix &&
           a[std::size_t(n - 1 - suffix)] == b[std::size_t(m - 1 - suffix)])
        ++suffix;

    // Only the differing middle gets ids and a search.
    std::unordered_map<Line, int> ids;
    ids.reserve(std::size_t(n + m - 2 * prefix - 2 * suffix));
    const auto idsOf = [&](const std::vector<Line> &lines, Index end) {
        std::vector<int> out;
        out.reserve(std::size_t(end - prefix));
        for (Index i = prefix; i < end; ++i)
            out.push_back(ids.emplace(lines[std::size_t(i)], int(ids.size())).first->second);
        return out;
    };
    const std::vector<int> idsA = idsOf(a, n - suffix);
    const std::vector<int> idsB = idsOf(b, m - suffix);
    std::vector<char> changedA(idsA.size(), 0);
    std::vector<char> changedB(idsB.size(), 0);
    if (!idsA.empty() || !idsB.empty())
        MyersDiff(idsA, idsB).run(changedA, changedB);

    std::vector<Change> out;
    const Index na = Index(idsA.size());
    const Index nb = Index(idsB.size());
    Index i = 0, j = 0;
    while (i < na || j < nb) {
        if (i < na && j < nb && !changedA[std::size_t(i)] && !changedB[std::size_t(j)]) {
            ++i;
            ++j;
            continue;
        }
        const Index a0 = i, b0 = j;
        while (i < na && changedA[std::size_t(i)])
            ++i;
        while (j < nb && changedB[std::size_t(j)])
            ++j;
        if (i == a0 && j == b0) // unmatched unchanged lines: cannot happen, never loop on it
            break;
        out.push_back({a0 + prefix, i + prefix, b0 + prefix, j + prefix});
    }
    return out;
}

void appendRange(QByteArray &out, Index start, Index count)
{
    // GNU: a one-line range omits its length, an empty one names the line before it.
    out += QByteArray::number(qlonglong(count == 0 ? start : start + 1));
    if (count != 1) {
        out += ',';
        out += QByteArray::number(qlonglong(count));
    }
}

void appendLine(QByteArray &out, char prefix, Line line)
{
    out += prefix;
    out.append(line.data(), qsizetype(line.size()));
    if (line.empty() || line.back() != '\n')
        out += "\n\\ No newline at end of file\n";
}

} // namespace

QString unifiedDiff(const QByteArray &before, const QByteArray &after, const QString &fromLabel,
                    const QString &toLabel, int context)
{
    if (before == after)
        return {};
    context = std::max(context, 0);
    const std::vector<Line> a = splitLines(before);
    const std::vector<Line> b = splitLines(after);
    const std::vector<Change> all = changes(a, b);

    QByteArray out;
    out += "--- " + fromLabel.toUtf8() + '\n';
    out += "+++ " + toLabel.toUtf8() + '\n';
    const Index n = Index(a.size());
    for (std::size_t first = 0; first < all.size();) {
        std::size_t last = first;
        while (last + 1 < all.size() && all[last + 1].a0 - all[last].a1 <= 2 * Index(context))
            ++last;
        const Index aStart = std::max<Index>(0, all[first].a0 - context);
        const Index aEnd = std::min(n, all[last].a1 + context);
        const Index bStart = all[first].b0 - (all[first].a0 - aStart);
        const Index bEnd = all[last].b1 + (aEnd - all[last].a1);

        out += "@@ -";
        appendRange(out, aStart, aEnd - aStart);
        out += " +";
        appendRange(out, bStart, bEnd - bStart);
        out += " @@\n";
        Index ai = aStart;
        for (std::size_t c = first; c <= last; ++c) {
            const Change &change = all[c];
            for (; ai < change.a0; ++ai)
                appendLine(out, ' ', a[std::size_t(ai)]);
            for (; ai < change.a1; ++ai)
                appendLine(out, '-', a[std::size_t(ai)]);
            for (Index bi = change.b0; bi < change.b1; ++bi)
                appendLine(out, '+', b[std::size_t(bi)]);
        }
        for (; ai < aEnd; ++ai)
            appendLine(out, ' ', a[std::size_t(ai)]);
        first = last + 1;
    }
    return QString::fromUtf8(out);
}

} // namespace manifold
