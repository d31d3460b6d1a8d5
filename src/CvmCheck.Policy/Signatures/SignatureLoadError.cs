using CvmCheck.Core.Rules;

namespace CvmCheck.Policy.Signatures;

/// <summary>One problem in a signatures file, at file:line:col.</summary>
public sealed record SignatureLoadError(SourcePosition Position, string Message)
{
    public override string ToString() => $"{Position}: {Message}";
}

/// <summary>What loading a signatures file gave: the signatures, or every error found (never a partial set).</summary>
public sealed record SignatureLoadResult(IReadOnlyList<Core.Diagnosis.Signature> Signatures, IReadOnlyList<SignatureLoadError> Errors)
{
    public bool Ok => Errors.Count == 0;
}

/// <summary>Thrown when a signatures file has errors; the message lists all of them.</summary>
public sealed class SignatureFileException(IReadOnlyList<SignatureLoadError> errors)
    : Exception(string.Join(Environment.NewLine, errors.Select(e => e.ToString())))
{
    public IReadOnlyList<SignatureLoadError> Errors { get; } = errors;
}
