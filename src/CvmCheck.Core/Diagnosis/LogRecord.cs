namespace CvmCheck.Core.Diagnosis;

/// <summary>One logical kernel-log record: a line plus its indented continuation lines, with the message
/// text signatures match against and the raw text shown as evidence. <see cref="Raw"/> may point into the
/// scanner's reusable block buffer: it is valid only during the call that receives the record, so
/// <see cref="Text"/> (a copy) is what anything kept must use — evidence is copied only for the few
/// records that become evidence, not for every record.</summary>
public readonly record struct LogRecord(string Artifact, int Line, string Message, double? Seconds, ReadOnlyMemory<char> Raw)
{
    public string Text => Raw.ToString();

    /// <summary>The record with its raw text copied out of any shared buffer, safe to keep.</summary>
    public LogRecord Detached() => this with { Raw = Raw.ToString().AsMemory() };
}
