using System.Collections.Concurrent;
using PyStream.Engine.UserCode;

namespace PyStream.Network.Channels;

/// <summary>
/// The result partitions this process produces for consumers elsewhere, by name and subpartition.
/// A consumer's request may come before its producer registers (tasks deploy in any order): it
/// waits for the registration, up to <see cref="NetworkSettings.PartitionRequestTimeout"/>.
/// </summary>
public sealed class ResultPartitionRegistry(NetworkSettings settings)
{
    private readonly ConcurrentDictionary<(string Partition, int Index), TaskCompletionSource<RemoteSubpartition>> _subpartitions = new();

    public NetworkSettings Settings { get; } = settings;

    /// <summary>One subpartition per consumer subtask of a producer subtask's partition (the targets of its edge writer).</summary>
    internal RemoteSubpartition[] Register(string partition, int consumers, IPythonBatchWire? python = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(consumers);
        var subpartitions = new RemoteSubpartition[consumers];
        for (var i = 0; i < consumers; i++)
            subpartitions[i] = RegisterSubpartition(partition, i, python);
        return subpartitions;
    }

    /// <summary>One subpartition of a producer subtask's partition, for a consumer elsewhere (its others may be local).</summary>
    internal RemoteSubpartition RegisterSubpartition(string partition, int index, IPythonBatchWire? python)
    {
        var subpartition = new RemoteSubpartition(partition, index, Settings, python);
        if (!Slot(partition, index).TrySetResult(subpartition))
            throw new NetworkChannelException($"result partition '{partition}' subpartition {index} is registered already");
        return subpartition;
    }

    /// <summary>
    /// Fails and forgets every subpartition whose partition starts with <paramref name="prefix"/> (an attempt that
    /// ended early): a consumer reading one sees its channel break, one not connected yet finds nothing.
    /// </summary>
    internal void ReleaseAll(string prefix, string reason)
    {
        foreach (var key in _subpartitions.Keys.Where(k => k.Partition.StartsWith(prefix, StringComparison.Ordinal)))
        {
            if (_subpartitions.TryRemove(key, out var slot) && slot.Task.IsCompletedSuccessfully)
                slot.Task.Result.Fail(reason);
        }
    }

    /// <summary>The subpartition a consumer asks for, once registered; a second request for it is refused.</summary>
    internal async Task<RemoteSubpartition> TakeAsync(string partition, int index, CancellationToken cancellation)
    {
        var slot = Slot(partition, index);
        RemoteSubpartition subpartition;
        try
        {
            subpartition = await slot.Task.WaitAsync(Settings.RequestTimeout, cancellation).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new NetworkChannelException($"no producer registered result partition '{partition}' (subpartition {index}) within {Settings.RequestTimeout.TotalSeconds:0.#} s");
        }

        if (!subpartition.TryClaim())
            throw new NetworkChannelException($"result partition '{partition}' subpartition {index} is being read by another consumer already");
        return subpartition;
    }

    /// <summary>Forgets a subpartition that ended or failed, so a new attempt registers its own.</summary>
    internal void Release(RemoteSubpartition subpartition) => _subpartitions.TryRemove((subpartition.Partition, subpartition.Index), out _);

    private TaskCompletionSource<RemoteSubpartition> Slot(string partition, int index) =>
        _subpartitions.GetOrAdd((partition, index), _ => new TaskCompletionSource<RemoteSubpartition>(TaskCreationOptions.RunContinuationsAsynchronously));
}
