using AnomalyProbe.Analysis.Geometry;
using MathNet.Numerics.LinearAlgebra;

namespace AnomalyProbe.Analysis.Tests.Geometry;

public sealed class GeometryTests
{
    private static EmbeddingMatrix Matrix(float[][] rows) => new(rows.Length, rows[0].Length, rows.SelectMany(r => r).ToArray());

    [Fact]
    public void NormsAndCentroidDistancesByHand()
    {
        // Centroid of (0,0), (2,0), (0,2), (2,2) is (1,1).
        var g = TokenGeometry.Measure(Matrix([[0, 0], [2, 0], [0, 2], [2, 2]]));
        Assert.Equal([0, 2, 2, Math.Sqrt(8)], g.Norm, new ToleranceComparer(1e-12));
        Assert.All(g.CentroidDistance, d => Assert.Equal(Math.Sqrt(2), d, 12));
        // cos((2,0),(1,1)) = 1/√2; (2,2) points at the centroid; the zero row is distance 1 by definition.
        Assert.Equal([1, 1 - 1 / Math.Sqrt(2), 1 - 1 / Math.Sqrt(2), 0], g.CentroidCosineDistance, new ToleranceComparer(1e-7));
    }

    [Fact]
    public void FirstPrincipalComponentMatchesMathNetsEigendecomposition()
    {
        var random = new Random(11);
        const int rows = 300, dims = 6;
        // Anisotropic cloud: extra variance 9 along (1,1,0,0,0,0)/√2 and 4 along e3, 1 elsewhere, plus an offset.
        var data = new float[rows * dims];
        for (int i = 0; i < rows; i++)
        {
            double main = 3 * Gaussian(random), minor = 2 * Gaussian(random);
            for (int k = 0; k < dims; k++) data[i * dims + k] = (float)(Gaussian(random) + 5 + (k < 2 ? main / Math.Sqrt(2) : 0) + (k == 2 ? minor : 0));
        }
        var m = new EmbeddingMatrix(rows, dims, data);
        float[] centroid = TokenGeometry.Centroid(m);
        Vector<float> pc = MagikarpIndicator.FirstPrincipalComponent(m, centroid);

        // Independent: the covariance built explicitly, its top eigenvector from MathNet's EVD.
        var x = Matrix<double>.Build.Dense(rows, dims, (i, k) => data[i * dims + k] - centroid[k]);
        var evd = (x.TransposeThisAndMultiply(x) / rows).Evd();
        int top = evd.EigenValues.Select(e => e.Real).Select((e, i) => (e, i)).MaxBy(p => p.e).i;
        Vector<double> expected = evd.EigenVectors.Column(top);
        double cosine = Math.Abs(expected.DotProduct(Vector<double>.Build.Dense(dims, k => pc[k])));
        Assert.True(cosine > 0.9999, $"|cos| = {cosine}");
        Assert.Equal(1.0, pc.L2Norm(), 5);

        // The second component, found by deflation, is the EVD's second eigenvector.
        Vector<float>[] two = PrincipalComponents.Top(m, centroid, 2);
        int second = evd.EigenValues.Select(e => e.Real).Select((e, i) => (e, i)).OrderByDescending(p => p.e).ElementAt(1).i;
        double cosine2 = Math.Abs(evd.EigenVectors.Column(second).DotProduct(Vector<double>.Build.Dense(dims, k => two[1][k])));
        Assert.True(cosine2 > 0.999, $"|cos| of the second component = {cosine2}");
        Assert.Equal(0, two[0].DotProduct(two[1]), 4);
    }

    [Fact]
    public void IndicatorIsSmallForTheReferenceRowsAndTheirLookAlikes()
    {
        // Trained rows spread in many directions; "untrained" rows cluster at one point.
        var random = new Random(5);
        const int dims = 16;
        var rows = new List<float[]>();
        for (int i = 0; i < 100; i++) rows.Add(Enumerable.Range(0, dims).Select(_ => (float)Gaussian(random)).ToArray());
        float[] untrained = Enumerable.Range(0, dims).Select(k => k % 2 == 0 ? 0.3f : -0.2f).ToArray();
        for (int i = 0; i < 10; i++) rows.Add(untrained.Select(v => v + (float)(0.01 * Gaussian(random))).ToArray());
        var m = Matrix([.. rows]);

        double[] indicator = MagikarpIndicator.Compute(m, Enumerable.Range(100, 5).ToArray());
        double worstUntrained = indicator.Skip(100).Max();
        double bestTrained = indicator.Take(100).Min();
        Assert.True(worstUntrained < bestTrained, $"untrained up to {worstUntrained}, trained from {bestTrained}");
    }

    [Fact]
    public void BlockedStorageGivesTheSameResultsAsOneBlock()
    {
        var random = new Random(3);
        const int rows = 101, dims = 8;
        // Column k has standard deviation k + 1: distinct variances, well-defined components.
        float[] data = Enumerable.Range(0, rows * dims).Select(i => (float)(Gaussian(random) * (1 + i % dims))).ToArray();
        var one = new EmbeddingMatrix(rows, dims, data);
        var many = new EmbeddingMatrix(rows, dims, data, blockValues: 7 * dims); // 7 rows per block, 15 blocks
        Assert.Equal(15, many.Blocks().Count());
        Assert.Equal(TokenGeometry.Measure(one).CentroidDistance, TokenGeometry.Measure(many).CentroidDistance);
        float[] c = TokenGeometry.Centroid(one);
        var pcOne = PrincipalComponents.Top(one, c, 2);
        var pcMany = PrincipalComponents.Top(many, c, 2);
        for (int p = 0; p < 2; p++) Assert.Equal(1.0, Math.Abs(pcOne[p].DotProduct(pcMany[p])), 4);
        int[] reference = [1, 2, 3];
        Assert.Equal(MagikarpIndicator.Compute(one, reference), MagikarpIndicator.Compute(many, reference), new ToleranceComparer(1e-5));
    }

    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
