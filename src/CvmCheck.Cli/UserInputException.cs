namespace CvmCheck.Cli;

/// <summary>
/// Bad usage or bad input. The message is the whole story for the user (which file, where, what was
/// expected); it is printed without a stack trace and the process exits 2.
/// </summary>
public sealed class UserInputException(string message) : Exception(message);
