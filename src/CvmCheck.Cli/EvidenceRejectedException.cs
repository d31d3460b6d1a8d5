namespace CvmCheck.Cli;

/// <summary>
/// Evidence that was read but does not hold up (a bundle whose hashes, signature or binding fail):
/// exit 1, not 2 — the input was readable and the answer is "not genuine". The message lists every
/// reason, one per line.
/// </summary>
public sealed class EvidenceRejectedException(string message) : Exception(message);
