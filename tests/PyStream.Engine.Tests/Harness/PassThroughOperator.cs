using PyStream.Engine.Records;
using PyStream.Engine.Runtime.Operators;

namespace PyStream.Engine.Tests.Harness;

/// <summary>The smallest real operator: forwards every batch to port 0 and counts its finishes.</summary>
internal sealed class PassThroughOperator(int inputCount) : StreamOperator("pass-through", inputCount, portCount: 1)
{
    public int FinishCount { get; private set; }

    public override void ProcessBatch(int input, Batch batch) => Emit(0, batch);

    protected override void Finish()
    {
        FinishCount++;
        base.Finish();
    }
}
