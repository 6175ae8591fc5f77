using AnomalyProbe.Probe.Commands;
using Spectre.Console;

// Tables written to a file or pipe get a width that fits them instead of 80 columns.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 160;

return Cli.Run(args);
