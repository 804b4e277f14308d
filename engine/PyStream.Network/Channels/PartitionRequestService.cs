using Grpc.Core;
using PyStream.Network.Protocol;

namespace PyStream.Network.Channels;

/// <summary>
/// The producer side of the protocol (Flink's partition request server handler): a consumer's stream
/// opens with the request for one subpartition, then carries credits; the response stream carries
/// the subpartition's frames. When either direction breaks, the subpartition fails, so its
/// producer's next write fails too.
/// </summary>
internal sealed class PartitionRequestService(ResultPartitionRegistry registry, ChannelAccess access) : NetworkChannels.NetworkChannelsBase
{
    public override async Task RequestPartition(IAsyncStreamReader<ConsumerMessage> requestStream, IServerStreamWriter<ProducerMessage> responseStream,
        ServerCallContext context)
    {
        access.Check(context);
        if (!await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false) || requestStream.Current.Request is not { } request)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "a network channel opens with a partition request"));
        RemoteSubpartition subpartition;
        try
        {
            subpartition = await registry.TakeAsync(request.Partition, request.Subpartition, context.CancellationToken).ConfigureAwait(false);
        }
        catch (NetworkChannelException e)
        {
            throw new RpcException(new Status(StatusCode.NotFound, e.Message));
        }

        subpartition.AddCredit(request.InitialCredit, request.BatchLimit);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var sending = subpartition.SendAsync(responseStream, stop.Token);
        var crediting = ReadCreditsAsync(requestStream, subpartition, stop.Token);
        try
        {
            // The channel is done when the end of partition is sent; the consumer's side closing before that breaks it.
            await Task.WhenAny(sending, crediting).ConfigureAwait(false);
            if (!sending.IsCompleted && crediting.IsFaulted)
                await crediting.ConfigureAwait(false);
            await sending.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException)
        {
            var reason = $"the network channel of result partition '{request.Partition}' to consumer {request.Subpartition} broke: {e.Message}";
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(sending, crediting).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            subpartition.Fail(reason, e);
            throw new RpcException(new Status(StatusCode.Unavailable, reason));
        }
        finally
        {
            registry.Release(subpartition);
        }

        // The end of partition is sent; the call ends when the consumer closes its side, so that credits it granted
        // meanwhile still find the call open. A consumer that goes away instead changes nothing now.
        await crediting.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
    }

    private static async Task ReadCreditsAsync(IAsyncStreamReader<ConsumerMessage> requestStream, RemoteSubpartition subpartition, CancellationToken cancellation)
    {
        while (await requestStream.MoveNext(cancellation).ConfigureAwait(false))
        {
            if (requestStream.Current.Credit is not { } credit)
                throw new NetworkChannelException("a network channel got a second partition request");
            subpartition.AddCredit(credit.Credit, credit.BatchLimit);
        }
    }
}
