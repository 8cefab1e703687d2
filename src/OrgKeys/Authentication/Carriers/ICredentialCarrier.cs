namespace OrgKeys.Authentication.Carriers;

/// <summary>
/// One way a request carries a credential (the <c>x-api-key</c> header, a session JWT in a header or
/// a cookie, <c>Authorization: Bearer</c>). Everything that authenticates asks the carriers: the
/// policy scheme and the all-present rule (<see cref="CredentialCarriers"/>), the ASP.NET Core handler
/// (<see cref="CarrierAuthenticationHandler"/>) and the forward-auth fast path; what a verdict
/// triggers is recorded by <see cref="CredentialRecorder"/>.
/// <para>
/// To add a carrier: write one type implementing this interface (its <see cref="Caller"/> kind too if
/// it names a new kind of caller, and its <see cref="Refusal"/> values), and register it with
/// <see cref="CredentialCarrierRegistration.AddCredentialCarrier{TCarrier}"/> under its scheme name.
/// Registration order is precedence order. Nothing else changes.
/// </para>
/// </summary>
public interface ICredentialCarrier
{
    /// <summary>The <c>scheme</c> label of <c>orgkeys_authentications_total</c>.</summary>
    string MetricLabel { get; }

    /// <summary>Whether the request carries this credential at all. Runs on every request: no allocation.</summary>
    bool IsPresent(HttpRequest request);

    /// <summary>
    /// From memory alone (caches, no await, no allocation on a hit): the verdict on the credential
    /// present, or null when only <see cref="VerifyAsync"/> can tell.
    /// </summary>
    CredentialVerdict? VerifyCached(HttpRequest request);

    /// <summary>The full verification of the credential present; it may reach the database.</summary>
    ValueTask<CredentialVerdict> VerifyAsync(HttpContext http);
}
