using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Cli;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.Users;

namespace OrgKeys.Tests.Cli;

/// <summary>The operator CLI finds users as the API does: a disabled user is nobody's admin.</summary>
public sealed class OperatorCommandTests : IAsyncDisposable
{
    private readonly OrgKeysApp _app = new();

    [Fact]
    public async Task OrganizationsCreate_DisabledAdmin_IsRefusedAndCreatesNothing()
    {
        await _app.CreateUserAsync("dora");
        Assert.True(await SetDisabledAsync("dora", disabled: true));

        Assert.Equal(1, await RunAsync("organizations", "create", "--name", "Dora's", "--admin", "dora"));
        Assert.Equal(0, await _app.WithDbAsync(db => db.Organizations.CountAsync()));

        // The same command for the same user, enabled again, goes through: the refusal was the disabling.
        Assert.True(await SetDisabledAsync("dora@example.com", disabled: false));
        Assert.Equal(0, await RunAsync("organizations", "create", "--name", "Dora's", "--admin", "dora"));
        Assert.Equal(1, await _app.WithDbAsync(db => db.Organizations.CountAsync(o => o.Members.Any(m => m.User.Username == "dora"))));
    }

    private async Task<bool> SetDisabledAsync(string user, bool disabled)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserService>().SetDisabledAsync(user, disabled, CancellationToken.None);
    }

    private async Task<int> RunAsync(params string[] args)
    {
        var (_, command, error) = OperatorCommand.Parse(args);
        Assert.Null(error);
        return await command!.RunAsync(_app.Services);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
