#pragma once

// ClientMapModel's tree node, shared by its two source files only.
#include "clientmapmodel.h"

namespace manifold {

// A row of the tree: level 0 (client or server), 1 (server or instance), 2 (session).
struct ClientMapModel::Node
{
    int level = -1; // -1: the invisible root
    QString key;
    qint64 id = -1; // level 2
    QJsonObject session;
    Node *parent = nullptr;
    std::vector<std::unique_ptr<Node>> children;

    int row() const
    {
        const auto &siblings = parent->children;
        for (size_t i = 0; i < siblings.size(); ++i) {
            if (siblings[i].get() == this)
                return int(i);
        }
        return -1;
    }
    bool before(const QString &otherKey, qint64 otherId) const
    {
        if (level == 2)
            return id < otherId;
        const int folded = key.compare(otherKey, Qt::CaseInsensitive);
        return folded != 0 ? folded < 0 : key < otherKey;
    }
};

} // namespace manifold
