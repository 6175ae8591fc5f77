using AnomalyProbe.Analysis.Geometry;
using AnomalyProbe.Probe.Gguf;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Geometry;

/// <summary>The geometry measures of a model's embedding matrices, read from its GGUF.</summary>
public static class EmbeddingGeometry
{
    /// <summary>
    /// Computes, for the input embeddings and (when untied) the output embeddings: L2 norm,
    /// Euclidean and cosine distance to the centroid; the Magikarp indicator on the output
    /// (unembedding) matrix; and each token's coordinates on the input's first two principal components.
    /// <paramref name="cancellation"/> is checked between passes over the rows (OperationCanceledException).
    /// </summary>
    public static GeometryMeasures Compute(GgufFile file, Vocabulary vocabulary, string? referenceFile, CancellationToken cancellation = default)
    {
        ModelEmbeddings embeddings = ModelEmbeddings.Load(file, vocabulary.Count, cancellation);
        var measures = new Dictionary<string, double[]>();
        Add(measures, "", TokenGeometry.Measure(embeddings.Input));
        cancellation.ThrowIfCancellationRequested();
        if (!embeddings.Tied) Add(measures, "out_", TokenGeometry.Measure(embeddings.Output));
        cancellation.ThrowIfCancellationRequested();
        (int[] reference, string source) = ReferenceTokens.Choose(vocabulary, referenceFile);
        var missing = new Dictionary<string, string>();
        if (reference.Length > 0) measures[MagikarpIndicator.Column] = MagikarpIndicator.Compute(embeddings.Output, reference);
        else missing[MagikarpIndicator.Column] = source;
        cancellation.ThrowIfCancellationRequested();
        // The input embedding on its first two principal components: the report's map.
        float[] centroid = TokenGeometry.Centroid(embeddings.Input);
        double[][] map = PrincipalComponents.Project(embeddings.Input, centroid, PrincipalComponents.Top(embeddings.Input, centroid, 2, cancellation: cancellation));
        measures["pc1"] = map[0];
        measures["pc2"] = map.Length > 1 ? map[1] : new double[vocabulary.Count];
        return new GeometryMeasures(measures, embeddings.Tied, source, reference, missing);
    }

    private static void Add(Dictionary<string, double[]> measures, string prefix, TokenGeometry geometry)
    {
        measures[prefix + "embedding_norm"] = geometry.Norm;
        measures[prefix + "centroid_distance"] = geometry.CentroidDistance;
        measures[prefix + "centroid_cosine"] = geometry.CentroidCosineDistance;
    }
}
