using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace McpStack.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TurnLease : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "TurnLeaseUntil",
                table: "conversations",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "TurnLeaseUntil",
                table: "conversations");
        }
    }
}
