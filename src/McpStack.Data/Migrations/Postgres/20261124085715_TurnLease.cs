using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace McpStack.Data.Migrations.Postgres
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
                type: "timestamp with time zone",
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
