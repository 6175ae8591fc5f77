using AnomalyProbe.Analysis.Reporting;

namespace AnomalyProbe.Analysis.Tests.Reporting;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("atomic").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AFailedWriteLeavesTheOldFileAndNoPartialOne()
    {
        string path = Path.Combine(_dir, "run.json");
        AtomicFile.Write(path, s => s.Write("old"u8));
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write("half of the ne"u8);
            throw new InvalidOperationException("stopped mid-write");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir));

        AtomicFile.Write(path, s => s.Write("new"u8));
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }
}
