using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace McpStack.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TurnProgress : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "TurnProgress",
                table: "conversations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TurnProgressAt",
                table: "conversations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TurnStopRequestedAt",
                table: "conversations",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "TurnProgress",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "TurnProgressAt",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "TurnStopRequestedAt",
                table: "conversations");
        }
    }
}
