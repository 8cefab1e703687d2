using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Storage;

/// <summary>The data-protection key ring is in the database, sealed under the server secret.</summary>
public class KeyRingTests : IAsyncLifetime
{
    private readonly OrgKeysApp _app = new();

    public Task InitializeAsync()
    {
        _ = _app.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task KeyRing_IsStoredSealed_AndStillUnprotects()
    {
        var protector = _app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        var payload = protector.Protect("hello");

        var rows = await _app.WithDbAsync(db => db.DataProtectionKeys.Select(k => k.Xml).ToListAsync());
        var xml = Assert.Single(rows)!;
        Assert.Contains("<sealedKey", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);

        // A fresh key manager reads the ring back from the database and decrypts it.
        var keys = _app.Services.GetRequiredService<IKeyManager>().GetAllKeys();
        Assert.NotNull(Assert.Single(keys).Descriptor);
        Assert.Equal("hello", protector.Unprotect(payload));
    }
}
