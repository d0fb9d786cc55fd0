using McpStack.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace McpStack.Data.Widgets;

/// <summary>
/// The widget rules, shared by the REST API and the MCP tools. The user is never a parameter: AppDbContext scopes
/// every query and write to the current user, so another user's widget is reported exactly like a missing one.
/// </summary>
public sealed class WidgetService(AppDbContext db) : IDataService
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public async Task<WidgetPage> ListAsync(int? limit, int? offset, CancellationToken cancellationToken = default)
    {
        var take = limit ?? DefaultPageSize;
        var skip = offset ?? 0;
        var errors = new Dictionary<string, string[]>();
        if (take is < 1 or > MaxPageSize) errors["limit"] = [$"limit must be between 1 and {MaxPageSize}."];
        if (skip < 0) errors["offset"] = ["offset must be 0 or more."];
        if (errors.Count > 0) throw new InputValidationException(errors);

        var query = db.Set<Widget>().AsNoTracking();
        var items = await query.OrderBy(w => w.CreatedAt).ThenBy(w => w.Id).Skip(skip).Take(take).ToListAsync(cancellationToken);
        var total = skip == 0 && items.Count < take ? items.Count : await query.CountAsync(cancellationToken);
        return new WidgetPage([.. items.Select(WidgetDto.From)], total, take, skip, skip + items.Count < total);
    }

    public async Task<WidgetDto> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        WidgetDto.From(await db.Set<Widget>().AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, cancellationToken) ?? throw new NotFoundException("widget", id));

    public async Task<WidgetDto> AddAsync(string? name, string? notes, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        var validName = ValidateName(name, required: true, errors);
        var validNotes = ValidateNotes(notes, errors);
        if (errors.Count > 0) throw new InputValidationException(errors);

        var widget = new Widget { Name = validName!, Notes = validNotes ?? "" };
        db.Add(widget);
        await db.SaveChangesAsync(cancellationToken);
        return WidgetDto.From(widget);
    }

    /// <summary>Changes the given fields; with <paramref name="expectedVersion"/>, refuses if the widget changed since.</summary>
    public async Task<WidgetDto> UpdateAsync(Guid id, string? name, string? notes, int? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        var validName = ValidateName(name, required: false, errors);
        var validNotes = ValidateNotes(notes, errors);
        if (errors.Count > 0) throw new InputValidationException(errors);

        var widget = await db.Set<Widget>().FirstOrDefaultAsync(w => w.Id == id, cancellationToken) ?? throw new NotFoundException("widget", id);
        if (expectedVersion is { } expected && expected != widget.Version) throw new ConcurrencyConflictException("widget", expected, widget.Version);
        if (validName is not null) widget.Name = validName;
        if (validNotes is not null) widget.Notes = validNotes;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConcurrencyConflictException("widget", expectedVersion ?? widget.Version - 1, widget.Version);
        }
        return WidgetDto.From(widget);
    }

    public async Task<WidgetDto> DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var widget = await db.Set<Widget>().FirstOrDefaultAsync(w => w.Id == id, cancellationToken) ?? throw new NotFoundException("widget", id);
        db.Remove(widget);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new NotFoundException("widget", id);
        }
        return WidgetDto.From(widget);
    }

    private static string? ValidateName(string? name, bool required, Dictionary<string, string[]> errors)
    {
        if (name is null)
        {
            if (required) errors["name"] = ["A name is required."];
            return null;
        }
        var trimmed = name.Trim();
        if (trimmed.Length == 0) errors["name"] = ["The name cannot be empty."];
        else if (trimmed.Length > Widget.NameMaxLength) errors["name"] = [$"The name is {trimmed.Length} characters long; the limit is {Widget.NameMaxLength}."];
        else if (trimmed.Any(char.IsControl)) errors["name"] = ["The name cannot contain control characters such as line breaks."];
        return trimmed;
    }

    private static string? ValidateNotes(string? notes, Dictionary<string, string[]> errors)
    {
        if (notes is null) return null;
        var trimmed = notes.Trim();
        if (trimmed.Length > Widget.NotesMaxLength) errors["notes"] = [$"The notes are {trimmed.Length} characters long; the limit is {Widget.NotesMaxLength}."];
        return trimmed;
    }
}

/// <summary>How widgets are stored; AppDbContext adds the owner, the filter to the current user and UUID v7 ids.</summary>
public sealed class WidgetConfiguration : IEntityTypeConfiguration<Widget>
{
    public void Configure(EntityTypeBuilder<Widget> builder)
    {
        builder.ToTable("widgets");
        builder.HasKey(w => w.Id);
        builder.Property(w => w.Name).HasMaxLength(Widget.NameMaxLength).IsRequired();
        builder.Property(w => w.Notes).HasMaxLength(Widget.NotesMaxLength).IsRequired();
        builder.Property(w => w.Version).IsConcurrencyToken();
        builder.HasIndex(w => new { w.UserId, w.CreatedAt });
    }
}

public sealed record WidgetDto(Guid Id, string Name, string Notes, DateTime CreatedAt, DateTime UpdatedAt, int Version)
{
    public static WidgetDto From(Widget widget) =>
        new(widget.Id, widget.Name, widget.Notes, DateTime.SpecifyKind(widget.CreatedAt, DateTimeKind.Utc), DateTime.SpecifyKind(widget.UpdatedAt, DateTimeKind.Utc), widget.Version);
}

public sealed record WidgetPage(IReadOnlyList<WidgetDto> Items, int Total, int Limit, int Offset, bool HasMore);
