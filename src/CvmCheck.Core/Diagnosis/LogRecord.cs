namespace CvmCheck.Core.Diagnosis;

/// <summary>One logical kernel-log record: a line plus its indented continuation lines, with the message
/// text signatures match against and the raw text shown as evidence.</summary>
public readonly record struct LogRecord(string Artifact, int Line, string Message, double? Seconds, string Text);
