using Python.Runtime;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.UserCode;

namespace PyStream.Network.Tests.Channels;

/// <summary>
/// Python records handed to another task of the same process cross pickled (<see cref="PickledLocalTarget"/>):
/// the consumer gets a <see cref="PickledPythonBatch"/> with the batch's columns, the producer's records are
/// dropped at once, and what will not pickle crosses as objects.
/// </summary>
[Collection(PythonInterpreterCollection.Name)]
public sealed class PickledLocalTargetTests(PythonInterpreter python)
{
    [Fact]
    public void ATasksWriteCrossesPickledWithItsColumnsAndDropsTheRecords()
    {
        var gate = new InputGate([0], capacity: 4);
        var target = new PickledLocalTarget(gate, python.Runtime);
        var batch = Records("[(n % 7, 'v' * n) for n in range(50)]", 50);
        batch = (PythonBatch)batch.WithColumns(new KeyBlob([1, 2, 3], [1, 2, 3]), [10, 20, 30], null);
        batch.Split = 4;
        var handle = (PyObject)batch.Handle;

        Assert.Equal(0, target.Write(new InputEvent(0, InputEventKind.Batch, batch), CancellationToken.None));

        Assert.Equal(IntPtr.Zero, Address(handle)); // dropped with the pickle's GIL hold
        Assert.True(gate.Reader.TryRead(out var sent));
        var pickled = Assert.IsType<PickledPythonBatch>(sent.Batch);
        var back = pickled.Unpickle();
        Assert.Equal([1, 2, 3], back.Keys!.Data);
        Assert.Equal([10L, 20, 30], back.Timestamps!);
        Assert.Equal(4, back.Split);
        using (Py.GIL())
        {
            using var records = (PyObject)back.Handle;
            using var expected = PythonEngine.Eval("[(n % 7, 'v' * n) for n in range(50)]");
            Assert.True(records.Equals(expected));
        }
    }

    [Fact]
    public void RecordsThatDoNotPickleCrossAsObjects()
    {
        var gate = new InputGate([0], capacity: 4);
        var target = new PickledLocalTarget(gate, python.Runtime);
        var batch = Records("[__import__('threading').Lock()]", 1);

        target.Write(new InputEvent(0, InputEventKind.Batch, batch), CancellationToken.None);

        Assert.True(gate.Reader.TryRead(out var sent));
        Assert.Same(batch, sent.Batch);
    }

    [Fact]
    public void TheBufferTimeoutsTryHandsOverObjectsThatStayTheCallersIfTheGateIsFull()
    {
        var gate = new InputGate([0], capacity: 1);
        var target = new PickledLocalTarget(gate, python.Runtime);
        var first = Records("[1, 2]", 2);
        var second = Records("[3]", 1);

        Assert.True(target.TryWrite(new InputEvent(0, InputEventKind.Batch, first)));
        Assert.False(target.TryWrite(new InputEvent(0, InputEventKind.Batch, second)));

        Assert.True(gate.Reader.TryRead(out var sent));
        Assert.Same(first, sent.Batch);
        Assert.NotEqual(IntPtr.Zero, Address((PyObject)second.Handle)); // still the caller's, to send again
    }

    private static PythonBatch Records(string expression, int count)
    {
        using (Py.GIL())
            return new PythonBatch(PythonEngine.Eval(expression), count);
    }

    // pythonnet marks the raw handle obsolete; it is the one way to see that a reference was dropped.
#pragma warning disable CS0612
    private static IntPtr Address(PyObject records) => records.Handle;
#pragma warning restore CS0612
}
