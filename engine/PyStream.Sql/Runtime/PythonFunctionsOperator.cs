using PyStream.Engine;
using PyStream.Engine.Runtime;
using PyStream.Engine.UserCode;

namespace PyStream.Sql.Runtime;

/// <summary>
/// A SQL operator that calls Python functions: it gets them from the job's Python side when it
/// opens (calling their <c>open</c>), and closes and releases them when it closes.
/// </summary>
public abstract class PythonFunctionsOperator<TFunctions>(string name, int inputCount) : SqlOperator(name, inputCount)
    where TFunctions : class, IPythonFunctions
{
    private TFunctions? _functions;

    protected TFunctions Functions => _functions ?? throw new InvalidOperationException($"'{Name}' is not open");

    /// <summary>The operator's functions on the job's Python side.</summary>
    protected abstract TFunctions Create(IPythonJob python, TaskInfo task);

    public override void Open(TaskContext context)
    {
        base.Open(context);
        var python = context.Python ?? throw new SqlRuntimeException($"'{Name}' calls Python functions, and this host runs no Python");
        _functions = Create(python, context.Info);
        _functions.Open();
    }

    public override void Close()
    {
        if (_functions is null)
            return;
        try
        {
            _functions.Close();
        }
        finally
        {
            _functions.Dispose();
            _functions = null;
        }
    }
}
