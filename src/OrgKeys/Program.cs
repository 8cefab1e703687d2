using OrgKeys;
using OrgKeys.ApiKeys;
using OrgKeys.Cli;
using OrgKeys.Health;
using OrgKeys.Infrastructure;
using OrgKeys.Members;
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

var builder = WebApplication.CreateBuilder(hostArgs);
if (command is not null)
{
    // Operator commands keep stdout for their result; diagnostics go to stderr.
    builder.Logging.ClearProviders().AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
}

builder.AddOrgKeys();
var app = builder.Build();
if (command is not null)
{
    return await command.RunAsync(app.Services);
}

app.UseSecurityHeaders();
app.UseApiErrors();
app.UseNulFreeQueryStrings();
app.UseCredentialFloodGuard();
app.UseAuthentication();
app.UseAuthorization();

app.MapHealth();
app.MapLogin();
app.MapUsers();
app.MapOrganizations();
app.MapMembers();
app.MapApiKeys();
app.MapWhiteLabels();
app.MapOrgKeysOpenApi();

await app.RunAsync();
return 0;

public partial class Program;
