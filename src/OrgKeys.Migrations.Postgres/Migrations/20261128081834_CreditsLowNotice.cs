using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrgKeys.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class CreditsLowNotice : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "CreditsAllotment",
                table: "ApiKeys",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "CreditsLowNoticeFor",
                table: "ApiKeys",
                type: "timestamp with time zone",
                nullable: true);

            // Keys that had credits before: their balance now is the best allotment known.
            migrationBuilder.Sql("UPDATE \"ApiKeys\" SET \"CreditsAllotment\" = \"CreditsRemaining\" WHERE \"CreditsRemaining\" IS NOT NULL;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CreditsAllotment",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "CreditsLowNoticeFor",
                table: "ApiKeys");
        }
    }
}
