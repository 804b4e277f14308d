using System.Globalization;
using PyStream.Cluster.Protocol;
using PyStream.Engine;

namespace PyStream.Worker;

/// <summary>What this worker tells the coordinator about itself when it registers.</summary>
internal sealed class WorkerIdentity(WorkerOptions options, Func<string> dataAddress)
{
    private readonly Lazy<string> _dataAddress = new(dataAddress);

    /// <summary>One per process: a re-registration replaces the coordinator's earlier record of this worker.</summary>
    public string InstanceId { get; } = options.InstanceId ?? Guid.NewGuid().ToString("N");

    /// <summary>Known once Kestrel listens (port 0 picks the port then).</summary>
    public string DataAddress => _dataAddress.Value;

    public RegisterWorkerRequest Request() => new()
    {
        PystreamVersion = PyStreamVersion.Current,
        Slots = options.Slots,
        HostName = Environment.MachineName,
        DataAddress = DataAddress,
        InstanceId = InstanceId,
        Hardware = new Hardware
        {
            CpuCores = Environment.ProcessorCount,
            PhysicalMemoryBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
            FreeMemoryBytes = FreeMemoryBytes(),
            ManagedMemoryBytes = 0, // no memory is set aside for state yet: each RocksDB instance sizes its own cache
        },
    };

    /// <summary>The machine's available memory (Linux's MemAvailable), or what the runtime knows when /proc is not there.</summary>
    public static long FreeMemoryBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                    continue;
                var kilobytes = line["MemAvailable:".Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
            // not Linux, or no /proc: the runtime's figure below
        }
        catch (UnauthorizedAccessException)
        {
            // likewise
        }

        var memory = GC.GetGCMemoryInfo();
        return Math.Max(0, memory.TotalAvailableMemoryBytes - memory.MemoryLoadBytes);
    }
}
