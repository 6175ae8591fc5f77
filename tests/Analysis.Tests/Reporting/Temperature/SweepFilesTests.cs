using AnomalyProbe.Analysis.Reporting.Temperature;
using AnomalyProbe.Analysis.Temperature;

namespace AnomalyProbe.Analysis.Tests.Reporting.Temperature;

public sealed class SweepFilesTests
{
    [Fact]
    public void CsvKeepsTheSignOfZeroRoundTripDoublesAndNaN()
    {
        string dir = Directory.CreateTempSubdirectory("sweep-").FullName;
        try
        {
            SweepRow[] rows =
            [
                new("0-", -0.0, 0, 2, 32, 25.5, 1, 0, 0.03125, 0.0625),
                new("0.5", 0.5, 0.1 + 0.2, 2, 0, double.NaN, 0, 0, 0, double.NaN),
                new("-inf", double.NegativeInfinity, 6.2383246250395068, 1, 4, 1.5, 0.25, 0.25, 0.5, 1),
            ];
            string csv = Path.Combine(dir, "sweep.csv");
            SweepFiles.WriteCsv(csv, rows);
            string[] lines = File.ReadAllLines(csv);
            Assert.Equal(string.Join(",", SweepFiles.Columns), lines[0]);
            Assert.Equal("0-,0,2,32,118716009132.16965,25.5,1,0,0.03125,0.0625", lines[1]);
            Assert.Equal("0.5,0.30000000000000004,2,0,NaN,NaN,0,0,0,NaN", lines[2]);
            Assert.Equal("-inf,6.238324625039507,1,4,4.4816890703380645,1.5,0.25,0.25,0.5,1", lines[3]);

            string png = Path.Combine(dir, "sweep.png");
            SweepFiles.WritePlot(png, rows);
            Assert.True(new FileInfo(png).Length > 1000);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
