using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrgKeys.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class KeyExpiryEventsAndWebhookRetention : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ExpiredNoticeAt",
                table: "ApiKeys",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ExpiringNoticeAt",
                table: "ApiKeys",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ExpiringNoticeDays",
                table: "ApiKeyPolicies",
                type: "integer",
                nullable: false,
                defaultValue: 7);

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDeliveries_Created",
                table: "WebhookDeliveries",
                column: "Created");

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_ExpiresAt",
                table: "ApiKeys",
                column: "ExpiresAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WebhookDeliveries_Created",
                table: "WebhookDeliveries");

            migrationBuilder.DropIndex(
                name: "IX_ApiKeys_ExpiresAt",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "ExpiredNoticeAt",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "ExpiringNoticeAt",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "ExpiringNoticeDays",
                table: "ApiKeyPolicies");
        }
    }
}
