using PyStream.Engine.Records;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// Which input columns MATCH_RECOGNIZE's rows keep (those a match reads), and the arena of typed
/// columns that holds the rows the shared buffer keeps: one per operator.
/// </summary>
internal sealed class MatchRowLayout
{
    private readonly int[] _readIndex;

    public MatchRowLayout(IReadOnlyList<SqlType> inputTypes, int[] readColumns)
    {
        ReadColumns = readColumns;
        Width = inputTypes.Count;
        _readIndex = Enumerable.Repeat(-1, Width).ToArray();
        for (var i = 0; i < readColumns.Length; i++)
            _readIndex[readColumns[i]] = i;
        Arena = new RowArena([.. readColumns.Select(c => inputTypes[c])]);
    }

    /// <summary>The input columns a match reads, in order.</summary>
    public int[] ReadColumns { get; }

    /// <summary>The input row's width.</summary>
    public int Width { get; }

    /// <summary>Kept rows, one slot each, over <see cref="ReadColumns"/>.</summary>
    public RowArena Arena { get; }

    /// <summary>Rows the shared buffers keep now.</summary>
    public int KeptRows { get; private set; }

    /// <summary>Copies a waiting row into the arena; returns its slot.</summary>
    public int Keep(RowBatch readColumns, int row)
    {
        KeptRows++;
        return Arena.Add(readColumns, row);
    }

    /// <summary>Lets a kept row's slot go (reused once the operator recycles the arena).</summary>
    public void Release(int slot)
    {
        KeptRows--;
        Arena.Release(slot);
    }

    /// <summary>Where input column <paramref name="column"/> sits among the read columns; -1 when no match reads it.</summary>
    public int ReadIndex(int column) => _readIndex[column];
}
