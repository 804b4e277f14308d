using Python.Runtime;
using PyStream.Engine.Records;

namespace PyStream.Python;

/// <summary>Reads what Python returns for each exit of a segment (or port of a window) into batches.</summary>
internal static class ExitBatches
{
    /// <summary>
    /// Each exit gives None or <c>(payload, count, keys, key_ends, partitions, text_ends, timestamps, session_gaps)</c>:
    /// payload is a list (records), str (printed records joined by newlines; text_ends marks
    /// where each ends when one holds a newline itself) or bytes (pickled or encoded).
    /// </summary>
    public static Batch?[] From(PyObject outputs, int exitCount)
    {
        var batches = new Batch?[exitCount];
        for (var exit = 0; exit < exitCount; exit++)
        {
            using var output = outputs[exit];
            if (output.IsNone())
                continue;
            var payload = output[0];
            var count = output[1].As<int>();
            using var keys = output[2];
            using var ends = output[3];
            using var partitions = output[4];
            using var textEnds = output[5];
            using var stamps = output[6];
            using var gaps = output[7];
            var keyBlob = keys.IsNone() ? null : new KeyBlob(CPython.ToArray(keys), CPython.ToArray<long>(ends));
            var partitionIndexes = partitions.IsNone() ? null : CPython.ToArray<int>(partitions);
            var recordEnds = textEnds.IsNone() ? null : CPython.ToArray<long>(textEnds);
            var timestamps = stamps.IsNone() ? null : CPython.ToArray<long>(stamps);
            var sessionGaps = gaps.IsNone() ? null : CPython.ToArray<long>(gaps);
            batches[exit] = ToBatch(payload, count, keyBlob, partitionIndexes, recordEnds, timestamps, sessionGaps);
        }

        return batches;
    }

    private static Batch ToBatch(PyObject payload, int count, KeyBlob? keys, int[]? partitions, long[]? textEnds, long[]? timestamps, long[]? gaps)
    {
        if (PyString.IsStringType(payload))
        {
            using (payload)
                return new TextBatch(payload.As<string>(), count, textEnds) { Keys = keys, Partitions = partitions, Timestamps = timestamps, SessionGaps = gaps };
        }

        if (payload.GetPythonType().Name == "bytes")
        {
            using (payload)
                return new BytesBatch(CPython.ToArray(payload), count) { Keys = keys, Partitions = partitions, Timestamps = timestamps, SessionGaps = gaps };
        }

        return new PythonBatch(payload, count) { Keys = keys, Partitions = partitions, Timestamps = timestamps, SessionGaps = gaps };
    }
}
