using OrgKeys.ApiKeys;

namespace OrgKeys.Authentication.Carriers;

/// <summary>The <c>x-api-key</c> header: an organization API key, verified by <see cref="ApiKeyVerifier"/>.</summary>
public sealed class ApiKeyCarrier(ApiKeyVerifier verifier) : ICredentialCarrier
{
    public string MetricLabel => "x-api-key";

    public bool IsPresent(HttpRequest request) => request.Headers.ContainsKey(AuthSchemes.ApiKeyHeader);

    public CredentialVerdict? VerifyCached(HttpRequest request) =>
        Read(request, out var presented) ?? verifier.VerifyCached(presented);

    public async ValueTask<CredentialVerdict> VerifyAsync(HttpContext http) =>
        Read(http.Request, out var presented) ?? await verifier.VerifyAsync(presented, http.RequestServices, http.RequestAborted);

    /// <summary>The one non-empty key presented, or its refusal: several headers, or an empty one, are malformed.</summary>
    private static CredentialVerdict? Read(HttpRequest request, out string presented)
    {
        if (request.Headers[AuthSchemes.ApiKeyHeader] is [{ Length: > 0 } one])
        {
            presented = one;
            return null;
        }

        presented = "";
        return CredentialVerdict.Refused(Refusal.MalformedApiKey);
    }
}
