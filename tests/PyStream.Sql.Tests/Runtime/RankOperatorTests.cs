using Microsoft.Extensions.Time.Testing;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.State;
using PyStream.Sql.Planning;
using PyStream.Sql.Runtime;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Runtime;

/// <summary>
/// The rank operators against brute-force models, and the same output across a checkpoint and a
/// restore (a new operator, its cache empty, on a copy of the state), on the heap and RocksDB.
/// </summary>
public sealed class RankOperatorTests : IDisposable
{
    /// <summary>Rows (key, value, id): ranked per key by value descending.</summary>
    private static readonly SqlType[] Types = [SqlType.BigInt.NotNull, SqlType.BigInt.NotNull, SqlType.BigInt.NotNull];

    private readonly TestStateStores _stores = new("rank");

    public void Dispose() => _stores.Dispose();

    /// <summary>A changelog in batches of 10: inserts of random values, and now and then a retraction of a row inserted before.</summary>
    private static List<List<(RowKind Kind, long[] Row)>> Changes()
    {
        var random = new Random(5);
        var live = new List<long[]>();
        var batches = new List<List<(RowKind, long[])>>();
        for (var b = 0; b < 40; b++)
        {
            var batch = new List<(RowKind, long[])>();
            for (var i = 0; i < 10; i++)
            {
                if (live.Count > 0 && random.Next(3) == 0)
                {
                    var gone = live[random.Next(live.Count)];
                    live.Remove(gone);
                    batch.Add((RowKind.Delete, gone));
                }
                else
                {
                    long[] row = [random.Next(4), random.Next(15), b * 10 + i];
                    live.Add(row);
                    batch.Add((RowKind.Insert, row));
                }
            }

            batches.Add(batch);
        }

        return batches;
    }

    /// <summary>The final top 3 of each key by value descending, equal values in arrival (id) order, with their rank.</summary>
    private static List<string> Model()
    {
        var live = new List<long[]>();
        foreach (var (kind, row) in Changes().SelectMany(b => b))
        {
            if (kind == RowKind.Insert)
                live.Add(row);
            else
                live.Remove(row);
        }

        return live.GroupBy(r => r[0])
            .SelectMany(g => g.OrderByDescending(r => r[1]).ThenBy(r => r[2]).Take(3).Select((r, i) => $"{r[0]} {r[1]} {r[2]} {i + 1}"))
            .Order(StringComparer.Ordinal).ToList();
    }

    [Theory]
    [InlineData("heap")]
    [InlineData("rocksdb")]
    public void A_retracting_top_n_ends_with_each_keys_top_rows_and_a_restore_changes_nothing(string backend)
    {
        var straight = Run(backend, restoreAfter: -1);
        var restored = Run(backend, restoreAfter: 17);
        Assert.Equal(straight, restored);
        Assert.Equal(Model(), Materialize(straight));
    }

    /// <summary>The output changelog applied: +I/+U add a row, -U/-D take away one that must be there.</summary>
    private static List<string> Materialize(List<string> changes)
    {
        var table = new List<string>();
        foreach (var change in changes)
        {
            var row = change[3..];
            if (change.StartsWith('+'))
            {
                table.Add(row);
            }
            else
            {
                Assert.True(table.Remove(row), $"{change} retracts a row that is not there");
            }
        }

        return table.Order(StringComparer.Ordinal).ToList();
    }

    private List<string> Run(string backend, int restoreAfter)
    {
        RankOperator Create() => new("rank", new RowKeys([0], [Types[0]]), new RankSpec([new SortKey(1, true, false)], 1, 3, true), appendOnly: false, Types, [.. Types, SqlType.BigInt.NotNull]);
        return Run(Create, backend, restoreAfter, Changes(), watermark: null);
    }

    /// <summary>
    /// Feeds the batches (a watermark after each when <paramref name="watermark"/> gives one), then
    /// the final watermark; after batch <paramref name="restoreAfter"/> the operator snapshots and
    /// a new one opens on a copy of the state.
    /// </summary>
    private List<string> Run<T>(Func<T> create, string backend, int restoreAfter, List<List<(RowKind Kind, long[] Row)>> batches, Func<int, long>? watermark)
        where T : SqlOperator
    {
        var output = new CollectingRows { WithKinds = true };
        var store = _stores.New(backend);
        var op = SqlOperatorHarness.Open(create, output, store);
        for (var b = 0; b < batches.Count; b++)
        {
            var builder = new RowBuilder(Types);
            foreach (var (kind, row) in batches[b])
                builder.Add(kind, [.. row.Cast<object?>()]);
            op.ProcessBatch(0, builder.Take()!);
            if (watermark is not null)
                op.ProcessWatermark(0, watermark(b));
            if (b == restoreAfter)
            {
                op.SnapshotState(new CheckpointBarrier(1, 0, SnapshotKind.Checkpoint), new Dictionary<string, byte[]>());
                store = _stores.Restored(store, backend);
                op.Close();
                op = SqlOperatorHarness.Open(create, output, store);
                if (watermark is not null)
                    op.ProcessWatermark(0, watermark(b));
            }
        }

        op.ProcessWatermark(0, long.MaxValue);
        op.Close();
        return output.Rows;
    }

