using PyStream.Gateway.Api;

namespace PyStream.Gateway.Tests;

public sealed class TokenCheckTests
{
    [Theory]
    [InlineData("Bearer s3cret", "s3cret")]
    [InlineData("bearer s3cret", "s3cret")]
    [InlineData("BEARER  s3cret ", "s3cret")]
    [InlineData("Basic s3cret", "")]
    [InlineData("s3cret", "")]
    [InlineData("", "")]
    public void The_bearer_scheme_is_matched_in_any_case(string header, string token) =>
        Assert.Equal(token, TokenCheck.GivenToken(header));
}
