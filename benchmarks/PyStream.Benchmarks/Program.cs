using PyStream.Benchmarks;

return WindowCountBenchmark.Run(args);