    /// <summary>Rows (key, time in microseconds, id), 10 per batch, times out of order by up to 9 s; the watermark after batch b is 10 s behind its largest time.</summary>
    private static List<List<(RowKind Kind, long[] Row)>> TimedRows() =>
        Enumerable.Range(0, 20).Select(b => Enumerable.Range(b * 10, 10)
            .Select(i => (RowKind.Insert, new long[] { i % 4, Micros(i), i })).ToList()).ToList();

    private static long Micros(long i) => (100 + i + (i * 7 % 10)) * 1_000_000;

    private static long WatermarkAfter(int batch) => TimedRows()[batch].Max(r => r.Row[1]) / 1000 - 10_000;

    [Theory]
    [InlineData("heap")]
    [InlineData("rocksdb")]
    public void A_first_row_deduplication_on_rowtime_emits_each_keys_earliest_row_once_across_a_restore(string backend)
    {
        DeduplicateOperator Create() => new("dedup", new RowKeys([0], [Types[0]]), new RankDeduplication(false, true, 1), Types);
        var expected = TimedRows().SelectMany(b => b).Select(r => r.Row).GroupBy(r => r[0])
            .Select(g => g.OrderBy(r => r[1]).ThenBy(r => r[2]).First()).Select(r => $"+I {r[0]} {r[1]} {r[2]}").Order(StringComparer.Ordinal);
        // Restored after the first batch: rows of every key still wait for the watermark.
        Assert.Equal(expected, Run(Create, backend, 0, TimedRows(), WatermarkAfter).Order(StringComparer.Ordinal));
        Assert.Equal(expected, Run(Create, backend, -1, TimedRows(), WatermarkAfter).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("heap")]
    [InlineData("rocksdb")]
    public void A_last_row_deduplication_on_rowtime_keeps_each_keys_latest_row_across_a_restore(string backend)
    {
        DeduplicateOperator Create() => new("dedup", new RowKeys([0], [Types[0]]), new RankDeduplication(true, true, 1), Types);
        // The latest rowtime wins; among equal rowtimes the later arrival (the larger id) replaces the kept row.
        var expected = TimedRows().SelectMany(b => b).Select(r => r.Row).GroupBy(r => r[0])
            .Select(g => g.OrderByDescending(r => r[1]).ThenByDescending(r => r[2]).First()).Select(r => $"{r[0]} {r[1]} {r[2]}").Order(StringComparer.Ordinal);
        var straight = Run(Create, backend, -1, TimedRows(), WatermarkAfter);
        Assert.Equal(straight, Run(Create, backend, 5, TimedRows(), WatermarkAfter));
        Assert.Equal(expected, Materialize(straight));
    }

    /// <summary>Rows (key, value, value x 10) in arrival order, 6 per batch: a key's next row often repeats its last one exactly.</summary>
    private static List<List<(RowKind Kind, long[] Row)>> RepeatingRows() =>
        Enumerable.Range(0, 10).Select(b => Enumerable.Range(b * 6, 6)
            .Select(i => (RowKind.Insert, new long[] { i % 3, i / 6 % 3, i / 6 % 3 * 10 })).ToList()).ToList();

    [Theory]
    [InlineData("heap")]
    [InlineData("rocksdb")]
    public void Deduplications_on_processing_time_give_the_same_changelog_across_a_restore(string backend)
    {
        var rows = RepeatingRows().SelectMany(b => b).Select(r => r.Row).ToList();
        static string Text(string kind, long[] row) => $"{kind} {row[0]} {row[1]} {row[2]}";
        // Keep first: each key's first row, once. Keep last: +I, then -U/+U for each row not identical to the kept one.
        var first = rows.GroupBy(r => r[0]).Select(g => Text("+I", g.First())).ToList();
        var last = new List<string>();
        var kept = new Dictionary<long, long[]>();
        foreach (var row in rows)
        {
            if (kept.TryGetValue(row[0], out var old) && old.SequenceEqual(row))
                continue;
            if (old is not null)
                last.Add(Text("-U", old));
            last.Add(Text(old is null ? "+I" : "+U", row));
            kept[row[0]] = row;
        }

        foreach (var (keepLast, expected) in new[] { (false, first), (true, last) })
        {
            DeduplicateOperator Create() => new("dedup", new RowKeys([0], [Types[0]]), new RankDeduplication(keepLast, false, 1), Types);
            Assert.Equal(expected, Run(Create, backend, -1, RepeatingRows(), watermark: null));
            Assert.Equal(expected, Run(Create, backend, 4, RepeatingRows(), watermark: null));
        }
    }

    [Theory]
    [InlineData("heap")]
    [InlineData("rocksdb")]
    public void A_window_rank_emits_each_windows_top_rows_once_across_a_restore(string backend)
    {
        // Rows (window end, value, id): windows end every 50 rows' worth of time; top 2 by value descending.
        static List<List<(RowKind Kind, long[] Row)>> Windowed() =>
            Enumerable.Range(0, 20).Select(b => Enumerable.Range(b * 10, 10)
                .Select(i => (RowKind.Insert, new long[] { (i / 50 + 1) * 50_000_000L, i * 7 % 13, i })).ToList()).ToList();
        WindowRankOperator Create() => new("window-rank", new RowKeys([0], [Types[0]]), 0, 0, new RankSpec([new SortKey(1, true, false)], 1, 2, true), Types, [.. Types, SqlType.BigInt.NotNull]);
        var expected = Windowed().SelectMany(b => b).Select(r => r.Row).GroupBy(r => r[0])
            .SelectMany(g => g.OrderByDescending(r => r[1]).ThenBy(r => r[2]).Take(2).Select((r, i) => $"+I {r[0]} {r[1]} {r[2]} {i + 1}"))
            .Order(StringComparer.Ordinal);
        // The watermark after batch b: the last millisecond of the last window whose rows have all come, so windows fire as rows go on and none is late.
        static long Watermark(int b) => (b * 10 + 10) / 50 * 50_000L - 1;
        Assert.Equal(expected, Run(Create, backend, 7, Windowed(), Watermark).Order(StringComparer.Ordinal));
    }

    private static RowBatch Inserts(params long[][] rows)
    {
        var builder = new RowBuilder(Types);
        foreach (var row in rows)
            builder.Add(RowKind.Insert, [.. row.Cast<object?>()]);
        return builder.Take()!;
    }

    [Theory]
    [InlineData("heap")]
    [InlineData("rocksdb")]
    public void With_a_state_ttl_a_top_n_forgets_rows_written_longer_ago(string backend)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));
        var output = new CollectingRows { WithKinds = true };
        var op = SqlOperatorHarness.Open(
            () => new RankOperator("rank", new RowKeys([0], [Types[0]]), new RankSpec([new SortKey(1, true, false)], 1, 1, true), appendOnly: true, Types, [.. Types, SqlType.BigInt.NotNull], stateTtlMillis: 1_000),
            output, _stores.New(backend), clock);
        op.ProcessBatch(0, Inserts([1, 9, 0]));
        clock.Advance(TimeSpan.FromMilliseconds(600));
        op.ProcessBatch(0, Inserts([1, 5, 1])); // below the kept 9: nothing
        clock.Advance(TimeSpan.FromMilliseconds(600));
        op.ProcessBatch(0, Inserts([1, 3, 2])); // the 9 was written 1.2 s ago and expired: 3 is the top
        op.Close();
        Assert.Equal(["+I 1 9 0 1", "+I 1 3 2 1"], output.Rows);
    }

    [Fact]
    public void With_a_state_ttl_a_first_row_deduplication_emits_a_key_again_once_its_mark_expired()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));
        var output = new CollectingRows { WithKinds = true };
        var op = SqlOperatorHarness.Open(
            () => new DeduplicateOperator("dedup", new RowKeys([0], [Types[0]]), new RankDeduplication(false, false, 1), Types, stateTtlMillis: 1_000),
            output, _stores.New("heap"), clock);
        op.ProcessBatch(0, Inserts([1, 0, 0], [1, 0, 1]));
        clock.Advance(TimeSpan.FromMilliseconds(999));
        op.ProcessBatch(0, Inserts([1, 0, 2]));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        op.ProcessBatch(0, Inserts([1, 0, 3], [1, 0, 4]));
        op.Close();
        Assert.Equal(["+I 1 0 0", "+I 1 0 3"], output.Rows);
    }

    [Fact]
    public void A_window_rank_over_local_days_fires_at_the_instant_the_local_window_ends()
    {
        // window_end is New York's wall-clock midnight (UTC-5): the instant 05:00 UTC.
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var localEnd = new DateTimeOffset(2024, 1, 2, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var output = new CollectingRows { WithKinds = true };
        var op = SqlOperatorHarness.Open(
            () => new WindowRankOperator("window-rank", new RowKeys([0], [Types[0]]), 0, 0, new RankSpec([new SortKey(1, true, false)], 1, 1, false), Types, Types) { ShiftZone = zone },
            output, _stores.New("heap"));
        op.ProcessBatch(0, Inserts([localEnd * 1000, 7, 1]));
        op.ProcessWatermark(0, localEnd + 3_600_000);
        Assert.Empty(output.Rows);
        op.ProcessWatermark(0, localEnd + (5 * 3_600_000) - 1);
        Assert.Equal([$"+I {localEnd * 1000} 7 1"], output.Rows);
        op.Close();
    }
}
