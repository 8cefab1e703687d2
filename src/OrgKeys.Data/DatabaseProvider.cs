using Microsoft.EntityFrameworkCore;

namespace OrgKeys.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public static class DatabaseProviderExtensions
{
    public static string MigrationsAssembly(this DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Postgres => "OrgKeys.Migrations.Postgres",
        _ => "OrgKeys.Migrations.Sqlite",
    };

    public static DatabaseProvider Provider(this DbContext db) =>
        db.Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL" ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
}
