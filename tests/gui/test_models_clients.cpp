// The Clients table model: rows follow ClientSetup::status() with targeted signals only.

#include "modeltestsupport.h"

#include "clienttablemodel.h"
#include "modelformat.h"

#include <gtest/gtest.h>

using namespace manifold;

namespace {

ClientFileStatus status(const QString &clientId, const QString &path, ClientFileStatus::State state,
                        QList<ClientEntry::Kind> kinds = {})
{
    ClientFileStatus file;
    file.file = {clientId, path, QStringLiteral("user"), QString(), QString()};
    file.kind = findClientKind(clientId);
    file.state = state;
    file.installed = state != ClientFileStatus::State::Missing;
    int n = 0;
    for (ClientEntry::Kind kind : kinds) {
        ClientEntry entry;
        entry.kind = kind;
        entry.name = QStringLiteral("entry%1").arg(n++);
        file.entries.append(entry);
    }
    return file;
}

} // namespace

TEST(ClientTableModelTest, UpdatesRowsInPlaceAndInsertsProjectFiles)
{
    using State = ClientFileStatus::State;
    using Kind = ClientEntry::Kind;
    ClientTableModel model;
    auto tester = testModel(&model);
    ModelSpies spies(&model);

    const QList<ClientFileStatus> first = {
        status(QStringLiteral("claude-desktop"), QStringLiteral("/h/claude.json"), State::NotSetUp,
               {Kind::Stdio, Kind::Stdio, Kind::Remote}),
        status(QStringLiteral("cursor"), QStringLiteral("/h/.cursor/mcp.json"), State::Missing),
    };
    model.setFiles(first);
    ASSERT_EQ(model.rowCount(), 2);
    EXPECT_EQ(spies.rowsInserted.count(), 2);
    EXPECT_EQ(model.index(0, ClientTableModel::ClientColumn).data().toString(),
              QStringLiteral("Claude Desktop"));
    EXPECT_EQ(model.index(0, ClientTableModel::StateColumn).data().toString(),
              QStringLiteral("not set up"));
    EXPECT_EQ(model.index(0, ClientTableModel::LocalColumn).data().toInt(), 2);
    EXPECT_EQ(model.index(0, ClientTableModel::RemoteColumn).data().toInt(), 1);
    EXPECT_EQ(model.index(1, ClientTableModel::LocalColumn).data().toString(), ModelFormat::none());
    EXPECT_FALSE(model.index(1, 0).data(ClientTableModel::InstalledRole).toBool());
    EXPECT_EQ(model.headerData(ClientTableModel::StateColumn, Qt::Horizontal).toString(),
              QStringLiteral("State"));

    // Same status again: no signal at all.
    spies.clear();
    model.setFiles(first);
    EXPECT_TRUE(spies.dataChanged.isEmpty());
    EXPECT_TRUE(spies.rowsInserted.isEmpty());

    // Claude set up, a project file appears at the end: one dataChanged, one insert.
    spies.clear();
    QList<ClientFileStatus> second = first;
    second[0] = status(QStringLiteral("claude-desktop"), QStringLiteral("/h/claude.json"),
                       State::SetUp, {Kind::Managed, Kind::Managed, Kind::Remote});
    second[0].revertible = true;
    ClientFileStatus project =
        status(QStringLiteral("claude-code"), QStringLiteral("/p/.mcp.json"), State::Broken);
    project.file.scope = QStringLiteral("project");
    project.file.projectDir = QStringLiteral("/p");
    project.error = QStringLiteral("line 1: unexpected end");
    second.append(project);
    model.setFiles(second);
    EXPECT_TRUE(spies.noWholesaleChanges());
    ASSERT_EQ(spies.dataChanged.count(), 1);
    EXPECT_EQ(spanOf(spies.dataChanged.first()).firstRow, 0);
    EXPECT_EQ(spanOf(spies.dataChanged.first()).lastRow, 0);
    EXPECT_EQ(spies.rowsInserted.count(), 1);
    EXPECT_EQ(model.index(0, ClientTableModel::StateColumn).data().toString(),
              QStringLiteral("set up"));
    EXPECT_EQ(model.index(0, ClientTableModel::ManagedColumn).data().toInt(), 2);
    EXPECT_EQ(model.index(0, ClientTableModel::RevertColumn).data().toString(),
              QStringLiteral("yes"));
    EXPECT_EQ(model.index(2, ClientTableModel::StateColumn).data().toString(),
              QStringLiteral("broken: line 1: unexpected end"));
    EXPECT_EQ(model.index(2, ClientTableModel::ScopeColumn).data().toString(),
              QStringLiteral("project p"));
    EXPECT_EQ(model.rowOf(QStringLiteral("claude-code"), QStringLiteral("/p/.mcp.json")), 2);

    // The project goes again: one removal.
    spies.clear();
    model.setFiles(second.mid(0, 2));
    EXPECT_TRUE(spies.noWholesaleChanges());
    EXPECT_EQ(spies.rowsRemoved.count(), 1);
    EXPECT_EQ(model.rowCount(), 2);
}
