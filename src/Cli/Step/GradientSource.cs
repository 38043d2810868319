using System.Collections.Immutable;
using AdaptiveLR.Cli.Messages;

namespace AdaptiveLR.Cli.Step;

/// <summary>Where the gradient of each step comes from: a test function or an explicit sequence.</summary>
public abstract record GradientSource
{
    /// <summary>What the source is, for people: "f(x) = Σx²" or "3 given gradients".</summary>
    public abstract string Description { get; }

    public abstract ImmutableArray<double> GradientAt(int step, ImmutableArray<double> x);

    /// <summary>The objective at <paramref name="x"/>, where there is one.</summary>
    public abstract double? Loss(ImmutableArray<double> x);
}

/// <summary>f(x) = Σ xᵢ², the seed's quadratic, in any dimension: ∇f = 2x.</summary>
public sealed record Quadratic : TestFunction
{
    public override string Description => "f(x) = sum of x_i^2";
    public override ImmutableArray<double> Minimum => [0, 0];
    public override ImmutableArray<double> Start => [5];
    public override (double XMin, double XMax, double YMin, double YMax) View => (-6, 6, -6, 6);
    public override double Value(double x, double y) => x * x + y * y;

    public override ImmutableArray<double> GradientAt(int step, ImmutableArray<double> x) => [.. x.Select(xi => 2 * xi)];

    public override double? Loss(ImmutableArray<double> x) => x.Sum(xi => xi * xi);
}

/// <summary>Gradients given by the user, one per step.</summary>
public sealed record GivenGradients(ImmutableArray<ImmutableArray<double>> Gradients) : GradientSource
{
    public override string Description => $"{Counted.Of(Gradients.Length, "given gradient")}";

    public override ImmutableArray<double> GradientAt(int step, ImmutableArray<double> x) => Gradients[step - 1];

    public override double? Loss(ImmutableArray<double> x) => null;
}
