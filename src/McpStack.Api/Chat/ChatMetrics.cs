using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace McpStack.Api.Chat;

/// <summary>How chat turns end and how long they take: a team's first chart of the assistant.</summary>
public sealed class ChatMetrics
{
    private readonly Counter<long> _turns;
    private readonly Histogram<double> _duration;

    public ChatMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(McpStack.Hosting.Telemetry.App);
        _turns = meter.CreateCounter<long>("mcpstack.chat.turns", "{turn}", "Chat turns, by how they ended.");
        _duration = meter.CreateHistogram<double>("mcpstack.chat.turn.duration", "s", "How long a chat turn took, from the request to its stored answer.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] });
    }

    /// <param name="outcome"><see cref="TurnOutcome"/>'s values.</param>
    /// <param name="usesModel">False when slash commands answered (no model configured).</param>
    public void TurnEnded(string outcome, bool usesModel, TimeSpan duration)
    {
        var tags = new TagList { { "mcpstack.chat.outcome", outcome }, { "mcpstack.chat.answered_by", usesModel ? "model" : "slash_commands" } };
        _turns.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
    }
}

/// <summary>How a turn ended, as the metrics name it.</summary>
public static class TurnOutcome
{
    public const string Answered = "answered";
    /// <summary>The client went away mid-answer: the user pressed Stop, or the connection dropped.</summary>
    public const string Stopped = "stopped";
    public const string TimedOut = "timed_out";
    public const string Failed = "failed";
}
