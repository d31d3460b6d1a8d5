using CvmCheck.Policy;

namespace CvmCheck.Cli.PolicyTools;

/// <summary>
/// <c>cvmcheck policy lint FILE...</c>: every problem of every file at once, one per line as
/// <c>file:line:col: message</c> (the shape editors and CI annotators parse), on stdout. Exit 0 when
/// all files are clean, 2 when any has an error. A name that is no file but a built-in policy lints
/// the built-in.
/// </summary>
internal static class PolicyLint
{
    public static int Run(IReadOnlyList<string> files, TextWriter stdout, TextWriter stderr)
    {
        var total = 0;
        var bad = 0;
        foreach (var file in files)
        {
            var errors = Lint(file);
            foreach (var e in errors)
            {
                stdout.WriteLine(e.ToString());
            }

            if (errors.Count > 0)
            {
                total += errors.Count;
                bad++;
            }
        }

        if (total > 0)
        {
            stderr.WriteLine($"cvmcheck: {total} error{(total == 1 ? string.Empty : "s")} in {bad} of {files.Count} file{(files.Count == 1 ? string.Empty : "s")}");
            return ExitCodes.BadInput;
        }

        stderr.WriteLine($"cvmcheck: {files.Count} file{(files.Count == 1 ? string.Empty : "s")} clean");
        return ExitCodes.Ok;
    }

    public static IReadOnlyList<PolicyError> Lint(string file)
    {
        string text;
        if (File.Exists(file))
        {
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return [new PolicyError(file, 0, 0, "cannot read policy: " + e.Message)];
            }
        }
        else if (BuiltInPolicies.Exists(file))
        {
            text = BuiltInPolicies.Text(file);
        }
        else
        {
            return [new PolicyError(file, 0, 0, Directory.Exists(file) ? "is a directory, not a policy file" : "no such file")];
        }

        var errors = new List<PolicyError>();
        if (PolicyLoader.TryParse(text, file, errors) is null && errors.Count == 0)
        {
            errors.Add(new PolicyError(file, 1, 1, "not a policy"));
        }

        return errors;
    }
}
