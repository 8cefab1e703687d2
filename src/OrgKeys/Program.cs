using OrgKeys;
using OrgKeys.ApiKeys;
using OrgKeys.Audit;
using OrgKeys.Cli;
using OrgKeys.ForwardAuth;
using OrgKeys.Health;
using OrgKeys.Infrastructure;
using OrgKeys.Members;
using OrgKeys.OAuth;
using OrgKeys.Observability;
using OrgKeys.Organizations;
using OrgKeys.Throttling;
using OrgKeys.Users;
using OrgKeys.WhiteLabels;

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
    return await command.RunAsync(app.Services);
}

app.UseSecurityHeaders();
app.UseOrgKeysMetrics();
app.UseApiErrors();
app.UseNulFreeQueryStrings();
app.UseCredentialFloodGuard();
app.UseForwardAuthFastPath();
app.UseOAuthServer();
app.UseAuthentication();
app.UseAuthorization();

app.MapHealth();
app.MapLogin();
app.MapUsers();
app.MapOrganizations();
app.MapMembers();
app.MapApiKeys();
app.MapWhiteLabels();
app.MapAudit();
app.MapOAuth();
app.MapForwardAuth();
app.MapOrgKeysOpenApi();

await app.RunAsync();
return 0;

public partial class Program;
