using Microsoft.Extensions.Time.Testing;
using PyStream.Engine.Records;
using PyStream.Engine.State;
using PyStream.Sql.Compiling;
using PyStream.Sql.Expressions;
using PyStream.Sql.Runtime;
using PyStream.Sql.Types;
using PyStream.State.RocksDb;

namespace PyStream.Sql.Tests.Runtime;

/// <summary>
/// The regular join's changelog, row by row, on both state backends: each expected row follows
/// from Flink's rules by hand (a padded row goes when its first match comes and is back when its
/// last match goes; kinds pass through an inner join of updates), and the state TTL on a fake clock.
/// </summary>
public sealed class StreamingJoinOperatorTests : IDisposable
{
    private static readonly SqlType[] SideTypes = [SqlType.Int, SqlType.String];
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "pystream-join-" + Guid.NewGuid().ToString("N"));
    private readonly List<IKeyedStateStore> _stores = [];

    public static TheoryData<string> Backends => new() { "heap", "rocksdb" };

    [Theory]
    [MemberData(nameof(Backends))]
    public void A_left_row_is_padded_until_its_first_match_and_again_after_its_last(string backend)
    {
        var (join, output) = Open(backend, leftOuter: true, rightOuter: false);

        join.ProcessBatch(0, Rows((RowKind.Insert, 1, "a")));
        join.ProcessBatch(1, Rows((RowKind.Insert, 1, "x")));
        join.ProcessBatch(1, Rows((RowKind.Insert, 1, "y")));
        join.ProcessBatch(1, Rows((RowKind.Delete, 1, "x")));
        join.ProcessBatch(1, Rows((RowKind.Delete, 1, "y")));
        join.ProcessBatch(0, Rows((RowKind.Delete, 1, "a")));

        Assert.Equal([
            "+I 1 a null null",
            "-D 1 a null null", "+I 1 a 1 x",
            "+I 1 a 1 y",
            "-D 1 a 1 x",
            "-D 1 a 1 y", "+I 1 a null null",
            "-D 1 a null null",
        ], output.Rows);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void A_full_join_counts_duplicate_rows_and_their_associations(string backend)
    {
        var (join, output) = Open(backend, leftOuter: true, rightOuter: true);

        join.ProcessBatch(0, Rows((RowKind.Insert, 2, "b"), (RowKind.Insert, 2, "b")));
        join.ProcessBatch(1, Rows((RowKind.Insert, 2, "z")));
        join.ProcessBatch(0, Rows((RowKind.Delete, 2, "b")));
        join.ProcessBatch(0, Rows((RowKind.Delete, 2, "b")));

        Assert.Equal([
            "+I 2 b null null", "+I 2 b null null",
            // z matches both copies of b: each padded copy goes, two joined rows come, z has two associations.
            "-D 2 b null null", "-D 2 b null null", "+I 2 b 2 z", "+I 2 b 2 z",
            "-D 2 b 2 z",
            // the last b goes: z has no match left and is padded.
            "-D 2 b 2 z", "+I null null 2 z",
        ], output.Rows);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void An_inner_join_keeps_the_kinds_of_updates(string backend)
    {
        var (join, output) = Open(backend, leftOuter: false, rightOuter: false);

        join.ProcessBatch(0, Rows((RowKind.Insert, 1, "a")));
        join.ProcessBatch(1, Rows((RowKind.UpdateAfter, 1, "x")));
        join.ProcessBatch(1, Rows((RowKind.UpdateBefore, 1, "x"), (RowKind.UpdateAfter, 1, "x2")));
        join.ProcessBatch(0, Rows((RowKind.Insert, 3, "c")));

        Assert.Equal(["+U 1 a 1 x", "-U 1 a 1 x", "+U 1 a 1 x2"], output.Rows);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void A_null_key_matches_nothing_and_an_outer_row_of_it_is_padded(string backend)
    {
        var (join, output) = Open(backend, leftOuter: true, rightOuter: false);

        join.ProcessBatch(0, Rows((RowKind.Insert, null, "a")));
        join.ProcessBatch(1, Rows((RowKind.Insert, null, "x")));
        join.ProcessBatch(0, Rows((RowKind.Delete, null, "a")));

        Assert.Equal(["+I null a null null", "-D null a null null"], output.Rows);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void The_residual_condition_decides_which_rows_of_the_key_match(string backend)
    {
        // l.v < r.v over (k, v, k, v)
        var residual = new CallExpr("<", [new InputRef(1, SqlType.String), new InputRef(3, SqlType.String)], SqlType.Boolean);
        var (join, output) = Open(backend, leftOuter: true, rightOuter: false, residual: residual);

        join.ProcessBatch(1, Rows((RowKind.Insert, 1, "b"), (RowKind.Insert, 1, "d")));
        join.ProcessBatch(0, Rows((RowKind.Insert, 1, "c"), (RowKind.Insert, 1, "e")));

        Assert.Equal(["+I 1 c 1 d", "+I 1 e null null"], output.Rows);
    }

    public static TheoryData<string, long> BackendsAndTtls => new() { { "heap", 0 }, { "rocksdb", 0 }, { "heap", 1_000_000 }, { "rocksdb", 1_000_000 } };

    [Theory]
    [MemberData(nameof(BackendsAndTtls))]
    public void An_inner_join_with_a_residual_condition_outputs_each_passing_pair_once_per_copy_of_its_input_rows_kind(string backend, long ttlMillis)
    {
        // l.v < r.v; without a TTL the right side lists its two d's, with one it counts them (one entry, 2 copies).
        var residual = new CallExpr("<", [new InputRef(1, SqlType.String), new InputRef(3, SqlType.String)], SqlType.Boolean);
        var (join, output) = Open(backend, leftOuter: false, rightOuter: false, residual: residual, ttlMillis: ttlMillis);

        join.ProcessBatch(1, Rows((RowKind.Insert, 1, "b"), (RowKind.Insert, 1, "d"), (RowKind.Insert, 1, "d")));
        join.ProcessBatch(0, Rows((RowKind.Insert, 1, "c"), (RowKind.Insert, 1, "a"), (RowKind.Insert, 2, "a"), (RowKind.Insert, null, "a")));
        join.ProcessBatch(0, Rows((RowKind.UpdateBefore, 1, "c"), (RowKind.UpdateAfter, 1, "e")));
        join.ProcessBatch(1, Rows((RowKind.Delete, 1, "d")));
        join.ProcessBatch(0, Rows((RowKind.Insert, 3, "m")));
        join.ProcessBatch(1, Rows((RowKind.Insert, 3, "n")));

        Assert.Equal([
            "+I 1 c 1 d", "+I 1 c 1 d", "+I 1 a 1 b", "+I 1 a 1 d", "+I 1 a 1 d",
            // c goes with both its pairs; e < b and e < d fail.
            "-U 1 c 1 d", "-U 1 c 1 d",
            // of a and e, only a < d.
            "-D 1 a 1 d",
            "+I 3 m 3 n",
        ], output.Rows);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void An_inner_side_counts_copies_and_a_retraction_takes_out_one_copy_or_nothing(string backend)
    {
        var (join, output) = Open(backend, leftOuter: false, rightOuter: false);

        join.ProcessBatch(0, Rows((RowKind.Insert, 1, "a"), (RowKind.Insert, 1, "a"), (RowKind.Insert, 1, "b")));
        join.ProcessBatch(1, Rows((RowKind.Insert, 1, "x")));
        join.ProcessBatch(0, Rows((RowKind.Delete, 1, "a"), (RowKind.Delete, 1, "zz"), (RowKind.Delete, 2, "a")));
        join.ProcessBatch(1, Rows((RowKind.Insert, 1, "y")));
        join.ProcessBatch(0, Rows((RowKind.Delete, 1, "a"), (RowKind.Delete, 1, "b")));
        join.ProcessBatch(1, Rows((RowKind.Insert, 1, "z")));

        Assert.Equal([
            // a twice and b: x joins three rows; one copy of a goes. As in Flink, a retraction is joined with
            // the other side's rows whether or not its own row was in state (zz never was; key 2 has no match).
            "+I 1 a 1 x", "+I 1 a 1 x", "+I 1 b 1 x",
            "-D 1 a 1 x", "-D 1 zz 1 x",
            // one a and b are left.
            "+I 1 a 1 y", "+I 1 b 1 y",
            "-D 1 a 1 x", "-D 1 a 1 y", "-D 1 b 1 x", "-D 1 b 1 y",
        ], output.Rows);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void An_inner_sides_rows_held_in_memory_are_in_the_state_a_checkpoint_restores(string backend)
    {
        var keys = new RowKeys([0], [SqlType.Int]);
        var outputTypes = SideTypes.Concat(SideTypes).Select(t => t.AsNullable()).ToArray();
        var spec = new JoinOperatorSpec(false, false, keys, keys, SideTypes, SideTypes, outputTypes, null, 0, BatchMode: false);
        var output = new CollectingRows { WithKinds = true };
        var store = NewStore(backend);
        StreamingJoinOperator Create() => new("join", spec) { StateKey = "join" };
        var join = SqlOperatorHarness.Open(Create, output, store);

        join.ProcessBatch(0, Rows((RowKind.Insert, 1, "a"), (RowKind.Insert, 1, "b"), (RowKind.Insert, 2, "c")));
        join = SqlOperatorHarness.Restore(join, Create, output, ref store);
        // After the first checkpoint: key 1 gains a copy (appended to its stored list), key 2 loses its row (its list goes).
        join.ProcessBatch(0, Rows((RowKind.Insert, 1, "a"), (RowKind.Delete, 2, "c")));
        join = SqlOperatorHarness.Restore(join, Create, output, ref store);
        // After the second: one copy of a goes (key 1's list is written whole).
        join.ProcessBatch(0, Rows((RowKind.Delete, 1, "a")));
        join = SqlOperatorHarness.Restore(join, Create, output, ref store);
        join.ProcessBatch(1, Rows((RowKind.Insert, 1, "x"), (RowKind.Insert, 2, "y")));

        Assert.Equal(["+I 1 b 1 x", "+I 1 a 1 x"], output.Rows);
        var stored = new JoinListRows(store, JoinRecordState.StateIdFor("join", "left", false, 0), SideTypes);
        var probe = Rows((RowKind.Insert, 1, ""), (RowKind.Insert, 2, ""));
        Assert.Equal(["b", "a"], stored.Records(keys.KeyOf(probe, 0)).Select(r => (string)r.Row[1]!));
        Assert.Empty(stored.Records(keys.KeyOf(probe, 1)));
        Assert.Single(store.Entries(JoinRecordState.StateIdFor("join", "left", false, 0)));
    }

    [Fact]
    public void A_list_side_over_its_memory_budget_writes_and_drops_its_least_recently_used_keys_and_reads_them_back()
    {
        var store = new HeapKeyedStateStore();
        var stateId = JoinRecordState.StateIdFor("join", "left", false, 0);
        var rows = new JoinListRows(store, stateId, SideTypes, maxCachedRows: 4);
        var keys = new RowKeys([0], [SqlType.Int]);
        var batch = Rows((RowKind.Insert, 1, "a"), (RowKind.Insert, 2, "b"), (RowKind.Insert, 3, "c"), (RowKind.Insert, 1, "d"),
            (RowKind.Insert, 4, "e"), (RowKind.Insert, 5, "f"), (RowKind.Insert, 2, "g"), (RowKind.Insert, 1, "h"));
        var expected = new Dictionary<int, List<string>>();
        for (var i = 0; i < batch.Count; i++)
        {
            rows.Add(keys.KeyOf(batch, i), batch, i);
            var key = (int)batch.Columns[0].GetBoxed(i)!;
            (expected.TryGetValue(key, out var values) ? values : expected[key] = []).Add((string)batch.Columns[1].GetBoxed(i)!);
        }

        rows.Retract(keys.KeyOf(batch, 1), batch, 1); // b, of key 2: read back from the state if it was dropped
        expected[2].Remove("b");

        foreach (var (key, values) in expected)
        {
            var one = Rows((RowKind.Insert, key, ""));
            Assert.Equal(values, rows.Records(keys.KeyOf(one, 0)).Select(r => (string)r.Row[1]!).ToList());
        }

        // Everything written: a fresh list side on the same state reads the same rows.
        rows.Flush();
        var restored = new JoinListRows(store, stateId, SideTypes);
        foreach (var (key, values) in expected)
        {
            var one = Rows((RowKind.Insert, key, ""));
            Assert.Equal(values, restored.Records(keys.KeyOf(one, 0)).Select(r => (string)r.Row[1]!).ToList());
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Rows_saved_by_an_outer_join_are_refused_by_an_inner_join_that_keeps_another_layout(string backend)
    {
        var keys = new RowKeys([0], [SqlType.Int]);
        var outputTypes = SideTypes.Concat(SideTypes).Select(t => t.AsNullable()).ToArray();
        var full = new JoinOperatorSpec(true, true, keys, keys, SideTypes, SideTypes, outputTypes, null, 0, BatchMode: false);
        var store = NewStore(backend);
        var saved = SqlOperatorHarness.Open(() => new StreamingJoinOperator("join", full) { StateKey = "join" }, new CollectingRows(), store);
        saved.ProcessBatch(0, Rows((RowKind.Insert, 1, "a")));

        var inner = full with { LeftOuter = false, RightOuter = false };
        var error = Assert.ThrowsAny<Exception>(() =>
            SqlOperatorHarness.Open(() => new StreamingJoinOperator("join", inner) { StateKey = "join" }, new CollectingRows(), store));
        Assert.Contains("cannot restore its left rows: they were saved as a map state", error.ToString());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Sides_of_different_widths_keep_their_columns_in_place_from_either_input(string backend)
    {
        // left (k INT, v STRING) FULL JOIN right (k INT, n BIGINT, s STRING) ON k
        SqlType[] rightTypes = [SqlType.Int, SqlType.BigInt, SqlType.String];
        var keys = new RowKeys([0], [SqlType.Int]);
        var outputTypes = SideTypes.Concat(rightTypes).Select(t => t.AsNullable()).ToArray();
        var spec = new JoinOperatorSpec(true, true, keys, keys, SideTypes, rightTypes, outputTypes, null, 0, BatchMode: false);
        var output = new CollectingRows { WithKinds = true };
        var join = SqlOperatorHarness.Open(() => new StreamingJoinOperator("join", spec) { StateKey = "join" }, output, NewStore(backend));
        var right = new RowBuilder(rightTypes);
        right.Add(RowKind.Insert, [1, 10L, "x"]);
        right.Add(RowKind.Insert, [2, 20L, "y"]);

        join.ProcessBatch(0, Rows((RowKind.Insert, 1, "a")));
        join.ProcessBatch(1, right.Take()!);
        join.ProcessBatch(0, Rows((RowKind.Delete, 1, "a")));

        Assert.Equal([
            "+I 1 a null null null",
            "-D 1 a null null null", "+I 1 a 1 10 x", "+I null null 2 20 y",
            "-D 1 a 1 10 x", "+I null null 1 10 x",
        ], output.Rows);
    }

    [Fact]
    public void State_expires_after_the_ttl_since_it_was_last_written()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));
        var (join, output) = Open("heap", leftOuter: false, rightOuter: false, ttlMillis: 1_000, clock: clock);

        join.ProcessBatch(0, Rows((RowKind.Insert, 1, "a"), (RowKind.Insert, 2, "b")));
        clock.Advance(TimeSpan.FromMilliseconds(999));
        join.ProcessBatch(1, Rows((RowKind.Insert, 1, "x")));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        // a and b were written 1 s ago (a's match wrote nothing on the left side): both gone; x is 1 ms old.
        join.ProcessBatch(1, Rows((RowKind.Insert, 1, "y"), (RowKind.Insert, 2, "z")));
        join.ProcessBatch(0, Rows((RowKind.Insert, 1, "c")));

        Assert.Equal(["+I 1 a 1 x", "+I 1 c 1 x", "+I 1 c 1 y"], output.Rows);
    }

    [Theory]
    [MemberData(nameof(BackendsAndTtls))]
    public void A_side_with_a_unique_key_keeps_one_row_per_key_and_retracts_by_the_key(string backend, long ttlMillis)
    {
        // Left unique by k (the join key contains it), right unique by v (it does not): as Flink's views for such
        // inputs, a row replaces its key's row and a retraction takes the key's row out whatever its other values.
        var (join, output) = Open(backend, leftOuter: false, rightOuter: false, ttlMillis: ttlMillis, leftUniqueKey: [0], rightUniqueKey: [1]);

        Feed(join, (0, RowKind.Insert, "a"), (1, RowKind.Insert, "x"), (1, RowKind.Insert, "x"), (0, RowKind.Insert, "b"),
            (1, RowKind.Delete, "x"), (0, RowKind.Delete, "zz"), (1, RowKind.Insert, "y"));

        Assert.Equal([
            // each x joins a, but the right side keeps one x; b replaces a.
            "+I 1 a 1 x", "+I 1 a 1 x",
            "+I 1 b 1 x",
            // x goes once, from b only; zz takes b out (key 1), so y finds no row.
            "-D 1 b 1 x",
        ], output.Rows);
    }

    [Theory]
    [MemberData(nameof(BackendsAndTtls))]
    public void An_outer_side_with_a_unique_key_takes_out_the_row_a_delete_of_its_key_names(string backend, long ttlMillis)
    {
        // An upsert source's delete may carry the key only: the left row of key 1 goes all the same.
        var (join, output) = Open(backend, leftOuter: true, rightOuter: true, ttlMillis: ttlMillis, leftUniqueKey: [0]);

        Feed(join, (0, RowKind.Insert, "a"), (1, RowKind.Insert, "x"), (0, RowKind.Delete, null), (1, RowKind.Delete, "x"),
            (0, RowKind.Insert, "b"), (1, RowKind.Insert, "y"));

        Assert.Equal([
            "+I 1 a null null",
            "-D 1 a null null", "+I 1 a 1 x",
            "-D 1 null 1 x", "+I null null 1 x",
            "-D null null 1 x",
            "+I 1 b null null",
            "-D 1 b null null", "+I 1 b 1 y",
        ], output.Rows);
    }

    private (StreamingJoinOperator Join, CollectingRows Output) Open(string backend, bool leftOuter, bool rightOuter, BoundExpr? residual = null, long ttlMillis = 0, TimeProvider? clock = null,
        int[]? leftUniqueKey = null, int[]? rightUniqueKey = null)
    {
        var keys = new RowKeys([0], [SqlType.Int]);
        var outputTypes = SideTypes.Concat(SideTypes).Select(t => t.AsNullable()).ToArray();
        var program = residual is null ? null : CalcProgram.Compile([.. SideTypes, .. SideTypes], null, [new CallExpr("IS TRUE", [residual], SqlType.Boolean.NotNull)], new SqlContext(TimeZoneInfo.Utc, TimeProvider.System));
        var spec = new JoinOperatorSpec(leftOuter, rightOuter, keys, keys, SideTypes, SideTypes, outputTypes, program, ttlMillis, BatchMode: false,
            LeftUniqueKey: leftUniqueKey, RightUniqueKey: rightUniqueKey);
        var output = new CollectingRows { WithKinds = true };
        var join = SqlOperatorHarness.Open(() => new StreamingJoinOperator("join", spec) { StateKey = "join" }, output, NewStore(backend), clock);
        return (join, output);
    }

    /// <summary>Rows of key 1, each in a batch of its own, to input 0 (left) or 1 (right).</summary>
    private static void Feed(StreamingJoinOperator join, params (int Input, RowKind Kind, string? Value)[] steps)
    {
        foreach (var (input, kind, value) in steps)
            join.ProcessBatch(input, Rows((kind, 1, value)));
    }

    private static RowBatch Rows(params (RowKind Kind, int? Key, string? Value)[] rows)
    {
        var builder = new RowBuilder(SideTypes);
        foreach (var (kind, key, value) in rows)
            builder.Add(kind, [key, value]);
        return builder.Take()!;
    }

    private IKeyedStateStore NewStore(string backend)
    {
        IKeyedStateStore store = backend == "heap" ? new HeapKeyedStateStore() : new RocksDbKeyedStateStore(Path.Combine(_directory, $"db{_stores.Count}"));
        _stores.Add(store);
        return store;
    }

    public void Dispose()
    {
        foreach (var store in _stores)
            store.Dispose();
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }
}
