namespace PyStream.Engine.UserCode;

/// <summary>A user function raised. <see cref="UserTraceback"/> is what the user should see.</summary>
public sealed class UserFunctionException : PyStreamException
{
    public UserFunctionException(string operatorName, string userTraceback)
        : base($"user function in '{operatorName}' failed:\n{userTraceback}")
    {
        OperatorName = operatorName;
        UserTraceback = userTraceback;
    }

    public string OperatorName { get; }

    public string UserTraceback { get; }

    /// <summary>The subtask it failed in, when it failed in another process (a worker's share); null otherwise.</summary>
    public TaskInfo? RemoteTask { get; init; }
}
