using System.Data.Common;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OrgKeys.Authentication;
using OrgKeys.Data;
using OrgKeys.Users;

namespace OrgKeys.Tests.Infrastructure;

/// <summary>
/// The whole service in memory, on a fresh database of its own: SQLite in a temp folder, or a
/// database of the throwaway PostgreSQL cluster when <c>ORGKEYS_TEST_POSTGRES</c> is set. Time is a
/// <see cref="FakeTimeProvider"/> so expiry is tested without sleeping. Passwords are hashed with one
/// PBKDF2 iteration (still a real hash in the real format) unless <see cref="RealPasswordHashing"/> is set.
/// </summary>
public sealed partial class OrgKeysApp : WebApplicationFactory<Program>
{
    public const string Password = "correct horse battery staple";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "orgkeys-tests", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private string? _postgresDatabase;

    /// <param name="settings">Configuration over the defaults.</param>
    /// <param name="services">Last changes to the service's services (a log capture, a cheaper password hasher).</param>
    public OrgKeysApp(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        _settings = settings ?? [];
        _services = services;
    }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>
    /// The service's own PBKDF2 cost, for the tests about passwords, sign-in and throttling; every
    /// other test hashes with one iteration so creating and signing in users costs next to nothing.
    /// </summary>
    public bool RealPasswordHashing { get; init; }

    /// <summary>Counts the SQL commands the service sends, to prove a path never reaches the database.</summary>
    public CommandCounter Commands { get; } = new();

    /// <summary>
    /// Moves the clock on to the next whole second and returns it, so a time the service stores and
    /// reads back (PostgreSQL keeps microseconds) compares exactly.
    /// </summary>
    public DateTime AdvanceToWholeSecond()
    {
        var now = Time.GetUtcNow();
        Time.SetUtcNow(new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero).AddSeconds(1));
        return Time.GetUtcNow().UtcDateTime;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("OrgKeys:DataDirectory", _dataDirectory);
        if (TestPostgres.Enabled)
        {
            var (name, connectionString) = TestPostgres.CreateDatabaseAsync().GetAwaiter().GetResult();
            _postgresDatabase = name;
            builder.UseSetting("ConnectionStrings:OrgKeys", connectionString);
        }
        else if (!_settings.ContainsKey("ConnectionStrings:OrgKeys"))
        {
            TestSqlite.CopyTemplateToAsync(_dataDirectory).GetAwaiter().GetResult();
        }

        // Tests that deliver webhooks run the worker's rounds themselves, or turn it on.
        builder.UseSetting("OrgKeys:Webhooks:DeliveryEnabled", "false");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.ConfigureDbContext<OrgKeysDbContext>(o => o.AddInterceptors(Commands));
            if (!RealPasswordHashing)
            {
                services.Configure<PasswordHasherOptions>(o => o.IterationCount = 1);
            }

