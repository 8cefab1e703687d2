namespace OrgKeys.Secrets;

/// <summary>
/// The database refuses this node's server secret: another one, or one rotated out. The operator
/// must fix the configuration, so the process says why in one line and exits (never serves).
/// </summary>
public sealed class ServerSecretRefusedException(string message) : InvalidOperationException(message)
{
    /// <summary>Runs the server or an operator command; a refused secret is exit code 1 and one line on stderr, not a crash.</summary>
    public static async Task<int> ExitOnRefusalAsync(Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (Exception e) when (e.GetBaseException() is ServerSecretRefusedException refused)
        {
            await System.Console.Error.WriteLineAsync($"error: {refused.Message}");
            return 1;
        }
    }
}
