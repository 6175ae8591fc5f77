namespace AnomalyProbe.Analysis.Statistics;

/// <summary>A sample sorted ascending, with its runs of equal values (tie groups).</summary>
internal sealed class TieGroups
{
    /// <summary>Sorts <paramref name="values"/> (finite; -0 and +0 tie).</summary>
    public TieGroups(ReadOnlySpan<double> values)
    {
        Sorted = values.ToArray();
        Order = new int[Sorted.Length];
        for (int i = 0; i < Order.Length; i++) Order[i] = i;
        Array.Sort(Sorted, Order);
        var ends = new List<int>();
        for (int k = 1; k < Sorted.Length; k++)
            if (Sorted[k] != Sorted[k - 1]) ends.Add(k);
        if (Sorted.Length > 0) ends.Add(Sorted.Length);
        Ends = [.. ends];
    }

    /// <summary>The values, ascending.</summary>
    public double[] Sorted { get; }

    /// <summary>The original index of the value at each sorted position.</summary>
    public int[] Order { get; }

    /// <summary>The exclusive end position of each tie group, ascending; the last is the sample size.</summary>
    public int[] Ends { get; }

    /// <summary>Whether any two values are equal.</summary>
    public bool HasTies => Ends.Length < Sorted.Length;

    /// <summary>Σ (t³ − t) over the tie groups, t their sizes: the tie term of rank-test variances.</summary>
    public double TieTerm()
    {
        double sum = 0;
        int start = 0;
        foreach (int end in Ends)
        {
            double t = end - start;
            sum += t * t * t - t;
            start = end;
        }
        return sum;
    }

    /// <summary>
    /// Average ranks (1-based) in a resample holding <paramref name="counts"/>[k] copies of the value at
    /// sorted position k: <paramref name="ranks"/>[k] is the average rank the copies of that value share
    /// with their tie group (also when k has no copies). Sequential, O(n).
    /// </summary>
    public void AverageRanks(ReadOnlySpan<int> counts, Span<double> ranks)
    {
        long below = 0;
        int start = 0;
        foreach (int end in Ends)
        {
            long copies = 0;
            for (int k = start; k < end; k++) copies += counts[k];
            double rank = below + (copies + 1) / 2.0;
            for (int k = start; k < end; k++) ranks[k] = rank;
            below += copies;
            start = end;
        }
    }

    /// <summary>The sorted position of each original index (the inverse of <see cref="Order"/>).</summary>
    public int[] Positions()
    {
        var positions = new int[Order.Length];
        for (int k = 0; k < Order.Length; k++) positions[Order[k]] = k;
        return positions;
    }
}
