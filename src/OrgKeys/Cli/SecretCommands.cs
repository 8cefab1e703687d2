using OrgKeys.Data;
using OrgKeys.Secrets;

namespace OrgKeys.Cli;

/// <summary><c>OrgKeys secret rotate|status|retire-old [--force]</c>: rotating the server secret without breaking a key.</summary>
internal static class SecretCommands
{
    public static async Task<(Dictionary<string, object>?, string?)> RunAsync(string verb, bool force, IServiceProvider provider)
    {
        var rotation = ActivatorUtilities.CreateInstance<SecretRotation>(provider);
        var db = provider.GetRequiredService<OrgKeysDbContext>();
        switch (verb)
        {
            case "secret rotate":
                var (version, error) = await rotation.RotateAsync(db, CancellationToken.None);
                return error is not null ? (null, error)
                    : (new() { ["version"] = version, ["keysOnPreviousSecret"] = (await rotation.StatusAsync(db, CancellationToken.None)).OnOldSecret.Count }, null);
            case "secret retire-old":
                var (dropped, refusal) = await rotation.RetireOldAsync(db, force, CancellationToken.None);
                return refusal is not null ? (null, refusal) : (new() { ["retired"] = true, ["keysBroken"] = dropped.Count }, null);
            default:
                var status = await rotation.StatusAsync(db, CancellationToken.None);
                return (new()
                {
                    ["version"] = status.Version,
                    ["previousSecretKept"] = status.KeepsPrevious,
                    // After a forced retire these can never verify again; before it they move on their next use.
                    [status.KeepsPrevious ? "keysOnPreviousSecret" : "keysOnRetiredSecrets"] = status.OnOldSecret.Count,
                }, null);
        }
    }
}
