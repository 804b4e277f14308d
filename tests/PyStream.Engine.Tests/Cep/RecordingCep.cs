using System.Text;
using Microsoft.Extensions.Time.Testing;
using PyStream.Engine.Cep;
using PyStream.Engine.Runtime;
using PyStream.Engine.State;
using PyStream.Engine.Time;

namespace PyStream.Engine.Tests.Cep;

/// <summary>Writes <see cref="Ev"/> into CEP state.</summary>
internal sealed class EvSerializer : ICepEventSerializer<Ev>
{
    public static EvSerializer Instance { get; } = new();

    public void Write(BinaryWriter writer, Ev value)
    {
        writer.Write(value.Name);
        writer.Write(value.Value);
        writer.Write(value.Time);
    }

    public Ev Read(BinaryReader reader) => new(reader.ReadString(), reader.ReadInt32(), reader.ReadInt64());
}

/// <summary>
/// A CEP operator core on a fake clock and a given store that records what it emits as "key: a b1 c";
/// with a tie order, events of equal timestamp are matched as a stable sort by it puts them.
/// </summary>
internal sealed class RecordingCep : CepOperatorCore<Ev>
{
    private readonly Queue<Action> _mailbox = new();
    private readonly Comparison<Ev>? _tieOrder;

    public RecordingCep(PatternDefinition pattern, ICepConditions<Ev> conditions, CepTimeMode mode = CepTimeMode.EventTime, IKeyedStateStore? store = null,
        FakeTimeProvider? time = null, int maxCachedKeys = DefaultMaxCachedKeys, Comparison<Ev>? tieOrder = null)
        : base(NfaCompiler.Compile(pattern), conditions, EvSerializer.Instance, mode, handleTimeouts: true, maxCachedKeys)
    {
        _tieOrder = tieOrder;
        Time = time ?? new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_000));
        Store = store ?? new HeapKeyedStateStore();
        var environment = new JobEnvironment { Time = Time };
        var context = new TaskContext(new TaskInfo("cep", 0, 1, 128, 0), environment, null, new ProcessingTimeService(Time, _mailbox.Enqueue), () => { }, Store);
        Open(context, "op");
    }

    public FakeTimeProvider Time { get; }

    public IKeyedStateStore Store { get; }

    public List<string> Matches { get; } = [];

    public List<string> TimedOut { get; } = [];

    public List<string> Late { get; } = [];

    /// <summary>Matches and timed-out partial matches together, in the order they were handed on.</summary>
    public List<string> Reported { get; } = [];

    public void Send(string key, params Ev[] events) =>
        ProcessElements(events.Select(_ => Encoding.UTF8.GetBytes(key)).ToArray(), events, events.Select(e => e.Time).ToArray());

    /// <summary>One batch of events of several keys, every event tested against every simple condition.</summary>
    public void SendBatch(params (string Key, Ev Event)[] batch) =>
        ProcessElements(batch.Select(b => Encoding.UTF8.GetBytes(b.Key)).ToArray(), batch.Select(b => b.Event).ToArray(), batch.Select(b => b.Event.Time).ToArray());

    /// <summary>
    /// One batch of events of several keys, as the Python operator sends it: keys looked up first, then each event tested only
    /// against the conditions in reach (the others left false); returns those conditions per event.
    /// </summary>
    public ulong[] SendBatchTestingConditionsInReach(ICepConditions<Ev> conditions, params (string Key, Ev Event)[] batch)
    {
        var keys = batch.Select(b => Encoding.UTF8.GetBytes(b.Key)).ToArray();
        var ends = new long[keys.Length];
        for (var i = 0; i < keys.Length; i++)
            ends[i] = (i == 0 ? 0 : ends[i - 1]) + keys[i].Length;
        LoadKeys(keys.SelectMany(k => k).ToArray(), ends);
        var reach = new ulong[batch.Length];
        ConditionsInReach(reach);
        var events = batch.Select(b => b.Event).ToArray();
        var bits = new ulong[batch.Length];
        conditions.TestSimple(events, bits);
        for (var i = 0; i < bits.Length; i++)
            bits[i] &= reach[i];
        ProcessLoaded(events, events.Select(e => e.Time).ToArray(), bits);
        return reach;
    }

    /// <summary>Advances the fake clock and runs the timers that became due.</summary>
    public void AdvanceClock(long millis)
    {
        Time.Advance(TimeSpan.FromMilliseconds(millis));
        while (_mailbox.TryDequeue(out var action))
            action();
    }

    protected override bool OrdersTies => _tieOrder is not null;

    protected override void OrderTies(ReadOnlySpan<Ev> events, Span<int> order)
    {
        var all = events.ToArray();
        var ranked = Enumerable.Range(0, all.Length).OrderBy(i => all[i], Comparer<Ev>.Create(_tieOrder!)).ToArray();
        ranked.CopyTo(order);
    }

    protected override void OnMatch(byte[] key, PatternMatch<Ev> match, long timestamp)
    {
        Matches.Add($"{Encoding.UTF8.GetString(key)}: {NfaRun.Describe(match)}");
        Reported.Add($"match {Matches[^1]}@{timestamp}");
    }

    protected override void OnTimedOut(byte[] key, PatternMatch<Ev> partial, long timestamp)
    {
        TimedOut.Add($"{Encoding.UTF8.GetString(key)}: {NfaRun.Describe(partial)}@{timestamp}");
        Reported.Add($"timeout {TimedOut[^1]}");
    }

    protected override void OnLateEvent(byte[] key, Ev value, long timestamp) => Late.Add($"{Encoding.UTF8.GetString(key)}: {value}");
}
