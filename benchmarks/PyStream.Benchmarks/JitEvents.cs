using System.Diagnostics.Tracing;

namespace PyStream.Benchmarks;

/// <summary>
/// The methods the runtime compiles (its MethodLoadVerbose events), counted by name: what the JIT still
/// does while a query is measured, after its warm-up runs. On when the environment sets BENCH_JIT=1.
/// </summary>
internal sealed class JitEvents : RuntimeEventTally
{
    public static JitEvents? Current { get; private set; }

    public static JitEvents? StartIfAsked() =>
        Environment.GetEnvironmentVariable("BENCH_JIT") == "1" ? Current = new JitEvents() : null;

    protected override EventKeywords Keywords => (EventKeywords)0x10;

    protected override string EventPrefix => "MethodLoadVerbose";

    protected override (string Name, long Amount) Read(EventWrittenEventArgs e) =>
        ($"{e.Payload![e.PayloadNames!.IndexOf("MethodNamespace")]}::{e.Payload[e.PayloadNames.IndexOf("MethodName")]}", 1);

    /// <summary>Forgets what was compiled so far (the warm-up runs').</summary>
    public void Reset() => TakeTally(0);

    public void Print(string title)
    {
        var (total, largest) = TakeTally(25);
        Console.WriteLine($"    methods compiled during the measured runs, {title}: {total}");
        foreach (var (method, count) in largest)
            Console.WriteLine($"      {count,5}  {method}");
    }
}
