using OrgKeys;
using OrgKeys.Cli;
using OrgKeys.Console;
using OrgKeys.ForwardAuth;
using OrgKeys.Infrastructure;
using OrgKeys.KeyLimits;
using OrgKeys.OAuth;
using OrgKeys.Observability;
using OrgKeys.Secrets;
using OrgKeys.Throttling;

var (hostArgs, command, usageError) = OperatorCommand.Parse(args);
if (usageError is not null)
{
    await Console.Error.WriteLineAsync($"error: {usageError}{Environment.NewLine}{OperatorCommand.Usage}");
    return 2;
}

// appsettings.json ships beside the executable: read it from there whatever the working folder.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = hostArgs, ContentRootPath = AppContext.BaseDirectory });
if (command is not null)
{
    // Operator commands keep stdout for their result; diagnostics go to stderr.
    builder.Logging.ClearProviders().AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
}

builder.AddOrgKeys();
builder.AddOrgKeysMetrics();
var app = builder.Build();
if (command is not null)
{
    return await ServerSecretRefusedException.ExitOnRefusalAsync(() => command.RunAsync(app.Services));
}

app.UseSecurityHeaders();
app.UseOrgKeysMetrics();
app.UseTrustedProxies();
app.UseApiErrors();
app.UseConsoleErrors();
app.UseNulFreeQueryStrings();
app.UseCredentialFloodGuard();
app.UseForwardAuthFastPath();
app.UseOAuthServer();
app.UseCookieForgeryGuard();
app.UseAuthentication();
app.UseKeyGate();
app.UseAuthorization();

app.MapOrgKeysApi();
app.MapOAuth();
app.MapForwardAuth();
app.MapOrgKeysOpenApi();
app.MapConsole();

return await ServerSecretRefusedException.ExitOnRefusalAsync(async () =>
{
    await app.RunAsync();
    return 0;
});

public partial class Program;
