using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace McpStack.Data.Migrations.Postgres
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
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "TurnProgressAt",
                table: "conversations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "TurnStopRequestedAt",
                table: "conversations",
                type: "timestamp with time zone",
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
