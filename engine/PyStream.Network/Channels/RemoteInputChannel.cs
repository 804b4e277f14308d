using Grpc.Core;
using PyStream.Engine.Runtime;
using PyStream.Engine.UserCode;
using PyStream.Network.Protocol;
using PyStream.Network.Wire;

namespace PyStream.Network.Channels;

/// <summary>
/// The consumer side of one network channel (Flink's remote input channel): requests a producer's
/// subpartition and feeds what arrives into one channel of this task's <see cref="InputGate"/>, so
/// barrier alignment and watermarks work as for a local channel. It grants a credit for each buffer
/// it has room for: its exclusive buffers, plus floating ones from the gate's pool while the producer
/// announces a backlog. A buffer is free again once its batch went into the gate; a full gate
/// therefore stops the credits, and the producer. Frames are numbered: a gap, a repeat, a batch
/// without credit or a stream that ends before the end of partition fails the channel.
/// </summary>
internal sealed class RemoteInputChannel(NetworkChannels.NetworkChannelsClient producer, string partition, int subpartition, InputGate gate, int channel,
    NetworkSettings settings, FloatingBufferPool floating, string? token = null, IPythonBatchWire? python = null)
{
    /// <summary>Frames received so far.</summary>
    public long Received { get; private set; }

    /// <summary>Credits granted and not yet used by the producer (at most the exclusive and the borrowed floating buffers).</summary>
    public int Outstanding { get; private set; }

    /// <summary>Runs until the end of partition went into the gate; fails with a <see cref="NetworkChannelException"/>.</summary>
    public async Task RunAsync(CancellationToken cancellation)
    {
        var borrowed = 0;
        using var call = producer.RequestPartition(ChannelAccess.Headers(token), cancellationToken: cancellation);
        try
        {
            Outstanding = settings.BuffersPerChannel;
            try
            {
                await call.RequestStream.WriteAsync(new ConsumerMessage
                {
                    Request = new PartitionRequest { Partition = partition, Subpartition = subpartition, InitialCredit = Outstanding, BatchLimit = gate.BatchLimit },
                }, cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RpcException or IOException or InvalidOperationException && !cancellation.IsCancellationRequested)
            {
                // A producer that refuses the request (token, unknown partition) ends the call before reading it, so
                // the write may fail with the stream already closed; the response below carries the call's own status.
            }

            while (true)
            {
                if (!await call.ResponseStream.MoveNext(cancellation).ConfigureAwait(false))
                    throw Broken("it ended before the end of partition");
                var message = call.ResponseStream.Current;
                if (message.Sequence != Received)
                    throw Broken($"frame {message.Sequence} came where frame {Received} was due");
                Received++;
                var e = FrameFormat.Read(message.Payload.Span, channel, python);
                var isData = e.Kind == InputEventKind.Batch;
                if (isData && --Outstanding < 0)
                    throw Broken("the producer sent a batch without credit");
                await gate.WriteAsync(e, cancellation).ConfigureAwait(false);
                if (e.Kind == InputEventKind.EndOfPartition)
                    break;
                if (isData)
                    borrowed += await RecycleAsync(call.RequestStream, message.Backlog, borrowed, cancellation).ConfigureAwait(false);
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            if (await call.ResponseStream.MoveNext(cancellation).ConfigureAwait(false))
                throw Broken("a frame came after the end of partition");
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.NotFound)
        {
            throw new NetworkChannelException($"the request for result partition '{partition}' (subpartition {subpartition}) was refused: {e.Status.Detail}", e);
        }
        catch (Exception e) when (e is RpcException or IOException or WireFormatException)
        {
            throw Broken(e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail} {rpc.Status.DebugException?.Message}" : e.Message, e);
        }
        finally
        {
            floating.Return(borrowed);
        }
    }

    /// <summary>
    /// The buffer of a batch that went into the gate is free: a floating one goes back to the pool
    /// when the backlog no longer needs it, an exclusive one is granted again; a backlog larger than
    /// the outstanding credit borrows floating buffers. Returns the change in borrowed buffers.
    /// </summary>
    private async Task<int> RecycleAsync(IClientStreamWriter<ConsumerMessage> requests, int backlog, int borrowed, CancellationToken cancellation)
    {
        var change = 0;
        var grant = 0;
        if (borrowed > 0 && backlog <= Outstanding)
        {
            floating.Return(1);
            change--;
        }
        else
        {
            grant++;
        }

        if (backlog > Outstanding + grant)
        {
            var taken = floating.TryTake(backlog - Outstanding - grant);
            change += taken;
            grant += taken;
        }

        if (grant > 0)
        {
            Outstanding += grant;
            await requests.WriteAsync(new ConsumerMessage { Credit = new AddCredit { Credit = grant, BatchLimit = gate.BatchLimit } }, cancellation).ConfigureAwait(false);
        }

        return change;
    }

    private NetworkChannelException Broken(string reason, Exception? cause = null)
    {
        var message = $"the network channel from result partition '{partition}' (subpartition {subpartition}) broke after {Received} frames: {reason}";
        return cause is null ? new NetworkChannelException(message) : new NetworkChannelException(message, cause);
    }
}
