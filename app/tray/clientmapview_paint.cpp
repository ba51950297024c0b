// ClientMapView: painting, every colour taken from the widget's palette (light and dark).
#include "clientmapview.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>

namespace manifold {

namespace {

QColor withAlpha(QColor colour, qreal alpha)
{
    colour.setAlphaF(float(alpha));
    return colour;
}

} // namespace

void ClientMapView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette &pal = palette();
    painter.fillRect(rect(), pal.window());

    if (m_nodes.isEmpty()) {
        painter.setPen(withAlpha(pal.color(QPalette::Text), 0.65));
        painter.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, summary());
        return;
    }

    // Where an edge meets a node: spread over the node's side so parallel edges stay apart.
    QList<int> used(m_nodes.size(), 0);
    QList<int> total(m_nodes.size(), 0);
    for (const Edge &edge : std::as_const(m_edges)) {
        ++total[edge.from];
        ++total[edge.to];
    }
    const auto anchor = [&](int node, bool rightSide) {
        const QRectF &r = m_nodes.at(node).rect;
        const int count = total.at(node);
        const qreal step = std::min<qreal>(8, r.height() / (count + 1));
        const qreal y = r.center().y() + (used[node]++ - (count - 1) / 2.0) * step;
        return QPointF(rightSide ? r.right() : r.left(), y);
    };

    const int highlighted = highlightedNode();
    QList<int> order; // highlighted edges last, on top
    for (int i = 0; i < m_edges.size(); ++i) {
        if (!isHighlighted(m_edges.at(i)))
            order.append(i);
    }
    for (int i = 0; i < m_edges.size(); ++i) {
        if (isHighlighted(m_edges.at(i)))
            order.append(i);
    }
    QList<QPointF> starts(m_edges.size()), ends(m_edges.size());
    for (int i = 0; i < m_edges.size(); ++i) {
        starts[i] = anchor(m_edges.at(i).from, true);
        ends[i] = anchor(m_edges.at(i).to, false);
    }
    for (int i : std::as_const(order)) {
        const Edge &edge = m_edges.at(i);
        const QPointF start = starts.at(i), end = ends.at(i);
        const qreal middle = (start.x() + end.x()) / 2;
        QPainterPath path(start);
        path.cubicTo(QPointF(middle, start.y()), QPointF(middle, end.y()), end);
        QColor colour = isHighlighted(edge)
                            ? pal.color(QPalette::Highlight)
                            : withAlpha(pal.color(QPalette::Text), highlighted >= 0 ? 0.15 : 0.4);
        painter.setPen(QPen(colour, edge.width, Qt::SolidLine, Qt::FlatCap));
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(path);
    }
    for (int node = 0; node < m_nodes.size(); ++node)
        paintNode(painter, node);
}

void ClientMapView::paintNode(QPainter &painter, int index) const
{
    const Node &node = m_nodes.at(index);
    const QPalette &pal = palette();
    const QRectF r = node.rect;
    const bool focused = hasFocus() && index == m_current;
    const bool marked = index == m_hovered || index == m_current;
    const qreal radius = fontMetrics().height() / 3.0;

    QColor border =
        marked ? pal.color(QPalette::Highlight) : withAlpha(pal.color(QPalette::Text), 0.35);
    painter.setPen(QPen(border, focused ? 2.5 : marked ? 1.5 : 1));
    painter.setBrush(pal.base());
    painter.drawRoundedRect(r.adjusted(0.5, 0.5, -0.5, -0.5), radius, radius);

    // The session count as a badge at the side facing the other column.
    const QString count = QString::number(node.sessions);
    const QFontMetricsF metrics(font());
    const qreal badgeHeight = metrics.height() + 2;
    const qreal badgeWidth =
        std::max(badgeHeight, metrics.horizontalAdvance(count) + badgeHeight / 2);
    const qreal padding = metrics.height() / 2;
    const QRectF badge(node.kind == Node::Client ? r.right() - padding - badgeWidth
                                                 : r.left() + padding,
                       r.center().y() - badgeHeight / 2, badgeWidth, badgeHeight);
    painter.setPen(Qt::NoPen);
    painter.setBrush(pal.highlight());
    painter.drawRoundedRect(badge, badgeHeight / 2, badgeHeight / 2);
    painter.setPen(pal.color(QPalette::HighlightedText));
    painter.drawText(badge, Qt::AlignCenter, count);

    const qreal textLeft =
        node.kind == Node::Client ? r.left() + padding : badge.right() + padding / 2;
    const qreal textRight =
        node.kind == Node::Client ? badge.left() - padding / 2 : r.right() - padding;
    const qreal textWidth = std::max<qreal>(0, textRight - textLeft);
    QFont bold = font();
    bold.setBold(true);
    const QFontMetricsF boldMetrics(bold);
    const qreal lineHeight = metrics.height();
    const qreal top = r.center().y() - lineHeight;
    painter.setFont(bold);
    painter.setPen(pal.color(QPalette::Text));
    painter.drawText(QRectF(textLeft, top, textWidth, lineHeight), Qt::AlignLeft | Qt::AlignVCenter,
                     boldMetrics.elidedText(node.name, Qt::ElideRight, textWidth));
    painter.setFont(font());
    painter.setPen(withAlpha(pal.color(QPalette::Text), 0.65)); // readable on any base colour
    painter.drawText(QRectF(textLeft, top + lineHeight, textWidth, lineHeight),
                     Qt::AlignLeft | Qt::AlignVCenter,
                     elidedDetail(node, metrics, textWidth));
}

QString ClientMapView::elidedDetail(const Node &node, const QFontMetricsF &metrics, qreal width)
{
    if (metrics.horizontalAdvance(node.detail) <= width)
        return node.detail;
    if (node.kind != Node::Client)
        return metrics.elidedText(node.detail, Qt::ElideMiddle, width);
    if (node.detailLead.isEmpty())
        return metrics.elidedText(node.detail, Qt::ElideLeft, width);
    const QString separator = QStringLiteral(" · ");
    const QString lead = node.detailLead + separator;
    const QString paths = node.detail.mid(lead.size());
    const qreal room = width - metrics.horizontalAdvance(lead);
    if (!node.detail.startsWith(lead) || paths.isEmpty() ||
        room < metrics.horizontalAdvance(QStringLiteral("\u2026/abc")))
        return metrics.elidedText(node.detail, Qt::ElideRight, width);
    return lead + metrics.elidedText(paths, Qt::ElideLeft, room);
}

} // namespace manifold
