namespace AnomalyProbe.Analysis.Geometry;

/// <summary>Named per-token measures (indexed by token id) and what they were computed from.</summary>
/// <param name="Measures">Column name → value per token id, in column order.</param>
/// <param name="Tied">Whether the model ties input and output embeddings (output measures are then not repeated).</param>
/// <param name="ReferenceSource">How the Magikarp reference tokens were chosen.</param>
/// <param name="ReferenceIds">The reference token ids.</param>
/// <param name="Missing">Measures that could not be computed (column → why); their columns are written empty.</param>
public sealed record GeometryMeasures(IReadOnlyDictionary<string, double[]> Measures, bool Tied, string ReferenceSource, int[] ReferenceIds,
    IReadOnlyDictionary<string, string>? Missing = null);
