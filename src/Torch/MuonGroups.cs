using AdaptiveLR.Pure.Algorithms;
using TorchSharp.Modules;

namespace AdaptiveLR.Torch;

/// <summary>
/// Muon's parameter groups as its authors recommend: hidden weights (2+ dimensions) take the Muon step; the
/// output head and embeddings, although matrices, take AdamW (a group with <c>UseMuon = false</c>); biases and gains
/// take AdamW anyway (Muon routes tensors of fewer than 2 dimensions to AdamW in every group).
/// </summary>
public static class MuonGroups
{
    /// <summary>
    /// The groups for <paramref name="named"/> (in <c>named_parameters()</c> order): the last parameter of 2+ dimensions is
    /// taken to be the output head, and any whose name contains "embed" an embedding (the reference's rule).
    /// </summary>
    public static IReadOnlyList<AdaptiveOptimizer.ParamGroup> Of(IEnumerable<(string Name, Parameter Parameter)> named, MuonHyperparameters muon)
    {
        var list = named.ToList();
        int head = list.FindLastIndex(p => p.Parameter.shape.Length >= 2);
        bool Excluded(int index) => index == head || list[index].Name.Contains("embed", StringComparison.OrdinalIgnoreCase);
        var hidden = list.Where((p, i) => !Excluded(i)).Select(p => p.Parameter).ToList();
        var adam = list.Where((p, i) => Excluded(i)).Select(p => p.Parameter).ToList();
        List<AdaptiveOptimizer.ParamGroup> groups = [];
        if (hidden.Count > 0) groups.Add(new(hidden, muon with { UseMuon = true }));
        if (adam.Count > 0) groups.Add(new(adam, muon with { UseMuon = false }));
        return groups;
    }

    /// <summary>Which parameters of <paramref name="named"/> take the Muon step under <see cref="Of"/>, by name.</summary>
    public static IReadOnlyList<string> Orthogonalised(IEnumerable<(string Name, Parameter Parameter)> named, MuonHyperparameters muon) =>
        [.. Of(named.ToList() is var list ? list : [], muon)
            .Where(g => g.Options.Hyperparameters is MuonHyperparameters { UseMuon: true })
            .SelectMany(g => g.Parameters)
            .Where(p => p.shape.Length >= 2)
            .Select(p => list.First(n => n.Parameter.Handle == p.Handle).Name)];
}
