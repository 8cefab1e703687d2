using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using OrgKeys.Data;

#nullable disable

namespace OrgKeys.Migrations.Sqlite.Migrations
{
    /// <summary>
    /// SQLite only: the auth changes every process on this file appends (what PostgreSQL sends by
    /// NOTIFY), so a running server sees a CLI's <c>users disable</c> within a poll. Not an entity:
    /// written and read with SQL by the change log, so the model (and PostgreSQL) are unchanged.
    /// </summary>
    [DbContext(typeof(OrgKeysDbContext))]
    [Migration("20261127160000_AuthChangeLog")]
    public partial class AuthChangeLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE "AuthChanges" (
                    "Id" INTEGER NOT NULL CONSTRAINT "PK_AuthChanges" PRIMARY KEY AUTOINCREMENT,
                    "Origin" TEXT NOT NULL,
                    "Change" TEXT NOT NULL,
                    "Created" TEXT NOT NULL
                );
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TABLE "AuthChanges";""");
        }
    }
}
