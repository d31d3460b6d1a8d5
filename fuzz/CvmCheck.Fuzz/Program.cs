using CvmCheck.Fuzz;
using SharpFuzz;

// Usage: CvmCheck.Fuzz TARGET            run under afl-fuzz (stdin/shared memory, SharpFuzz)
//        CvmCheck.Fuzz TARGET --replay DIR  run every file in DIR through the target once (smoke/regression)
//        CvmCheck.Fuzz --list
if (args.Length == 0 || args[0] == "--list")
{
    foreach (var name in FuzzTargets.All.Keys)
    {
        Console.WriteLine(name);
    }

    return args.Length == 0 ? 2 : 0;
}

if (!FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"unknown fuzz target '{args[0]}'; known: {string.Join(", ", FuzzTargets.All.Keys)}");
    return 2;
}

if (args.Length >= 3 && args[1] == "--replay")
{
    var count = 0;
    foreach (var file in Directory.EnumerateFiles(args[2], "*", SearchOption.AllDirectories))
    {
        target(File.ReadAllBytes(file));
        count++;
    }

    Console.WriteLine($"{args[0]}: replayed {count} inputs without a crash");
    return 0;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    target(buffer.ToArray());
});
return 0;
