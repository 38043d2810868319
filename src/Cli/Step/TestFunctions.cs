using System.Collections.Immutable;

namespace AdaptiveLR.Cli.Step;

/// <summary>A 2-D test function with a known minimum and a classic start: the pictures of how optimizers behave.</summary>
public abstract record TestFunction : GradientSource
{
    public abstract ImmutableArray<double> Minimum { get; }

    public abstract ImmutableArray<double> Start { get; }

    /// <summary>The region the contour plot shows.</summary>
    public abstract (double XMin, double XMax, double YMin, double YMax) View { get; }

    public abstract double Value(double x, double y);

    public override double? Loss(ImmutableArray<double> p) => Value(p[0], p[1]);

    public static ImmutableArray<string> Names { get; } = ["quadratic", "quadratic2d", "rosenbrock", "beale"];

    /// <summary>The function called <paramref name="name"/> (quadratic is n-dimensional; the others are 2-D).</summary>
    public static GradientSource? Find(string name) => name switch
    {
        "quadratic" => new Quadratic(),
        "quadratic2d" => new IllConditionedQuadratic(),
        "rosenbrock" => new Rosenbrock(),
        "beale" => new Beale(),
        _ => null,
    };
}

/// <summary>Rosenbrock's banana valley: f = (1 − x)² + 100(y − x²)², minimum (1, 1).</summary>
public sealed record Rosenbrock : TestFunction
{
    public override string Description => "Rosenbrock f = (1 - x)^2 + 100(y - x^2)^2";
    public override ImmutableArray<double> Minimum => [1, 1];
    public override ImmutableArray<double> Start => [-1.2, 1];
    public override (double XMin, double XMax, double YMin, double YMax) View => (-2, 2, -1, 3);
    public override double Value(double x, double y) => (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);

    public override ImmutableArray<double> GradientAt(int step, ImmutableArray<double> p) =>
        [-2 * (1 - p[0]) - 400 * p[0] * (p[1] - p[0] * p[0]), 200 * (p[1] - p[0] * p[0])];
}

/// <summary>Beale's function: f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)², minimum (3, 0.5).</summary>
public sealed record Beale : TestFunction
{
    public override string Description => "Beale f = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2";
    public override ImmutableArray<double> Minimum => [3, 0.5];
    public override ImmutableArray<double> Start => [1, 1.5];
    public override (double XMin, double XMax, double YMin, double YMax) View => (-1, 4, -1.5, 2);

    public override double Value(double x, double y) =>
        Math.Pow(1.5 - x + x * y, 2) + Math.Pow(2.25 - x + x * y * y, 2) + Math.Pow(2.625 - x + x * y * y * y, 2);

    public override ImmutableArray<double> GradientAt(int step, ImmutableArray<double> p)
    {
        double x = p[0], y = p[1];
        double a = 1.5 - x + x * y, b = 2.25 - x + x * y * y, c = 2.625 - x + x * y * y * y;
        return [2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y * y * y - 1),
                2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y * y];
    }
}

/// <summary>An ill-conditioned bowl: f = 0.1x² + 2y² (condition number 20), minimum (0, 0).</summary>
public sealed record IllConditionedQuadratic : TestFunction
{
    public override string Description => "f = 0.1x^2 + 2y^2";
    public override ImmutableArray<double> Minimum => [0, 0];
    public override ImmutableArray<double> Start => [-4, 2];
    public override (double XMin, double XMax, double YMin, double YMax) View => (-5, 5, -3, 3);
    public override double Value(double x, double y) => 0.1 * x * x + 2 * y * y;
    public override ImmutableArray<double> GradientAt(int step, ImmutableArray<double> p) => [0.2 * p[0], 4 * p[1]];
}
