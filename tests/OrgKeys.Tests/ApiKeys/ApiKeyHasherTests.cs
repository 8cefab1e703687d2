using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.ApiKeys;
using OrgKeys.Secrets;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.ApiKeys;

/// <summary>The hasher reuses one HMAC context per thread: it must still give every caller the HMAC of its own key.</summary>
public class ApiKeyHasherTests : IAsyncLifetime
{
    private readonly OrgKeysApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ManyThreadsAtOnce_EachGetTheHmacOfTheirOwnKey()
    {
        var hasher = _app.Services.GetRequiredService<ApiKeyHasher>();
        var pepper = _app.Services.GetRequiredService<ServerSecret>().ApiKeyPepper;
        var keys = Enumerable.Range(0, 64).Select(_ => ApiKeyFormat.Generate()).ToArray();
        var expected = keys.Select(k => HMACSHA256.HashData(pepper, Encoding.ASCII.GetBytes(k))).ToArray();

        await Parallel.ForAsync(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, (i, _) =>
        {
            var which = i % keys.Length;
            Assert.Equal(expected[which], hasher.Hash(keys[which]));
            return ValueTask.CompletedTask;
        });
    }
}
