using AnomalyProbe.Probe.Commands;

return Cli.Run(args);
