namespace OrgKeys.Authentication.Carriers;

/// <summary>
/// <c>Authorization: Bearer</c> until OAuth access tokens exist (issue 4): a credential this server
/// cannot check is an invalid one, never ignored, so it cannot ride along beside a valid key.
/// </summary>
public sealed class BearerCarrier : ICredentialCarrier
{
    private static readonly CredentialVerdict Unsupported = CredentialVerdict.Refused(Refusal.UnsupportedBearer);

    public string MetricLabel => "bearer";

    /// <summary>Only Bearer: other Authorization schemes (Basic…) may belong to the service behind a proxy.</summary>
    public bool IsPresent(HttpRequest request) =>
        request.Headers.Authorization is [{ } authorization]
        && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    public CredentialVerdict? VerifyCached(HttpRequest request) => Unsupported;

    public ValueTask<CredentialVerdict> VerifyAsync(HttpContext http) => ValueTask.FromResult(Unsupported);
}
