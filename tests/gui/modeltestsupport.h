#pragma once

#include <QAbstractItemModel>
#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include <memory>

// Every structural signal of a model, recorded, so a test can say "exactly this, nothing else".
struct ModelSpies
{
    explicit ModelSpies(QAbstractItemModel *model)
        : dataChanged(model, &QAbstractItemModel::dataChanged),
          rowsInserted(model, &QAbstractItemModel::rowsInserted),
          rowsRemoved(model, &QAbstractItemModel::rowsRemoved),
          rowsMoved(model, &QAbstractItemModel::rowsMoved),
          modelReset(model, &QAbstractItemModel::modelReset),
          layoutChanged(model, &QAbstractItemModel::layoutChanged)
    {
    }

    void clear()
    {
        for (QSignalSpy *spy :
             {&dataChanged, &rowsInserted, &rowsRemoved, &rowsMoved, &modelReset, &layoutChanged})
            spy->clear();
    }
    // No reset, no layout change, no moves: the only acceptable signals are targeted ones.
    bool noWholesaleChanges() const
    {
        return modelReset.isEmpty() && layoutChanged.isEmpty() && rowsMoved.isEmpty();
    }

    QSignalSpy dataChanged;
    QSignalSpy rowsInserted;
    QSignalSpy rowsRemoved;
    QSignalSpy rowsMoved;
    QSignalSpy modelReset;
    QSignalSpy layoutChanged;
};

inline std::unique_ptr<QAbstractItemModelTester> testModel(QAbstractItemModel *model)
{
    return std::make_unique<QAbstractItemModelTester>(
        model, QAbstractItemModelTester::FailureReportingMode::Fatal);
}

// Row range and column range of one recorded dataChanged.
struct Span
{
    int firstRow, lastRow, firstColumn, lastColumn;
    QList<int> roles;
};

inline Span spanOf(const QList<QVariant> &arguments)
{
    const auto topLeft = arguments.at(0).value<QModelIndex>();
    const auto bottomRight = arguments.at(1).value<QModelIndex>();
    return {topLeft.row(), bottomRight.row(), topLeft.column(), bottomRight.column(),
            arguments.at(2).value<QList<int>>()};
}
