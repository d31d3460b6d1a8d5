// Cold-start baseline: print one line and exit, as `cvmcheck check` prints a report and exits.
Console.WriteLine("hello");
return 0;
