using Microsoft.Extensions.Options;
using OpenIddict.Validation;
using OrgKeys.Data;

namespace OrgKeys.OAuth;

/// <summary>
/// After the migrations (registered after <see cref="StartupTasks"/>): loads the OAuth keys, then checks
/// the resolved validation options and stops the start if a revoked token could still be accepted.
/// </summary>
internal sealed class OAuthStartup(IServiceProvider services) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await using (var scope = services.CreateAsyncScope())
        {
            await services.GetRequiredService<OAuthKeyRing>().LoadAsync(scope.ServiceProvider.GetRequiredService<OrgKeysDbContext>(), cancellationToken);
        }

        OAuthServerSetup.EnsureRevocationIsChecked(services.GetRequiredService<IOptionsMonitor<OpenIddictValidationOptions>>().CurrentValue);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
