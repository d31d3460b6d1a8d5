using CvmCheck.Core.Rules;

namespace CvmCheck.Policy;

/// <summary>One problem in a policy or signature file, at a 1-based line and column.</summary>
public sealed record PolicyError(string File, int Line, int Column, string Message)
{
    public PolicyError(SourcePosition at, string message)
        : this(at.File, at.Line, at.Column, message)
    {
    }

    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

/// <summary>Thrown when a policy cannot be used; carries every error found, not just the first.</summary>
public sealed class PolicyLoadException(IReadOnlyList<PolicyError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<PolicyError> Errors { get; } = errors;
}
