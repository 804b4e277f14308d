using System.Diagnostics;
using System.Globalization;
using PyStream.Engine.Runtime;
using PyStream.Engine.Spec;

namespace PyStream.Benchmarks;

/// <summary>
/// A keyed tumbling event-time window count: generated events (1,000 keys, 1 s windows,
/// 100k events per second of event time) through the engine's native path (generator source,
/// watermarks, keyed window, native count, print to nowhere), next to a hand-written loop doing
/// the same windowed count with a dictionary and the same watermark rule, in this process.
/// </summary>
internal static class WindowCountBenchmark
{
    private const long Keys = 1_000;
    private const long EventsPerSecond = 100_000;
    private const long WindowMs = 1_000;

    public static int Run(string[] args)
    {
        var events = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 10_000_000;
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        Console.WriteLine($"workload: keyed tumbling event-time window count, {events:N0} events, {Keys:N0} keys, 1 s windows, {EventsPerSecond:N0} events/s of event time");

        for (var i = 0; i < 3; i++)
        {
            EngineRun(Math.Min(events, 2_000_000)); // warm-up: tiered JIT
            HandLoop(Math.Min(events, 2_000_000));
        }

        var engine = Best(runs, () => EngineRun(events), events);
        var loop = Best(runs, () => HandLoop(events), events);
        Console.WriteLine($"engine   : {engine / 1e6,7:F2} M events/s (best of {runs})");
        Console.WriteLine($"hand loop: {loop / 1e6,7:F2} M events/s (dictionary per (key, window), same firing rule)");
        Console.WriteLine($"ratio    : {engine / loop,7:F2}x (goal >= 0.25x)");
        return 0;
    }

    private static double Best(int runs, Func<long> run, long events)
    {
        var best = 0.0;
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            var windows = run();
            var rate = events / clock.Elapsed.TotalSeconds;
            best = Math.Max(best, rate);
            var expected = ExpectedWindows(events);
            if (windows != expected)
                throw new InvalidOperationException($"{windows} windows fired, expected {expected}");
        }

        return best;
    }

    /// <summary>Every key has records in every second of event time (events are spread evenly over keys).</summary>
    private static long ExpectedWindows(long events)
    {
        var seconds = ((events - 1) * 1000 / EventsPerSecond / WindowMs) + 1;
        return Math.Min(Keys, events) * seconds;
    }

    /// <summary>The engine's native path; returns how many windows fired.</summary>
    private static long EngineRun(long events)
    {
        var spec = new JobSpec { Name = "window count", Parallelism = 1 };
        spec.Transformations.Add(new Transformation
        {
            Id = 1,
            Name = "Source: generator",
            Source = new SourceSpec { Generator = new GeneratorSource { Count = events, Keys = Keys, EventsPerSecond = EventsPerSecond } },
        });
        spec.Transformations.Add(new Transformation
        {
            Id = 2,
            Name = "Watermarks",
            Inputs = { new Edge { SourceId = 1 } },
            Watermarks = new WatermarkSpec { Kind = WatermarkSpec.Types.Kind.Monotonous, IntervalMs = 200 },
        });
        spec.Transformations.Add(new Transformation
        {
            Id = 3,
            Name = "Window(count)",
            Inputs = { new Edge { SourceId = 2, Partitioning = Partitioning.Hash } },
            Window = new WindowSpec
            {
                Assigner = new WindowAssignerSpec { Kind = WindowAssignerSpec.Types.Kind.Tumbling, SizeMs = WindowMs, EventTime = true },
                NativeAggregate = NativeWindowAggregate.NativeCount,
            },
        });
        spec.Transformations.Add(new Transformation
        {
            Id = 4,
            Name = "Sink: Print to Std. Out",
            Inputs = { new Edge { SourceId = 3 } },
            Sink = new SinkSpec { Print = new PrintSink() },
        });
        var lines = new LineCounter();
        JobExecution.Run(spec, new JobEnvironment { Stdout = lines, Connectors = [new GeneratorConnector()] });
        return lines.Lines;
    }

    /// <summary>The same count by hand: a dictionary per (key, window start), windows emitted when the watermark passes them.</summary>
    private static long HandLoop(long events)
    {
        var counts = new Dictionary<(long Key, long Start), long>();
        var fired = 0L;
        var output = TextWriter.Null;
        var watermark = long.MinValue;
        for (var n = 0L; n < events; n++)
        {
            var timestamp = n * 1000 / EventsPerSecond;
            var key = (n % Keys, timestamp - (timestamp % WindowMs));
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, key, out _)++;
            if ((n & 16383) == 16383)
            {
                watermark = timestamp - 1;
                fired += Fire(counts, watermark, output);
            }
        }

        return fired + Fire(counts, long.MaxValue, output);
    }

    private static long Fire(Dictionary<(long Key, long Start), long> counts, long watermark, TextWriter output)
    {
        var due = counts.Where(c => c.Key.Start + WindowMs - 1 <= watermark).OrderBy(c => c.Key.Start).ToList();
        foreach (var ((key, start), count) in due)
        {
            output.Write(string.Create(CultureInfo.InvariantCulture, $"({key},{start},{start + WindowMs},{count})\n"));
            counts.Remove((key, start));
        }

        return due.Count;
    }

    /// <summary>Counts printed lines without keeping them.</summary>
    private sealed class LineCounter : TextWriter
    {
        public long Lines { get; private set; }

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value)
        {
            if (value == '\n')
                Lines++;
        }

        public override void Write(string? value)
        {
            foreach (var c in value.AsSpan())
            {
                if (c == '\n')
                    Lines++;
            }
        }
    }
}
