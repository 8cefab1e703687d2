using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrgKeys.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class WhiteLabels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "WhiteLabels",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Domain = table.Column<string>(type: "TEXT", maxLength: 253, nullable: false),
                    AdminOrganizationId = table.Column<int>(type: "INTEGER", nullable: false),
                    Created = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WhiteLabels", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WhiteLabels_Organizations_AdminOrganizationId",
                        column: x => x.AdminOrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            // Each new column carries its foreign key (SQLite allows REFERENCES on ADD COLUMN when the
            // default is NULL). EF's AddForeignKey would rebuild both tables outside the migration's
            // transaction, so a crash there left a half-applied schema; this stays in one transaction.
            // Same columns, keys and indexes as the rebuild made (tests/migration-crash/run.sh).
            migrationBuilder.Sql("""
                ALTER TABLE "Organizations" ADD COLUMN "WhiteLabelId" INTEGER NULL
                    CONSTRAINT "FK_Organizations_WhiteLabels_WhiteLabelId" REFERENCES "WhiteLabels" ("Id") ON DELETE RESTRICT;
                """);
            migrationBuilder.Sql("""
                ALTER TABLE "ApiKeys" ADD COLUMN "WhiteLabelId" INTEGER NULL
                    CONSTRAINT "FK_ApiKeys_WhiteLabels_WhiteLabelId" REFERENCES "WhiteLabels" ("Id") ON DELETE RESTRICT;
                """);

            migrationBuilder.CreateIndex(
                name: "IX_Organizations_WhiteLabelId",
                table: "Organizations",
                column: "WhiteLabelId");

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_WhiteLabelId",
                table: "ApiKeys",
                column: "WhiteLabelId");

            migrationBuilder.CreateIndex(
                name: "IX_WhiteLabels_AdminOrganizationId",
                table: "WhiteLabels",
                column: "AdminOrganizationId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WhiteLabels_Domain",
                table: "WhiteLabels",
                column: "Domain",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_ApiKeys_WhiteLabels_WhiteLabelId",
                table: "ApiKeys");

            migrationBuilder.DropForeignKey(
                name: "FK_Organizations_WhiteLabels_WhiteLabelId",
                table: "Organizations");

            migrationBuilder.DropTable(
                name: "WhiteLabels");

            migrationBuilder.DropIndex(
                name: "IX_Organizations_WhiteLabelId",
                table: "Organizations");

            migrationBuilder.DropIndex(
                name: "IX_ApiKeys_WhiteLabelId",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "WhiteLabelId",
                table: "Organizations");

            migrationBuilder.DropColumn(
                name: "WhiteLabelId",
                table: "ApiKeys");
        }
    }
}
