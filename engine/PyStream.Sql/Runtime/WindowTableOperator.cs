using PyStream.Engine.Records;
using PyStream.Sql.Functions;
using PyStream.Sql.Planning;

namespace PyStream.Sql.Runtime;

/// <summary>
/// A window TVF's rows, not aggregated (Flink's WindowTableFunctionOperator): each row once per
/// window it falls in, with window_start, window_end and window_time appended. Rows whose window
/// has already been passed by the watermark are late and dropped, as the window aggregates drop
/// them. Stateless: a row's windows depend on its time only.
/// </summary>
public sealed class WindowTableOperator(string name, WindowDefinition window, int timeIndex, TimeZoneInfo? shiftZone, int inputCount = 1)
    : SqlOperator(name, inputCount)
{
    private readonly (long Start, long End)[] _windows = new (long, long)[WindowAssignment.MaxWindows(window)];

    public long LateRowsDropped { get; private set; }

    protected override void ProcessRows(int input, RowBatch rows)
    {
        var times = (Column<long>)rows.Columns[timeIndex];
        var watermark = CurrentWatermark;
        var picked = new List<int>(rows.Count);
        var starts = new List<long>(rows.Count);
        var ends = new List<long>(rows.Count);
        var windowTimes = new List<long>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            if (times.IsNull(i))
                continue;
            var micros = times.Values[i];
            var count = WindowAssignment.Assign(window, WindowAssignment.WindowMillis(micros, shiftZone), _windows);
            for (var w = 0; w < count; w++)
            {
                var (start, end) = _windows[w];
                var fires = WindowAssignment.FiringMillis(end, shiftZone);
                if (fires - 1 <= watermark)
                {
                    LateRowsDropped++;
                    continue;
                }

                picked.Add(i);
                starts.Add(start * TimeMath.MicrosPerMilli);
                ends.Add(end * TimeMath.MicrosPerMilli);
                windowTimes.Add((fires - 1) * TimeMath.MicrosPerMilli);
            }
        }

        if (picked.Count == 0)
            return;
        var selected = rows.Select(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(picked));
        Column[] columns = [.. selected.Columns, new Column<long>([.. starts]), new Column<long>([.. ends]), new Column<long>([.. windowTimes])];
        EmitRows(new RowBatch(columns, picked.Count, selected.Kinds));
    }
}
