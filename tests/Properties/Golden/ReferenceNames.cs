using System.Text.Json;
using AdaptiveLR.Pure;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Properties.Golden;

/// <summary>
/// Translates a fixture's reference names into ours: its arguments into our hyperparameter record,
/// its state names into our slot names. Every name must be known, so that a reference option we
/// do not map fails a test instead of being ignored.
/// </summary>
public static class ReferenceNames
{
    /// <summary>Arguments that choose how the reference computes, not what (loop layout, autograd support).</summary>
    private static readonly HashSet<string> Implementation = ["foreach", "differentiable", "capturable", "fused"];

    /// <summary>Arguments selecting the branch of a reference that an algorithm of ours implements, with the value it requires.</summary>
    private static readonly Dictionary<(string Algorithm, string Argument), bool> Branch = new()
    {
        [("adabelief", "amsgrad")] = false,
        [("adabelief", "weight_decouple")] = true,
        [("adabelief", "fixed_decay")] = false,
        [("adabelief", "rectify")] = false,
    };

    private static readonly Dictionary<string, string> StateNames = new()
    {
        ["exp_avg"] = "m",
        ["exp_avg_sq"] = "v",
        ["max_exp_avg_sq"] = "v_max",
        ["exp_inf"] = "u",
        ["exp_avg_var"] = "s",
        ["row_var"] = "exp_avg_sq_row",
        ["col_var"] = "exp_avg_sq_col",
        ["variance"] = "exp_avg_sq",
        ["momentum_buffer"] = "momentum_buffer",
        ["square_avg"] = "square_avg",
        ["grad_avg"] = "grad_avg",
        ["acc_delta"] = "acc_delta",
        ["sum"] = "sum",
    };

    /// <summary>Our hyperparameter record for the fixture's algorithm and arguments; throws on a name or value we cannot take.</summary>
    public static Hyperparameters Hyperparameters(GoldenFixture fixture) => Hyperparameters(fixture, group: false);

