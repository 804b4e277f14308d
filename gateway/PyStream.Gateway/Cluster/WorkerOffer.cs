namespace PyStream.Gateway.Cluster;

/// <summary>What a worker offers when it registers (cluster.proto's RegisterWorkerRequest).</summary>
public sealed record WorkerOffer(
    string PyStreamVersion,
    int Slots,
    string HostName,
    string DataAddress,
    string InstanceId,
    WorkerHardware Hardware);

/// <summary>Flink's <c>HardwareDescription</c>: the machine a worker runs on, as it reported it.</summary>
public sealed record WorkerHardware(int CpuCores, long PhysicalMemoryBytes, long FreeMemoryBytes, long ManagedMemoryBytes);
