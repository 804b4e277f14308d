using PyStream.Gateway.Jobs;

namespace PyStream.Gateway.HighAvailability;

/// <summary>
/// <c>GET /readyz</c>: 200 while this gateway serves jobs (a single gateway, or the elected
/// leader), 503 while it is a standby, so a Kubernetes Service routes only to the leader. It
/// answers without the token (a probe cannot carry one) and tells nothing but that.
/// </summary>
public static class ReadinessProbe
{
    public const string Path = "/readyz";

    public static void Use(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use((context, next) =>
        {
            if (context.Request.Path != Path)
                return next(context);
            var leader = context.RequestServices.GetRequiredService<JobRegistry>().IsLeader;
            context.Response.StatusCode = leader ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            return context.Response.WriteAsJsonAsync(new { leader });
        });
    }
}
