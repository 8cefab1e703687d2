using OrgKeys.Infrastructure;

namespace OrgKeys.KeyLimits;

/// <summary>Why the gate refused a key that is otherwise valid: a 403 (policy, address) or a 429 (rate limit, credits), with its headers.</summary>
public sealed class GateRefusal(int status, string message)
{
    public int Status { get; } = status;

    public string Message { get; } = message;

    public string? RetryAfter { get; init; }

    public string? RateLimitPolicy { get; init; }

    public string? RateLimit { get; init; }

    public Task WriteAsync(HttpContext http)
    {
        var headers = http.Response.Headers;
        if (RetryAfter is not null)
        {
            headers.RetryAfter = RetryAfter;
        }

        if (RateLimitPolicy is not null)
        {
            headers[RateLimitHeaders.Policy] = RateLimitPolicy;
            headers[RateLimitHeaders.Current] = RateLimit;
        }

        return ApiResults.WriteAsync(http, Status, Message);
    }
}
