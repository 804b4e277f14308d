using PyStream.Benchmarks;

return args.Length > 0 && args[0] == "kafka" ? KafkaBenchmark.Run(args[1..])
    : args.Length > 0 && args[0] == "nexmark" ? NexmarkBenchmark.Run(args[1..])
    : args.Length > 0 && args[0] == "cep" ? CepBenchmark.Run(args[1..])
    : args.Length > 0 && args[0] == "cep-core" ? CepCoreBenchmark.Run(args[1..])
    : args.Length > 0 && args[0] == "shuffle" ? ShuffleBenchmark.Run(args[1..])
    : args.Length > 0 && args[0] == "shuffle-receive" ? ShuffleReceiver.Run(args[1..])
    : args.Length > 0 && args[0] == "buffer-latency" ? KafkaBenchmark.BufferLatency(args[1..])
    : WindowCountBenchmark.Run(args);