    /// <summary>As <see cref="Hyperparameters(GoldenFixture)"/>; a group's record is checked as a group's (lr 0 where the groups share their scalars).</summary>
    private static Hyperparameters Hyperparameters(GoldenFixture fixture, bool group)
    {
        var definition = OptimizerRegistry.Find(fixture.Algorithm) ?? throw new InvalidDataException($"{fixture}: no algorithm '{fixture.Algorithm}'");
        var settings = new HyperparameterSettings();
        bool maximize = false;
        foreach (var (name, value) in fixture.Hyperparameters)
        {
            if (Implementation.Contains(name)) continue;
            if (name == "maximize")
            {
                maximize = value.GetBoolean();
                continue;
            }
            if (Branch.TryGetValue((fixture.Algorithm, name), out bool required))
            {
                if (value.GetBoolean() != required) throw new InvalidDataException($"{fixture}: {name} must be {required} for {fixture.Algorithm}");
                continue;
            }
            settings = name switch
            {
                "lr" => settings with { Lr = value.GetDouble() },
                "betas" when value.GetArrayLength() == 3 => settings with { Beta1 = value[0].GetDouble(), Beta2 = value[1].GetDouble(), Beta3 = value[2].GetDouble() },
                "betas" => settings with { Beta1 = value[0].GetDouble(), Beta2 = value[1].GetDouble() },
                "max_grad_norm" => settings with { MaxGradNorm = value.GetDouble() },
                "no_prox" => settings with { NoProx = value.GetBoolean() },
                // ADOPT's clip function: the reference's default t^(1/4) or none.
                "clip_lambda" when value.ValueKind == JsonValueKind.Null => settings with { UseClipping = false },
                "clip_lambda" when value.GetString() == "step**0.25" => settings with { UseClipping = true },
                // AdEMAMix's warm-ups: None is a warm-up of 0 steps (the schedulers return the final value at once).
                "alpha_warmup" => settings with { AlphaWarmup = value.ValueKind == JsonValueKind.Null ? 0 : value.GetDouble() },
                "beta3_warmup" => settings with { Beta3Warmup = value.ValueKind == JsonValueKind.Null ? 0 : value.GetDouble() },
                "eps" when value.ValueKind == JsonValueKind.Array => settings with { Eps1 = value[0].GetDouble(), Eps2 = value[1].GetDouble() },
                "eps" => settings with { Eps = value.GetDouble() },
                "weight_decay" => settings with { WeightDecay = value.GetDouble() },
                "momentum" => settings with { Momentum = value.GetDouble() },
                "dampening" => settings with { Dampening = value.GetDouble() },
                "nesterov" => settings with { Nesterov = value.GetBoolean() },
                "alpha" => settings with { Alpha = value.GetDouble() },
                "centered" => settings with { Centered = value.GetBoolean() },
                "lr_decay" => settings with { LrDecay = value.GetDouble() },
                "initial_accumulator_value" => settings with { InitialAccumulatorValue = value.GetDouble() },
                "rho" => settings with { Rho = value.GetDouble() },
                "momentum_decay" => settings with { MomentumDecay = value.GetDouble() },
                "amsgrad" => settings with { AmsGrad = value.GetBoolean() },
                "beta2_decay" => settings with { Beta2Decay = value.GetDouble() },
                "d" => settings with { ClipThreshold = value.GetDouble() },
                "relative_step" => settings with { RelativeStep = value.GetBoolean() },
                "beta3" => value.ValueKind == JsonValueKind.Null ? settings : settings with { Beta3 = value.GetDouble() },
                "d0" => settings with { D0 = value.GetDouble() },
                "d_coef" => settings with { DCoef = value.GetDouble() },
                "growth_rate" => value.ValueKind == JsonValueKind.String && value.GetString() == "Infinity" ? settings : settings with { GrowthRate = value.GetDouble() },
                "slice_p" => settings with { SliceP = value.GetDouble() },
                "layer_scale" => settings with { LayerScale = value.GetDouble() },
                "decouple" => settings with { Decouple = value.GetBoolean() },
                "use_bias_correction" => settings with { UseBiasCorrection = value.GetBoolean() },
                "safeguard_warmup" => settings with { SafeguardWarmup = value.GetBoolean() },
                "adam" => settings with { Adam = value.GetBoolean() },
                "exclude_from_trust" => settings with { ExcludeFromTrust = ExcludesOneDimensional(fixture, value) },
                "etas" => settings with { Etaminus = value[0].GetDouble(), Etaplus = value[1].GetDouble() },
                "step_sizes" => settings with { StepSizeMin = value[0].GetDouble(), StepSizeMax = value[1].GetDouble() },
                "lambd" => settings with { Lambd = value.GetDouble() },
                "t0" => settings with { T0 = value.GetDouble() },
                "trust_coef" => settings with { TrustCoef = value.GetDouble() },
                "exclude_from_adaptation" => settings with { ExcludeBiasAndNorm = ExcludesOneDimensional(fixture, value) },
                "warmup_steps" => settings with { WarmupSteps = value.GetDouble() },
                "r" => settings with { R = value.GetDouble() },
                "weight_lr_power" => settings with { WeightLrPower = value.GetDouble() },
                "inner_momentum" => settings with { InnerMomentum = value.GetDouble() },
                "ns_steps" => settings with { NsSteps = (int)value.GetDouble() },
                "adam_lr" => settings with { AdamLr = value.GetDouble() },
                "adam_betas" => settings with { AdamBeta1 = value[0].GetDouble(), AdamBeta2 = value[1].GetDouble() },
                "adam_eps" => settings with { AdamEps = value.GetDouble() },
                "adam_weight_decay" => settings with { AdamWeightDecay = value.GetDouble() },
                "use_muon" => UseMuonByShape(fixture, value, settings),
                _ => throw new InvalidDataException($"{fixture}: the reference's argument '{name}' has no counterpart here"),
            };
        }
        var notOurs = settings.GivenNames().Except(definition.Settings).ToList();
        if (notOurs.Count > 0) throw new InvalidDataException($"{fixture}: {fixture.Algorithm} does not take {string.Join(", ", notOurs)}");
        var hyperparameters = definition.Configure(settings) with { Maximize = maximize };
        if (hyperparameters.Algorithm != fixture.Algorithm)
            throw new InvalidDataException($"{fixture}: these arguments configure {hyperparameters.Algorithm}, not {fixture.Algorithm}");
        if ((group ? SharedGroupScalars.GroupErrors(hyperparameters) : hyperparameters.Validate()) is { Count: > 0 } errors)
            throw new InvalidDataException($"{fixture}: {string.Join("; ", errors)}");
        return hyperparameters;
    }

