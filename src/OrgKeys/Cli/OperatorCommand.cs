using System.Globalization;
using System.Text.Json;
using OrgKeys.Backup;
using OrgKeys.Data;
using OrgKeys.Organizations;
using OrgKeys.Users;
using OrgKeys.WhiteLabels;

namespace OrgKeys.Cli;

/// <summary>
/// The operator CLI, in the same executable and configuration as the service:
/// <c>OrgKeys [serve] [--urls …]</c>, <c>OrgKeys migrate</c>, <c>OrgKeys users create …</c>,
/// <c>OrgKeys organizations create …</c>, <c>OrgKeys whitelabels create|list …</c>, <c>OrgKeys secret rotate|status|retire-old</c>. With <c>--json</c> the last line of stdout is one JSON object;
/// on error the exit code is non-zero and stderr has one line.
/// </summary>
public sealed record OperatorCommand(string Verb, IReadOnlyDictionary<string, string> Options, bool Json)
{
    private static readonly Dictionary<string, string[]> Verbs = new()
    {
        ["migrate"] = [],
        ["users create"] = ["username", "email", "name", "password"],
        ["users disable"] = ["username"],
        ["users enable"] = ["username"],
        ["organizations create"] = ["name", "admin"],
        ["whitelabels create"] = ["name", "domain", "admin-organization"],
        ["whitelabels list"] = [],
        ["backup"] = ["output"],
        ["restore"] = ["input"],
        ["oauth rotate-keys"] = [],
        ["secret rotate"] = [],
        ["secret status"] = [],
        ["secret retire-old"] = [],
    };

    /// <summary>Options without a value, besides <c>--json</c>.</summary>
    private static readonly Dictionary<string, string[]> Flags = new()
    {
        ["secret retire-old"] = ["force"],
    };

    public const string Usage = """
        usage: OrgKeys [serve] [--urls URLS]
               OrgKeys migrate
               OrgKeys users create --username U --email E --name N --password P [--json]
               OrgKeys users disable|enable --username USERNAME_OR_EMAIL [--json]
               OrgKeys organizations create --name N --admin USERNAME_OR_EMAIL [--json]
               OrgKeys whitelabels create --name N --domain D --admin-organization ID [--json]
               OrgKeys whitelabels list [--json]
               OrgKeys backup --output FILE [--json]       (SQLite; while the server runs)
               OrgKeys restore --input FILE [--json]       (SQLite; into an empty data folder)
               OrgKeys oauth rotate-keys [--json]
               OrgKeys secret rotate|status [--json]          (README: rotating the server secret)
               OrgKeys secret retire-old [--force] [--json]
        """;

