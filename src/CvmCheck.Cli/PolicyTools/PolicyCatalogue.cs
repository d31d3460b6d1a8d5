using CvmCheck.Policy;

namespace CvmCheck.Cli.PolicyTools;

/// <summary><c>policy list</c> and <c>policy show NAME</c>: the policies built into the binary.</summary>
internal static class PolicyCatalogue
{
    public static int List(TextWriter stdout)
    {
        var names = BuiltInPolicies.Names;
        var width = names.Select(n => n.Length).DefaultIfEmpty(0).Max();
        foreach (var name in names)
        {
            var policy = BuiltInPolicies.Load(name).Policy;
            var description = string.Join(' ', (policy.Description ?? string.Empty).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            stdout.WriteLine($"{name.PadRight(width)}  {description}");
        }

        return ExitCodes.Ok;
    }

    public static int Show(string name, TextWriter stdout)
    {
        if (!BuiltInPolicies.Exists(name))
        {
            throw new UserInputException($"no built-in policy '{name}'; built-ins: {string.Join(", ", BuiltInPolicies.Names)}");
        }

        var text = BuiltInPolicies.Text(name);
        stdout.Write(text);
        if (!text.EndsWith('\n'))
        {
            stdout.WriteLine();
        }

        return ExitCodes.Ok;
    }
}
