using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrgKeys.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class SecretRotation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "SecretVersion",
                table: "ApiKeys",
                type: "integer",
                nullable: false,
                // Every key stored before rotation existed was hashed under the first secret.
                defaultValue: 1);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SecretVersion",
                table: "ApiKeys");
        }
    }
}
