namespace PyStream.Engine.Graph;

/// <summary>
/// The channel from one producer subtask to one consumer subtask over an edge: input
/// <see cref="Index"/> of the consumer's gate, feeding input <see cref="StreamEdge.TargetInput"/>
/// of its chain's head.
/// </summary>
public sealed record ExecutionChannel(StreamEdge Edge, ExecutionVertex Producer, ExecutionVertex Consumer, int Index)
{
    public override string ToString() => $"{Producer} -> {Consumer} (channel {Index})";
}
