using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace OrgKeys.Data;

internal static class StorageExtensions
{
    /// <summary>
    /// SQLite in the data folder by default; PostgreSQL when <c>ConnectionStrings:OrgKeys</c> names a host.
    /// Each provider has its own migrations assembly.
    /// </summary>
    public static IServiceCollection AddOrgKeysStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var dataDirectory = new DataDirectory(configuration);
        services.AddSingleton(dataDirectory);
        var (provider, connectionString) = Resolve(configuration.GetConnectionString("OrgKeys"), dataDirectory);
        // Singletons (background writers, startup) take contexts from the factory; a request gets one
        // from the same pool as a scoped service, so OrgKeysDbContext is injected as before.
        var crashTestHook = CrashTestHook.FromEnvironment();
        services.AddPooledDbContextFactory<OrgKeysDbContext>(options =>
        {
            _ = provider switch
            {
                DatabaseProvider.Postgres => options.UseNpgsql(connectionString,
                    o => o.MigrationsAssembly(provider.MigrationsAssembly())),
                _ => options.UseSqlite(connectionString,
                    o => o.MigrationsAssembly(provider.MigrationsAssembly())),
            };
            if (crashTestHook is not null)
            {
                options.AddInterceptors(crashTestHook);
            }
        });
        services.AddScoped(provider => provider.GetRequiredService<IDbContextFactory<OrgKeysDbContext>>().CreateDbContext());
        return services;
    }

    internal static (DatabaseProvider, string) Resolve(string? configured, DataDirectory dataDirectory)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return (DatabaseProvider.Sqlite, $"Data Source={dataDirectory.File("orgkeys.db")}");
        }

        var builder = new DbConnectionStringBuilder { ConnectionString = configured };
        if (builder.ContainsKey("Host") || builder.ContainsKey("Server"))
        {
            return (DatabaseProvider.Postgres, configured);
        }

        if (builder.ContainsKey("Data Source") || builder.ContainsKey("DataSource") || builder.ContainsKey("Filename"))
        {
            return (DatabaseProvider.Sqlite, configured);
        }

        throw new InvalidOperationException(
            "ConnectionStrings:OrgKeys must be a PostgreSQL (Host=…) or SQLite (Data Source=…) connection string.");
    }
}
