using OrgKeys.Observability;

namespace OrgKeys.Authentication;

/// <summary>
/// Why a presented credential is refused: the message of its 401 and the <c>reason</c> label of its
/// metric. A closed list of values, as an enum would be, except that a new carrier adds its own with
/// <c>new Refusal(...)</c>; the 401 body is serialized once per value, never looked up by message.
/// </summary>
public sealed class Refusal(string message, AuthOutcome outcome)
{
    public static readonly Refusal MalformedApiKey = new("Invalid API key.", AuthOutcome.Malformed);
    public static readonly Refusal UnknownApiKey = new(MalformedApiKey.Message, AuthOutcome.Unknown);
    public static readonly Refusal RevokedApiKey = new("This API key has been revoked.", AuthOutcome.Revoked);
    public static readonly Refusal ExpiredApiKey = new("This API key has expired.", AuthOutcome.Expired);
    public static readonly Refusal ExpiredToken = new("Your JWT token has expired. Log in again.", AuthOutcome.Expired);
    public static readonly Refusal InvalidToken = new("Invalid JWT token.", AuthOutcome.Invalid);
    public static readonly Refusal SessionEnded = new("Your session has ended. Log in again.", AuthOutcome.SessionEnded);
    public static readonly Refusal InvalidAccessToken = new("Invalid or expired access token.", AuthOutcome.Invalid);
    public static readonly Refusal EndedAccessToken = new(InvalidAccessToken.Message, AuthOutcome.SessionEnded);

    private byte[]? _body;

    public string Message { get; } = message;

    public AuthOutcome Outcome { get; } = outcome;

    /// <summary>The 401 body, serialized on first use with the API's JSON options (a race only serializes it twice).</summary>
    public ReadOnlyMemory<byte> Body(IServiceProvider services) => _body ??= Infrastructure.ApiResults.Serialize(services, Message);
}

/// <summary>How a refused credential travels from its authentication handler to the 401: the refusal itself, not its text.</summary>
public sealed class RefusedCredentialException(Refusal refusal) : Exception(refusal.Message)
{
    public Refusal Refusal { get; } = refusal;
}
