using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace McpStack.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UserKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
