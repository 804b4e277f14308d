namespace PyStream.Gateway.Uploads;

/// <summary>Where an uploaded script's process is: running, being stopped, or ended (and how).</summary>
public enum UploadState
{
    Running,
    Cancelling,
    Finished,
    Failed,
    Canceled,
}
