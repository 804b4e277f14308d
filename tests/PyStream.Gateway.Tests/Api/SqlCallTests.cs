using Google.Protobuf;
using Grpc.Core;
using PyStream.Gateway.Api;
using PyStream.Gateway.Protocol;
using PyStream.Sql.Protocol;

namespace PyStream.Gateway.Tests.Api;

/// <summary>The Sql call's refusals: what the Python client turns into its exception classes.</summary>
public sealed class SqlCallTests
{
    // The Sql call touches neither the registries nor the call context; it refuses synchronously.
    private readonly JobGatewayService _service = new(null!, null!);

    [Fact]
    public void A_message_that_is_no_sql_request_is_an_invalid_argument()
    {
        var call = new SqlCall { Message = ByteString.CopyFrom(0xFF, 0xFF, 0xFF) };

        var refused = Assert.Throws<RpcException>(() => { _ = _service.Sql(call, null!); });

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith("message is not a pystream.v1.SqlRequest", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_statement_names_the_engine_exception_type_in_a_trailer()
    {
        var request = new SqlRequest { Statement = "SELEC 1 FORM nowhere" };
        var call = new SqlCall { Message = request.ToByteString() };

        var refused = Assert.Throws<RpcException>(() => { _ = _service.Sql(call, null!); });

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        var type = refused.Trailers.GetValue(JobGatewayService.SqlErrorTrailer);
        Assert.Contains(type, new[] { "SqlParseException", "SqlValidationException" });
        Assert.StartsWith("SQL ", refused.Status.Detail, StringComparison.Ordinal);
    }
}
