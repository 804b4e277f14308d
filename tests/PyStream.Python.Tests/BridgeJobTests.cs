using System.Text;
using Microsoft.Extensions.Time.Testing;
using PyStream.Engine.Runtime;
using PyStream.Engine.UserCode;

namespace PyStream.Python.Tests;

[Collection(EmbeddedPythonCollection.Name)]
public sealed class BridgeJobTests(EmbeddedPython python)
{
    private readonly TimeSpan _bound = TimeSpan.FromSeconds(60);

    private string Run(string pipeline, TimeProvider? time = null)
    {
        var output = new StringWriter(new StringBuilder());
        var execution = JobExecution.Start(python.BuildJob(pipeline), new JobEnvironment
        {
            Stdout = output,
            Python = python.Runtime,
            Time = time ?? TimeProvider.System,
            OperatorProviders = [new PyStream.Engine.Cep.PythonCepOperators()],
        });
        Assert.True(execution.Wait(_bound), "the job did not end in time");
        Assert.Equal(JobStatus.Finished, execution.Status);
        return output.ToString();
    }

    /// <summary>Hears the time of every Python call (this collection's tests run one at a time: every call is this test's job's).</summary>
    private static System.Diagnostics.Metrics.MeterListener ListenToPythonCalls(Action<double> measured)
    {
        var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "pystream.python.time")
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => measured(value));
        listener.Start();
        return listener;
    }

    [Fact]
    public void Python_records_flow_through_fused_and_partitioned_operators()
    {
        var output = Run("""
            env.set_parallelism(3)
            env.from_collection(list(range(30))).map(lambda x: (x % 5, 1)).key_by(lambda t: t[0]) \
               .reduce(lambda a, b: (a[0], a[1] + b[1])).filter(lambda t: t[1] == 6).set_parallelism(2).print()
            """);
        var finals = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[(l.IndexOf('>') + 2)..]).Order().ToArray();
        Assert.Equal(["(0, 6)", "(1, 6)", "(2, 6)", "(3, 6)", "(4, 6)"], finals);
    }

    [Fact]
    public void Time_spent_in_python_is_measured_per_task()
    {
        var measured = 0.0;
        var gate = new object();
        using var listener = ListenToPythonCalls(value =>
        {
            lock (gate)
                measured += value;
        });
        Run("""
            import time
            env.from_collection([1, 2, 3]).map(lambda x: time.sleep(0.01) or x).print()
            """);
        lock (gate)
            Assert.True(measured >= 30, $"{measured} ms measured for three 10 ms calls");
    }

    [Fact]
    public void A_source_chained_before_a_cep_operator_is_not_held_to_the_first_call_of_the_segment_behind_it()
    {
        // Source, map, CEP (no match ever), select, sink in one chain. The select's segment is never called;
        // its first-call size (16) once bounded the source too: 20,000 numbers took 1,250 map calls.
        // Bounded by the map's own calls, batches grow as the map proves fast (a few dozen calls; 400 leaves room for a loaded machine).
        var calls = 0;
        using var listener = ListenToPythonCalls(_ => Interlocked.Increment(ref calls));
        Run("""
            from pyflink.cep import CEP, Pattern
            from pyflink.common import WatermarkStrategy
            from pyflink.datastream.connectors.number_seq import NumberSequenceSource
            env.set_parallelism(1)
            numbers = env.from_source(NumberSequenceSource(1, 20000), WatermarkStrategy.no_watermarks(), "numbers").map(lambda n: (n % 100, n))
            pattern = Pattern.begin("a").where(lambda e: e[1] < 0).next("b").where(lambda e: e[1] < 0)
            CEP.pattern(numbers.key_by(lambda e: e[0]), pattern).in_processing_time().select(lambda m: m["a"][0][1]).print()
            """);
        Assert.InRange(Volatile.Read(ref calls), 1, 400);
    }

    [Fact]
    public void A_finished_cep_job_leaves_its_keys_state_to_the_garbage_collector()
    {
        // 20,000 keys, each holding a partial match (an 'a' waiting for a 'b' that never comes) when the job ends: some
        // megabytes of NFA state and shared buffers per job, which every finished job once left live in the process.
        const string pipeline = """
            from pyflink.cep import CEP, Pattern
            from pyflink.common import WatermarkStrategy
            from pyflink.datastream.connectors.number_seq import NumberSequenceSource
            env.set_parallelism(1)
            numbers = env.from_source(NumberSequenceSource(1, 20000), WatermarkStrategy.no_watermarks(), "numbers").map(lambda n: (n, n))
            pattern = Pattern.begin("a").where(lambda e: True).next("b").where(lambda e: False)
            CEP.pattern(numbers.key_by(lambda e: e[0]), pattern).in_processing_time().select(lambda m: m["a"][0][1]).print()
            """;
        Run(pipeline);
        var afterFirst = GC.GetTotalMemory(forceFullCollection: true);
        for (var job = 0; job < 3; job++)
            Assert.Equal("", Run(pipeline));
        var growth = GC.GetTotalMemory(forceFullCollection: true) - afterFirst;
        // Measured: 0.6 MB more after three jobs; 27 MB when a closed operator kept its state.
        Assert.True(growth < 6_000_000, $"{growth:N0} bytes more live after three more jobs");
    }

    [Theory]
    [InlineData("hashmap")]
    [InlineData("rocksdb")]
    public void Keyed_state_outgrowing_the_python_cache_round_trips_through_the_backend(string backend)
    {
        // 100 keys against a cache of 10 entries: every batch writes state back and reads it again.
        var spec = python.BuildJob($$"""
            from pyflink.common import Configuration, WatermarkStrategy
            from pyflink.datastream.connectors.number_seq import NumberSequenceSource
            config = Configuration()
            config.set_string("python.state.cache-size", "10")
            config.set_string("state.backend.type", "{{backend}}")
            env.configure(config)
            env.set_runtime_mode(RuntimeExecutionMode.BATCH)
            numbers = env.from_source(NumberSequenceSource(0, 199_999), WatermarkStrategy.no_watermarks(), "numbers")
            numbers.map(lambda n: (n % 100, 1)).key_by(lambda t: t[0]).reduce(lambda a, b: (a[0], a[1] + b[1])).print()
            """);
        var output = new StringWriter(new StringBuilder());
        var execution = JobExecution.Start(spec, new JobEnvironment
        {
            Stdout = output,
            Python = python.Runtime,
            StateBackends = PyStream.State.RocksDb.RocksDbStateBackend.WithDefaults(),
        });
        Assert.True(execution.Wait(_bound));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(100, lines.Length);
        Assert.All(lines, line => Assert.EndsWith(", 2000)", line, StringComparison.Ordinal));
    }

    [Fact]
    public void A_user_exception_fails_the_job_with_the_users_traceback_and_the_host_survives()
    {
        var spec = python.BuildJob("""
            def explode(x):
                raise KeyError(f"no {x}")
            env.from_collection([1, 2]).map(explode).name("Explode").print()
            """);
        var execution = JobExecution.Start(spec, new JobEnvironment { Stdout = TextWriter.Null, Python = python.Runtime });
        var failure = Assert.Throws<JobExecutionException>(() => execution.Wait());
        var user = Assert.IsType<UserFunctionException>(failure.InnerException);
        Assert.Equal("Explode", user.OperatorName);
        Assert.Contains("in explode", user.UserTraceback, StringComparison.Ordinal);
        Assert.EndsWith("KeyError: 'no 1'", user.UserTraceback, StringComparison.Ordinal);
        Assert.Equal(JobStatus.Failed, execution.Status);

        Assert.Equal("2\n", Run("env.from_collection([1]).map(lambda x: x + 1).print()"));
    }

    [Fact]
    public void Processing_time_timers_fire_from_the_injected_clock_deduplicated_per_key_and_time()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_000));
        // A long source keeps the job running while the test moves the clock; the filter lets two records through.
        var spec = python.BuildJob("""
            from pyflink.common import WatermarkStrategy
            from pyflink.datastream.connectors.number_seq import NumberSequenceSource
            class Remind(KeyedProcessFunction):
                def process_element(self, value, ctx):
                    now = ctx.timer_service().current_processing_time()
                    ctx.timer_service().register_processing_time_timer(now + 500)
                    ctx.timer_service().register_processing_time_timer(1_500)
                    yield f"seen {value} at {now}"
                def on_timer(self, timestamp, ctx):
                    yield f"timer {ctx.get_current_key()} {timestamp} {ctx.time_domain().name}"
            numbers = env.from_source(NumberSequenceSource(0, 10**12), WatermarkStrategy.no_watermarks(), "numbers")
            numbers.filter(lambda n: n < 2).key_by(lambda n: n % 2).process(Remind()).print()
            """);
        var output = new LineWatcher();
        var execution = JobExecution.Start(spec, new JobEnvironment { Stdout = output, Python = python.Runtime, Time = clock });
        try
        {
            Assert.True(output.WaitForLines(2, _bound), "records did not arrive");
            clock.Advance(TimeSpan.FromMilliseconds(499));
            clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.True(output.WaitForLines(4, _bound), "timers did not fire");
            Assert.Equal(["seen 0 at 1000", "seen 1 at 1000", "timer 0 1500 PROCESSING_TIME", "timer 1 1500 PROCESSING_TIME"], output.Lines);
        }
        finally
        {
            execution.Cancel();
            Assert.True(execution.Wait(_bound), "the cancelled job did not end");
        }

        Assert.Equal(JobStatus.Canceled, execution.Status);
    }

    /// <summary>Collects printed lines and lets a test wait, bounded, until enough arrived.</summary>
    private sealed class LineWatcher : TextWriter
    {
        private readonly StringBuilder _text = new();

        public override Encoding Encoding => Encoding.UTF8;

        public string[] Lines
        {
            get
            {
                lock (_text)
                    return _text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            }
        }

        public override void Write(char value) => Write(value.ToString());

        public override void Write(string? value)
        {
            lock (_text)
            {
                _text.Append(value);
                Monitor.PulseAll(_text);
            }
        }

        public bool WaitForLines(int count, TimeSpan bound)
        {
            var deadline = DateTime.UtcNow + bound;
            lock (_text)
            {
                while (_text.ToString().Count(c => c == '\n') < count)
                {
                    var left = deadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero || !Monitor.Wait(_text, left))
                        return false;
                }

                return true;
            }
        }
    }
}
