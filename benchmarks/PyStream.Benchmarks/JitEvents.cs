using System.Diagnostics.Tracing;

namespace PyStream.Benchmarks;

/// <summary>
/// The methods the runtime compiles (its MethodLoadVerbose events), counted by name: what the JIT still
/// does while a query is measured, after its warm-up runs. On when the environment sets BENCH_JIT=1.
/// </summary>
internal sealed class JitEvents : EventListener
{
    private const int JitKeyword = 0x10;
    private readonly Dictionary<string, int> _byMethod = [];

    public static JitEvents? Current { get; private set; }

    public static JitEvents? StartIfAsked() =>
        Environment.GetEnvironmentVariable("BENCH_JIT") == "1" ? Current = new JitEvents() : null;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)JitKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || !e.EventName.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) || e.Payload is null)
            return;
        var names = e.PayloadNames!;
        var name = $"{e.Payload[names.IndexOf("MethodNamespace")]}::{e.Payload[names.IndexOf("MethodName")]}";
        lock (_byMethod)
            _byMethod[name] = _byMethod.GetValueOrDefault(name) + 1;
    }

    /// <summary>Forgets what was compiled so far (the warm-up runs').</summary>
    public void Reset()
    {
        lock (_byMethod)
            _byMethod.Clear();
    }

    public void Print(string title)
    {
        lock (_byMethod)
        {
            Console.WriteLine($"    methods compiled during the measured runs, {title}: {_byMethod.Values.Sum()}");
            foreach (var (method, count) in _byMethod.OrderByDescending(p => p.Value).Take(25))
                Console.WriteLine($"      {count,5}  {method}");
            _byMethod.Clear();
        }
    }
}
