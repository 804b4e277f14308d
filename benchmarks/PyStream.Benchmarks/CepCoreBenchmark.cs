using System.Diagnostics;
using System.Globalization;
using System.Text;
using PyStream.Engine.Cep;
using PyStream.Engine.State;
using PyStream.Engine.Time;

namespace PyStream.Benchmarks;

/// <summary>
/// The CEP pattern engine with native conditions: a three-step pattern (a, followed by b,
/// followed by c, within 1 s) over generated events of 10,000 keys, in event time with a
/// watermark every 1,000 events, through <see cref="CepOperatorCore{TEvent}"/> on the heap
/// store (the goal: at least 1M events/s on one core).
/// </summary>
internal static class CepCoreBenchmark
{
    private const int Keys = 10_000;

    public static int Run(string[] args)
    {
        var events = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 10_000_000;
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        Console.WriteLine($"workload: CEP a -> b -> c within 1 s, {events:N0} events, {Keys:N0} keys, native conditions, event time");
        RunOnce(Math.Min(events, 1_000_000)); // warm-up: tiered JIT
        var best = 0.0;
        long matches = 0;
        var allocated = 0L;
        for (var i = 0; i < runs; i++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            matches = RunOnce(events);
            best = Math.Max(best, events / watch.Elapsed.TotalSeconds);
            allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        }

        Console.WriteLine($"cep      : {best / 1e6,7:F2} M events/s (best of {runs}), {(double)allocated / events:F0} bytes allocated per event, {matches:N0} matches (goal >= 1M events/s)");
        return 0;
    }

    private static long RunOnce(long events)
    {
        var keys = Enumerable.Range(0, Keys).Select(k => Encoding.UTF8.GetBytes($"key{k}")).ToArray();
        var conditions = new KindConditions();
        var stages = new[] { "a", "b", "c" }.Select((name, i) => new PatternStage(name, StageKind.Take, Contiguity.Relaxed, i, Quantifier.One)).ToList();
        var pattern = NfaCompiler.Compile(new PatternDefinition(stages, AfterMatchSkip.NoSkip) { WithinMillis = 1_000 });
        var core = new CountingCore(pattern, conditions);
        core.Open(new HeapKeyedStateStore(), new ProcessingTimeService(TimeProvider.System, _ => { }), "cep");

        const int batch = 1_000;
        var batchKeys = new byte[batch][];
        var batchEvents = new KindEvent[batch];
        var batchTimes = new long[batch];
        var random = new Random(42);
        for (long i = 0; i < events; i += batch)
        {
            var n = (int)Math.Min(batch, events - i);
            for (var j = 0; j < n; j++)
            {
                var time = (i + j) / 10; // 10 events per millisecond
                batchKeys[j] = keys[random.Next(Keys)];
                batchEvents[j] = new KindEvent(random.Next(4), time);
                batchTimes[j] = time;
            }

            core.ProcessElements(batchKeys.AsSpan(0, n), batchEvents.AsSpan(0, n), batchTimes.AsSpan(0, n));
            core.AdvanceWatermark(batchTimes[n - 1] - 10);
        }

        core.AdvanceWatermark(long.MaxValue - 1);
        return core.Matches;
    }

    private readonly record struct KindEvent(int Kind, long Time);

    /// <summary>Condition i holds for events of kind i (0 = a, 1 = b, 2 = c, 3 = other).</summary>
    private sealed class KindConditions : ICepConditions<KindEvent>
    {
        public int Count => 3;

        public bool IsIterative(int condition) => false;

        public void TestSimple(ReadOnlySpan<KindEvent> events, Span<ulong> results)
        {
            for (var i = 0; i < events.Length; i++)
                results[i] = events[i].Kind < 3 ? 1UL << events[i].Kind : 0;
        }

        public bool TestIterative(int condition, KindEvent ev, IConditionContext<KindEvent> context) => throw new NotSupportedException();
    }

    private sealed class KindSerializer : ICepEventSerializer<KindEvent>
    {
        public void Write(BinaryWriter writer, KindEvent value)
        {
            writer.Write(value.Kind);
            writer.Write(value.Time);
        }

        public KindEvent Read(BinaryReader reader) => new(reader.ReadInt32(), reader.ReadInt64());
    }

    private sealed class CountingCore(CompiledPattern pattern, ICepConditions<KindEvent> conditions)
        : CepOperatorCore<KindEvent>(pattern, conditions, new KindSerializer(), CepTimeMode.EventTime, handleTimeouts: false)
    {
        public long Matches { get; private set; }

        protected override void OnMatch(byte[] key, PatternMatch<KindEvent> match, long timestamp) => Matches++;
    }
}
