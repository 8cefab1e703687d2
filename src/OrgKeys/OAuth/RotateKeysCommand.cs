using OrgKeys.Data;

namespace OrgKeys.OAuth;

/// <summary>
/// <c>OrgKeys oauth rotate-keys</c>: adds a signing and an encryption certificate that sign and encrypt from
/// each node's next start; the older ones keep validating until <see cref="OAuthKeyRing.RetainSuperseded"/>.
/// </summary>
internal static class RotateKeysCommand
{
    public static async Task<(Dictionary<string, object>?, string?)> RunAsync(IServiceProvider services)
    {
        var generation = await services.GetRequiredService<OAuthKeyRing>().RotateAsync(services.GetRequiredService<OrgKeysDbContext>(), CancellationToken.None);
        return (new() { ["generation"] = generation, ["restartNodes"] = true }, null);
    }
}
