namespace CvmCheck.Fuzz;

/// <summary>
/// The registry of fuzz targets. Each target lives in its own file under <c>Targets/</c> and registers
/// itself from a module initializer, so adding a target never touches another file. A target takes
/// untrusted bytes and must only ever return or throw the parser's documented exception types;
/// anything else is a crash for the fuzzer.
/// </summary>
public static class FuzzTargets
{
    private static readonly SortedDictionary<string, Action<ReadOnlyMemory<byte>>> Registered = new(StringComparer.Ordinal);

    public static IReadOnlyDictionary<string, Action<ReadOnlyMemory<byte>>> All => Registered;

    public static void Register(string name, Action<ReadOnlyMemory<byte>> target) => Registered.Add(name, target);
}
