using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrgKeys.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class KeyLifecycle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AllowedIps",
                table: "ApiKeys",
                type: "character varying(8192)",
                maxLength: 8192,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "CreditsRefillAmount",
                table: "ApiKeys",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CreditsRefillDay",
                table: "ApiKeys",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CreditsRefillInterval",
                table: "ApiKeys",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "CreditsRefilledAt",
                table: "ApiKeys",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "CreditsRemaining",
                table: "ApiKeys",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PendingGraceSeconds",
                table: "ApiKeys",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "RateLimitedNoticeAt",
                table: "ApiKeys",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RateLimits",
                table: "ApiKeys",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RolledFromId",
                table: "ApiKeys",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RolledToId",
                table: "ApiKeys",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AllowedRoles",
                table: "ApiKeyPolicies",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DefaultAllowedIps",
                table: "ApiKeyPolicies",
                type: "character varying(8192)",
                maxLength: 8192,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DefaultRateLimits",
                table: "ApiKeyPolicies",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "MaxTtlSeconds",
                table: "ApiKeyPolicies",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RequireExpiry",
                table: "ApiKeyPolicies",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "RateLimitWindows",
                columns: table => new
                {
                    ApiKeyId = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    WindowStart = table.Column<long>(type: "bigint", nullable: false),
                    Reserved = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RateLimitWindows", x => new { x.ApiKeyId, x.Name, x.WindowStart });
                    table.ForeignKey(
                        name: "FK_RateLimitWindows_ApiKeys_ApiKeyId",
                        column: x => x.ApiKeyId,
                        principalTable: "ApiKeys",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RateLimitWindows_WindowStart",
                table: "RateLimitWindows",
                column: "WindowStart");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RateLimitWindows");

            migrationBuilder.DropColumn(
                name: "AllowedIps",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "CreditsRefillAmount",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "CreditsRefillDay",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "CreditsRefillInterval",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "CreditsRefilledAt",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "CreditsRemaining",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "PendingGraceSeconds",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "RateLimitedNoticeAt",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "RateLimits",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "RolledFromId",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "RolledToId",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "AllowedRoles",
                table: "ApiKeyPolicies");

            migrationBuilder.DropColumn(
                name: "DefaultAllowedIps",
                table: "ApiKeyPolicies");

            migrationBuilder.DropColumn(
                name: "DefaultRateLimits",
                table: "ApiKeyPolicies");

            migrationBuilder.DropColumn(
                name: "MaxTtlSeconds",
                table: "ApiKeyPolicies");

            migrationBuilder.DropColumn(
                name: "RequireExpiry",
                table: "ApiKeyPolicies");
        }
    }
}
