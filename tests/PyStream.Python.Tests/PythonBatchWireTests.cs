using System.Buffers;
using Python.Runtime;
using PyStream.Engine.Records;

namespace PyStream.Python.Tests;

/// <summary>How a batch of Python records crosses a network channel: one pickle per batch.</summary>
[Collection(EmbeddedPythonCollection.Name)]
public sealed class PythonBatchWireTests(EmbeddedPython python)
{
    [Fact]
    public void A_batch_is_pickled_whole_and_unpickled_as_equal_records()
    {
        const string records = "[(1, 'a'), {'k': [1.5, None]}, 'x' * 3, None, 2 ** 70]";
        var batch = Batch(records, 5);
        var output = new ArrayBufferWriter<byte>();

        python.Runtime.Pickle(batch, output);
        var back = python.Runtime.Unpickle(output.WrittenSpan, 5);

        using (Py.GIL())
        {
            using var expected = PythonEngine.Eval(records);
            Assert.Equal(expected.Repr(), ((PyObject)back.Handle).Repr());
            Assert.Equal(expected.Repr(), ((PyObject)batch.Handle).Repr()); // the sender's batch is untouched
            batch.Dispose();
            back.Dispose();
        }
    }

    [Fact]
    public void A_record_that_cannot_be_pickled_is_a_clear_error()
    {
        var batch = Batch("[1, (x for x in range(3))]", 2);

        var error = Assert.Throws<PyStreamPythonException>(() => python.Runtime.Pickle(batch, new ArrayBufferWriter<byte>()));

        Assert.Contains("could not be pickled for a network channel", error.Message, StringComparison.Ordinal);
        using (Py.GIL())
            batch.Dispose();
    }

    [Fact]
    public void A_pickle_of_another_length_than_announced_is_refused()
    {
        var batch = Batch("[1, 2, 3]", 3);
        var output = new ArrayBufferWriter<byte>();
        python.Runtime.Pickle(batch, output);

        var error = Assert.Throws<PyStreamPythonException>(() => python.Runtime.Unpickle(output.WrittenSpan, 4));

        Assert.Contains("3 records arrived as a batch of 4", error.Message, StringComparison.Ordinal);
        using (Py.GIL())
            batch.Dispose();
    }

    private static PythonBatch Batch(string records, int count)
    {
        using (Py.GIL())
            return new PythonBatch(PythonEngine.Eval(records), count);
    }
}