            _services?.Invoke(services);
        });
    }

    public async Task<int> CreateUserAsync(string username, string? email = null, string password = Password)
    {
        await using var scope = Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<UserService>()
            .CreateAsync(username, email ?? $"{username}@example.com", username, password, CancellationToken.None);
        return result.Error is null ? result.Id : throw new InvalidOperationException(result.Error);
    }

    public async Task<string> LoginAsync(string username, string password = Password)
    {
        using var client = CreateClient();
        var response = await client.PostAsJsonAsync("/v1/api-login", new { username, password });
        response.EnsureSuccessStatusCode();
        return (await response.ReadJsonAsync()).GetProperty("token").GetString()!;
    }

    /// <summary>
    /// A session JWT for <paramref name="userId"/> at their current session version, issued the way
    /// <c>/v1/api-login</c> issues it but without the request: for tests that are not about sign-in.
    /// </summary>
    public async Task<string> IssueSessionTokenAsync(int userId)
    {
        var version = await WithDbAsync(db => db.Users.Where(u => u.Id == userId).Select(u => u.SessionVersion).SingleAsync());
        return Services.GetRequiredService<SessionTokens>().Issue(userId, version);
    }

    /// <summary>A new user, signed in: a client that sends their JWT in <c>x-jwt-token</c>.</summary>
    public async Task<(int Id, HttpClient Client)> SignedInUserAsync(string username)
    {
        var id = await CreateUserAsync(username);
        return (id, ClientWithJwt(await IssueSessionTokenAsync(id)));
    }

    public HttpClient ClientWithJwt(string token) => ClientWith("x-jwt-token", token);

    public HttpClient ClientWithKey(string apiKey) => ClientWith("x-api-key", apiKey);

    /// <summary>A client that sends <paramref name="token"/> as the <c>jwt</c> cookie, as a browser would.</summary>
    public HttpClient ClientWithJwtCookie(string token) => ClientWith("Cookie", $"jwt={token}");

    public HttpClient ClientWith(string header, string value)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation(header, value);
        return client;
    }

    /// <summary>Creates an organization as <paramref name="admin"/>: its id and its first admin key.</summary>
    public static async Task<(int Id, string AdminKey)> CreateOrganizationAsync(HttpClient admin, string name = "Acme")
    {
        var response = await admin.PostAsJsonAsync("/v1/api/organizations/create", new { organizationName = name });
        response.EnsureSuccessStatusCode();
        var body = await response.ReadJsonAsync();
        return (body.GetProperty("id").GetInt32(), body.GetProperty("apiKey").GetString()!);
    }

    /// <summary>Mints a key in <paramref name="org"/> through the API: its id and its secret.</summary>
    public static async Task<(int Id, string Key)> CreateKeyAsync(
        HttpClient client, int org, string role = "member", long? ttl = null, string? apiKey = null, string name = "key")
    {
        var response = await client.PostAsJsonAsync($"/v1/api/organizations/{org}/apikeys", new { name, role, ttl, apiKey });
        response.EnsureSuccessStatusCode();
        var body = await response.ReadJsonAsync();
        return (body.GetProperty("id").GetInt32(), body.GetProperty("apiKey").GetString()!);
    }

    public static Task<HttpResponseMessage> AddMemberAsync(HttpClient admin, int org, string usernameOrEmail, string role) =>
        admin.PostAsJsonAsync($"/v1/api/organizations/{org}/members/add", new { usernameOrEmail, role, datasets = Array.Empty<int>() });

    /// <summary>
    /// Adds <paramref name="usernameOrEmail"/> as <paramref name="role"/> and accepts the invitation as
    /// that user, as members join: the add's answer when it failed, else the accept's.
    /// </summary>
    public async Task<HttpResponseMessage> JoinAsync(HttpClient admin, int org, string usernameOrEmail, string role)
    {
        var added = await AddMemberAsync(admin, org, usernameOrEmail, role);
        var normalized = OrgKeys.Users.UserService.Normalize(usernameOrEmail);
        var userId = await WithDbAsync(db => db.Users.Where(u => u.NormalizedUsername == normalized || u.NormalizedEmail == normalized)
            .Select(u => (int?)u.Id).FirstOrDefaultAsync());
        if (!added.IsSuccessStatusCode || userId is null)
        {
            return added;
        }

        using var invitee = ClientWithJwt(await IssueSessionTokenAsync(userId.Value));
        return await invitee.PostAsync($"/v1/api/user/invitations/{org}/accept", null);
    }

    public async Task<T> WithDbAsync<T>(Func<OrgKeysDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<OrgKeysDbContext>());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_postgresDatabase is not null)
        {
            await TestPostgres.DropDatabaseAsync(_postgresDatabase);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temp folder is cleaned by the OS.
        }
    }
}

/// <summary>Every command EF Core sends (queries, updates, scalars), sync or async.</summary>
public sealed class CommandCounter : DbCommandInterceptor
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public override InterceptionResult<DbDataReader> ReaderExecuting(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Interlocked.Increment(ref _count);
        return base.ReaderExecuting(command, eventData, result);
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _count);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override InterceptionResult<int> NonQueryExecuting(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Interlocked.Increment(ref _count);
        return base.NonQueryExecuting(command, eventData, result);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _count);
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override InterceptionResult<object> ScalarExecuting(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Interlocked.Increment(ref _count);
        return base.ScalarExecuting(command, eventData, result);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _count);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }
}

public static class HttpExtensions
{
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The contract's error shape, and its message.</summary>
    public static async Task<string> ReadErrorAsync(this HttpResponseMessage response)
    {
        var body = await response.ReadJsonAsync();
        Assert.False(body.GetProperty("success").GetBoolean());
        return body.GetProperty("error").GetString()!;
    }
}
