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
}
