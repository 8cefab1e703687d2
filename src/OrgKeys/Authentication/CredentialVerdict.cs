using OrgKeys.Observability;

namespace OrgKeys.Authentication;

/// <summary>What checking a credential concluded, for every carrier: who it is, or why it is refused.</summary>
public readonly record struct CredentialVerdict
{
    private CredentialVerdict(Caller? caller, Refusal? refusal)
    {
        Caller = caller;
        Refusal = refusal;
    }

    /// <summary>Set when the credential is accepted.</summary>
    public Caller? Caller { get; }

    /// <summary>Set when it is refused.</summary>
    public Refusal? Refusal { get; }

    /// <summary>The <c>reason</c> label of the authentication metric.</summary>
    public AuthOutcome Outcome => Refusal?.Outcome ?? AuthOutcome.Accepted;

    public static CredentialVerdict Accepted(Caller caller) => new(caller, null);

    public static CredentialVerdict Refused(Refusal refusal) => new(null, refusal);
}