    /// <summary>
    /// The fixture's parameter groups as our records, each with how many of the parameters (in order) are its: every group's
    /// arguments over the fixture's; one group of every parameter when the fixture has no groups.
    /// </summary>
    public static IReadOnlyList<(Hyperparameters Record, int Parameters)> Groups(GoldenFixture fixture) =>
        fixture.Groups is null
            ? [(Hyperparameters(fixture), fixture.Parameters.Length)]
            : [.. fixture.Groups.Select(group =>
            {
                var merged = new Dictionary<string, JsonElement>(fixture.Hyperparameters);
                foreach (var (name, value) in group.Hyperparameters) merged[name] = value;
                return (Hyperparameters(fixture with { Hyperparameters = merged }, group: true), group.Parameters.Length);
            })];

    /// <summary>
    /// A per-parameter exclusion list ([false, true]) as our dimension rule (LAMB's exclude_from_trust, LARS'
    /// exclude_bias_and_norm): true when it excludes exactly the tensors of at most one dimension, false when it
    /// excludes none; any other list is a selection we cannot express.
    /// </summary>
    private static bool ExcludesOneDimensional(GoldenFixture fixture, JsonElement list)
    {
        bool[] excluded = [.. list.EnumerateArray().Select(e => e.GetBoolean())];
        if (excluded.Length != fixture.Parameters.Length) throw new InvalidDataException($"{fixture}: one exclusion per parameter expected");
        if (excluded.All(e => !e)) return false;
        if (excluded.SequenceEqual(fixture.Parameters.Select(p => p.Shape.Length <= 1))) return true;
        throw new InvalidDataException($"{fixture}: exclusions [{string.Join(", ", excluded)}] are not 'every tensor of at most one dimension', the only exclusion we offer");
    }

    /// <summary>
    /// Muon's per-parameter <c>use_muon</c>: ours routes by shape within a group (2+ dimensions take the Muon step), so
    /// a fixture's flags must be exactly that; anything else would need parameter groups this mapping does not build.
    /// </summary>
    private static HyperparameterSettings UseMuonByShape(GoldenFixture fixture, JsonElement value, HyperparameterSettings settings)
    {
        bool[] flags = [.. value.EnumerateArray().Select(flag => flag.GetBoolean())];
        bool[] byShape = [.. fixture.Parameters.Select(p => p.Shape.Length >= 2)];
        return flags.SequenceEqual(byShape) ? settings
            : throw new InvalidDataException($"{fixture}: use_muon [{string.Join(", ", flags)}] is not the routing by shape [{string.Join(", ", byShape)}]");
    }

    /// <summary>Our name of the reference's state quantity <paramref name="name"/>; null for those checked otherwise (NAdam's mu_product).</summary>
    public static string? State(string name) =>
        name == "mu_product" ? null
        : StateNames.TryGetValue(name, out var ours) ? ours
        : throw new InvalidDataException($"the reference's state '{name}' has no counterpart here");
}
