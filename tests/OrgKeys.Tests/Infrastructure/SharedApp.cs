namespace OrgKeys.Tests.Infrastructure;

/// <summary>
/// One host for all the tests of a class (<c>IClassFixture&lt;SharedApp&gt;</c>): building a host
/// costs more than most tests. Each test starts with <see cref="OrgKeysApp.ResetAsync"/>, so it
/// still sees an empty database and forgets nothing it should not; a class whose tests need their
/// own settings, services or a host they can break keeps one host per test.
/// </summary>
public class SharedApp : ISharedHost, IAsyncLifetime
{
    public SharedApp()
        : this(new OrgKeysApp())
    {
    }

    /// <param name="app">A host with the class's own settings or services, not yet started.</param>
    protected SharedApp(OrgKeysApp app) => App = app;

    public OrgKeysApp App { get; }

    /// <summary>Starts the host once, before the first test.</summary>
    public Task InitializeAsync()
    {
        _ = App.Services;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>A host shared by the tests of a class (what a base class such as WhiteLabelFixture takes).</summary>
public interface ISharedHost
{
    OrgKeysApp App { get; }
}