    /// <summary>Splits the arguments into the host's (for <c>serve</c>) and an operator command, or an error.</summary>
    public static (string[] HostArgs, OperatorCommand? Command, string? Error) Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            return (args, null, null);
        }

        if (args[0] == "serve")
        {
            return (args[1..], null, null);
        }

        var verb = Verbs.Keys.FirstOrDefault(v => args.Take(v.Split(' ').Length).SequenceEqual(v.Split(' ')));
        if (verb is null)
        {
            return ([], null, $"unknown command '{string.Join(' ', args.Take(2))}'");
        }

        var options = new Dictionary<string, string>();
        var json = false;
        var rest = args[verb.Split(' ').Length..];
        for (var i = 0; i < rest.Length; i++)
        {
            var name = rest[i].StartsWith("--", StringComparison.Ordinal) ? rest[i][2..] : null;
            if (name == "json")
            {
                json = true;
            }
            else if (name is not null && Flags.TryGetValue(verb, out var flags) && flags.Contains(name))
            {
                options[name] = "true";
            }
            else if (name is not null && Verbs[verb].Contains(name) && i + 1 < rest.Length)
            {
                options[name] = rest[++i];
            }
            else
            {
                return ([], null, $"unexpected argument '{rest[i]}' for '{verb}'");
            }
        }

        var missing = Verbs[verb].Where(o => !options.ContainsKey(o)).ToList();
        return missing.Count > 0
            ? ([], null, $"'{verb}' needs --{string.Join(", --", missing)}")
            : ([], new OperatorCommand(verb, options, json), null);
    }

    public async Task<int> RunAsync(IServiceProvider services)
    {
        // A restore must find no database, and a backup must not create one: neither runs the startup tasks.
        if (Verb is not ("backup" or "restore"))
        {
            await services.GetRequiredService<StartupTasks>().InitializeAsync();
        }

        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        var (result, error) = Verb switch
        {
            "migrate" => (new Dictionary<string, object> { ["migrated"] = true }, null),
            "users create" => await CreateUserAsync(provider.GetRequiredService<UserService>()),
            "users disable" => await SetDisabledAsync(provider.GetRequiredService<UserService>(), disabled: true),
            "users enable" => await SetDisabledAsync(provider.GetRequiredService<UserService>(), disabled: false),
            "organizations create" => await CreateOrganizationAsync(provider),
            "whitelabels create" => await CreateWhiteLabelAsync(provider.GetRequiredService<WhiteLabelService>()),
            "whitelabels list" => await ListWhiteLabelsAsync(provider.GetRequiredService<WhiteLabelService>()),
            "backup" => await provider.GetRequiredService<SqliteBackup>().CreateAsync(Options["output"], CancellationToken.None),
            "restore" => await provider.GetRequiredService<SqliteRestore>().RestoreAsync(Options["input"], CancellationToken.None),
            "oauth rotate-keys" => await OAuth.RotateKeysCommand.RunAsync(provider),
            "secret rotate" or "secret status" or "secret retire-old" => await SecretCommands.RunAsync(Verb, Options.ContainsKey("force"), provider),
            _ => (null, $"unknown command '{Verb}'"),
        };
        if (error is not null)
        {
            await System.Console.Error.WriteLineAsync($"error: {error}");
            return 1;
        }

        await System.Console.Out.WriteLineAsync(Json
            ? JsonSerializer.Serialize(result, JsonOptions)
            : string.Join(", ", result!.Select(p => $"{p.Key}: {(p.Value is IEnumerable<object> list ? string.Join(Environment.NewLine, list.Prepend("")) : p.Value)}")));
        return 0;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private async Task<(Dictionary<string, object>?, string?)> CreateUserAsync(UserService users)
    {
        var created = await users.CreateAsync(Options["username"], Options["email"], Options["name"], Options["password"], CancellationToken.None);
        return created.Error is null ? (new() { ["id"] = created.Id }, null) : (null, created.Error);
    }

    /// <summary>Disabling ends the user's sessions at once; enabling lets them log in again.</summary>
    private async Task<(Dictionary<string, object>?, string?)> SetDisabledAsync(UserService users, bool disabled) =>
        await users.SetDisabledAsync(Options["username"], disabled, CancellationToken.None)
            ? (new() { ["disabled"] = disabled }, null)
            : (null, $"no user '{Options["username"]}'");

    private async Task<(Dictionary<string, object>?, string?)> CreateOrganizationAsync(IServiceProvider provider)
    {
        if (OrganizationService.ValidateName(Options["name"]) is { } invalid)
        {
            return (null, invalid.Replace("'organizationName'", "--name", StringComparison.Ordinal));
        }

        // Found as the API finds users: a disabled one cannot administer a new organization.
        var adminId = await provider.GetRequiredService<ActiveUsers>().ByUsernameOrEmailAsync(Options["admin"], CancellationToken.None);
        if (adminId is null)
        {
            return (null, $"no user '{Options["admin"]}'");
        }

        var (id, apiKey) = await provider.GetRequiredService<OrganizationService>().CreateAsync(Options["name"], adminId.Value, CancellationToken.None);
        return (new() { ["id"] = id, ["apiKey"] = apiKey }, null);
    }

    private async Task<(Dictionary<string, object>?, string?)> CreateWhiteLabelAsync(WhiteLabelService whiteLabels)
    {
        if (!int.TryParse(Options["admin-organization"], NumberStyles.None, CultureInfo.InvariantCulture, out var adminOrganizationId))
        {
            return (null, "--admin-organization must be an organization id");
        }

        var (id, error) = await whiteLabels.CreateAsync(Options["name"], Options["domain"], adminOrganizationId, CancellationToken.None);
        return error is null ? (new() { ["id"] = id }, null) : (null, error);
    }

    private static async Task<(Dictionary<string, object>?, string?)> ListWhiteLabelsAsync(WhiteLabelService whiteLabels)
    {
        var all = await whiteLabels.ListAsync(CancellationToken.None);
        return (new() { ["whitelabels"] = all }, null);
    }
}
