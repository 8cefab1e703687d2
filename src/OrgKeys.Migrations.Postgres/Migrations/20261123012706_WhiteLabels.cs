using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace OrgKeys.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class WhiteLabels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "WhiteLabelId",
                table: "Organizations",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "WhiteLabelId",
                table: "ApiKeys",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "WhiteLabels",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Domain = table.Column<string>(type: "character varying(253)", maxLength: 253, nullable: false),
                    AdminOrganizationId = table.Column<int>(type: "integer", nullable: false),
                    Created = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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

            migrationBuilder.AddForeignKey(
                name: "FK_ApiKeys_WhiteLabels_WhiteLabelId",
                table: "ApiKeys",
                column: "WhiteLabelId",
                principalTable: "WhiteLabels",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_Organizations_WhiteLabels_WhiteLabelId",
                table: "Organizations",
                column: "WhiteLabelId",
                principalTable: "WhiteLabels",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
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
