using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Probe.Probing;
using AnomalyProbe.Probe.Tests.Support;

namespace AnomalyProbe.Probe.Tests.Commands;

/// <summary>
/// poem-zh (a Chinese SentencePiece vocabulary without byte tokens, and without the tokens that anchor
/// the Magikarp indicator) scans with the defaults: nothing English is asked of it, and what cannot
/// be computed is left empty, not a failed scan.
/// </summary>
public sealed class NonEnglishModelTests : IDisposable
{
    private static readonly string PoemZh = Path.Combine(TestPaths.ModelsDir, "poem-zh.gguf");
    private readonly string _root = Directory.CreateTempSubdirectory("poem").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void TheDefaultScanProbesInTheModelsOwnWordsAndLeavesTheIndicatorEmpty()
    {
        string dir = Path.Combine(_root, "scan");
        CliResult r = CliProcess.Run("scan", "--model", PoemZh, "--out", dir, "--threads", "2");
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains("cannot spell completion, induction (English); left out", r.StdErr, StringComparison.Ordinal);
        RunInfo info = RunInfo.Read(Path.Combine(dir, ScanOutputs.RunFile));
        Assert.Equal([TemplateSet.OwnInduction], info.Templates.Select(t => t.Name));
        Assert.Equal(["<BOS>"], info.Settings.Harvest["prompts"].Split(" | "));
        TokensTable table = TokensCsv.Read(Path.Combine(dir, ScanOutputs.TokensFile));
        Assert.Equal(2048, table.Rows.Count);
        Assert.True(table.Rows.Sum(row => row.NegTempHits) > 0);
        Assert.Contains("magikarp_indicator", table.ExtraColumns);
        Assert.All(table.Rows, row => Assert.Null(row.Extra("magikarp_indicator")));
        Assert.Contains("magikarp_indicator is empty", File.ReadAllText(Path.Combine(dir, AnalysisFiles.ReportFile)), StringComparison.Ordinal);
    }

    [Fact]
    public void WhatCannotRunIsRefusedBeforeTheFirstProbe()
    {
        string prompts = Path.Combine(_root, "english.txt");
        File.WriteAllText(prompts, "Once upon a time\n");
        string dir = Path.Combine(_root, "english");
        CliResult harvest = CliProcess.Run("scan", "--model", PoemZh, "--out", dir, "--harvest-prompts", prompts);
        Assert.Equal(2, harvest.ExitCode);
        Assert.Contains("--harvest-prompts: the harvest prompt 'Once upon a time' has a character this vocabulary cannot spell", harvest.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, ScanJournal.FileName)));

        CliResult template = CliProcess.Run("scan", "--model", PoemZh, "--out", dir, "--templates", "builtin:completion");
        Assert.Equal(2, template.ExitCode);
        Assert.Contains("--templates: template 'completion': this vocabulary cannot spell its text", template.StdErr, StringComparison.Ordinal);

        CliResult rank = CliProcess.Run("scan", "--model", PoemZh, "--out", dir, "--candidates", "5%");
        Assert.Equal(2, rank.ExitCode);
        Assert.Contains("--rank-by: cannot rank by magikarp_indicator", rank.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, ScanJournal.FileName)));
    }

    [Fact]
    public void ChangingOnlyTheHarvestOfAFinishedScanKeepsItsProbes()
    {
        string dir = Path.Combine(_root, "resume");
        string[] scan = ["scan", "--model", PoemZh, "--out", dir, "--tokens", "0-199", "--threads", "2", "--no-analyze"];
        Assert.Equal(0, CliProcess.Run([.. scan, "--no-harvest"]).ExitCode);
        string journal = File.ReadAllText(Path.Combine(dir, ScanJournal.FileName));
        CliResult resumed = CliProcess.Run([.. scan, "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        Assert.Contains("200/200 probes already journaled", resumed.StdErr, StringComparison.Ordinal);
        Assert.StartsWith(journal, File.ReadAllText(Path.Combine(dir, ScanJournal.FileName)), StringComparison.Ordinal);
        Assert.Equal("-0,-0.1,-0.3", RunInfo.Read(Path.Combine(dir, ScanOutputs.RunFile)).Settings.Harvest["temperatures"]);
    }
}
