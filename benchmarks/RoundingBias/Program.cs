using System.Globalization;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Numerics;

// The drift of compressed state, open loop: one gradient stream steps a float32 optimizer and a copy whose state is
// encoded and decoded after every step (as `--state-precision` keeps it), element by element, and over the second half
// of the run compares the denominators (√v̂ + ε) and the updates of the two. Rounding to nearest loses any change below
// half a code step, so a slowly growing or decaying non-negative slot lags and the mean log-ratio of the denominators
// drifts from 0; stochastic rounding (what `StateCodec` does for non-negative slots) should keep it near 0.
//   nearest     non-negative slots rounded to nearest (the format before stochastic rounding; signed slots as now)
//   stochastic  every non-negative slot rounded stochastically (the format before AMSGrad's v_max was rounded down)
//   as-kept     each slot rounded as the library keeps it (StateSlot.Rounding): AMSGrad's v_max rounded down on power-of-two
//               block scales (printed for AMSGrad only; the others keep stochastic rounding)
// and for AMSGrad two alternatives to as-kept, v stochastic in both:
//   vmax-nearest  v_max rounded to nearest on its block's largest magnitude
//   vmax-exact    v_max kept in float32 (not coded): what remains is v's own noise, which a running maximum biases up
// Synthetic coordinates: gradient noise σ spread over 2.5 decades, a mean of 0.3σ·N(0,1), and for 30% of them a decay
// of the gradient's scale by e³ over the run (the case an EMA must follow downwards).
// Usage: dotnet run -c Release --project benchmarks/RoundingBias -- [STEPS] [ALGORITHMS]   (default 3000 adam,amsgrad,rmsprop,adagrad)
int steps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3000;
string[] algorithms = args.Length > 1 ? args[1].Split(',') : ["adam", "amsgrad", "rmsprop", "adagrad"];
const int Block = StateCodec.BlockSize, Elements = 64 * Block;

Console.WriteLine($"{Elements} coordinates, {steps} steps, measured over the last {steps - steps / 2}");
Console.WriteLine("algorithm  format  rounding      log(den/den32): mean   mean |.|   update error (relative RMS)");
foreach (string algorithm in algorithms)
    foreach (string format in (string[])["bf16", "int8"])
        foreach (var rounding in algorithm == "amsgrad" ? (Rounding[])[Rounding.Nearest, Rounding.Stochastic, Rounding.MaxNearest, Rounding.MaxExact, Rounding.AsKept] : [Rounding.Nearest, Rounding.Stochastic])
        {
            var (mean, meanAbsolute, updateError) = Simulate(algorithm, format, rounding, steps);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{algorithm,-10} {format,-7} {Name(rounding),-13} {mean,21:+0.0000;-0.0000} {meanAbsolute,10:F4} {updateError,14:F4}"));
        }

static string Name(Rounding rounding) => rounding switch
{
    Rounding.Nearest => "nearest",
    Rounding.Stochastic => "stochastic",
    Rounding.MaxNearest => "vmax-nearest",
    Rounding.MaxExact => "vmax-exact",
    _ => "as-kept",
};

static (double Mean, double MeanAbsolute, double UpdateError) Simulate(string algorithm, string format, Rounding rounding, int steps)
{
    var random = new Random(7);
    var (sigma, mu, decay) = (new float[Elements], new float[Elements], new float[Elements]);
    for (int i = 0; i < Elements; i++)
    {
        sigma[i] = MathF.Pow(10, -2.5f * random.NextSingle());
        mu[i] = sigma[i] * 0.3f * Normal(random);
        decay[i] = random.NextSingle() < 0.3f ? 3f / steps : 0;
    }
    var exact = new Slots(Elements);
    var coded = new Slots(Elements);
    double beta1 = 0.9, beta2 = algorithm == "rmsprop" ? 0.99 : 0.999;
    double sumLog = 0, sumAbsoluteLog = 0, errorSquares = 0, updateSquares = 0;
    long count = 0;
    var gradient = new float[Elements];
    for (int t = 1; t <= steps; t++)
    {
        for (int i = 0; i < Elements; i++) gradient[i] = (float)((mu[i] + sigma[i] * Normal(random)) * Math.Exp(-decay[i] * t));
        double correction1 = 1 - Math.Pow(beta1, t), correction2 = algorithm == "rmsprop" ? 1 : 1 - Math.Pow(beta2, t);
        bool measure = t > steps / 2;
        for (int i = 0; i < Elements; i++)
        {
            float exactUpdate = Step(algorithm, gradient[i], ref exact.M[i], ref exact.V[i], ref exact.Max[i], beta1, beta2, correction1, correction2, out float exactDenominator);
            float codedUpdate = Step(algorithm, gradient[i], ref coded.M[i], ref coded.V[i], ref coded.Max[i], beta1, beta2, correction1, correction2, out float codedDenominator);
            if (!measure) continue;
            double ratio = Math.Log((codedDenominator + 1e-30) / (exactDenominator + 1e-30));
            sumLog += ratio;
            sumAbsoluteLog += Math.Abs(ratio);
            count++;
            errorSquares += (codedUpdate - exactUpdate) * (double)(codedUpdate - exactUpdate);
            updateSquares += exactUpdate * (double)exactUpdate;
        }
        // The library's own layout: m to nearest, v stochastically, v_max as StateSlot.Rounding says.
        var slots = new AdamHyperparameters(AmsGrad: true).Slots;
        if (algorithm is "adam" or "amsgrad") RoundTrip(format, coded.M, nonNegative: false, StateRounding.Nearest, t);
        RoundTrip(format, coded.V, nonNegative: true, rounding == Rounding.Nearest ? StateRounding.Nearest : StateRounding.Stochastic, t);
        if (algorithm == "amsgrad" && rounding != Rounding.MaxExact)
            RoundTrip(format, coded.Max, nonNegative: true, rounding switch
            {
                Rounding.Nearest or Rounding.MaxNearest => StateRounding.Nearest,
                Rounding.Stochastic => StateRounding.Stochastic,
                _ => slots[2]!.Rounding,
            }, t);
    }
    return (sumLog / count, sumAbsoluteLog / count, Math.Sqrt(errorSquares / updateSquares));
}

// torch.optim's updates in float32 state (the denominator's ε as torch's defaults: 1e-8, Adagrad 1e-10).
static float Step(string algorithm, float g, ref float m, ref float v, ref float max, double beta1, double beta2, double correction1, double correction2, out float denominator)
{
    switch (algorithm)
    {
        case "adagrad":
            v += g * g;
            denominator = (float)(Math.Sqrt(v) + 1e-10);
            return g / denominator;
        case "rmsprop":
            v = (float)(beta2 * v + (1 - beta2) * g * g);
            denominator = (float)(Math.Sqrt(v) + 1e-8);
            return g / denominator;
        default:
            m = (float)(beta1 * m + (1 - beta1) * g);
            v = (float)(beta2 * v + (1 - beta2) * g * g);
            float second = v;
            if (algorithm == "amsgrad") second = max = Math.Max(max, v);
            denominator = (float)(Math.Sqrt(second / correction2) + 1e-8);
            return (float)(m / correction1 / denominator);
    }
}

static void RoundTrip(string format, float[] values, bool nonNegative, StateRounding rounding, int step)
{
    if (format == "bf16")
    {
        var halves = new ushort[values.Length];
        StateCodec.EncodeBFloat16(values, halves, rounding, new RoundingSeed(step, 0));
        StateCodec.DecodeBFloat16(halves, values);
        return;
    }
    var codes = new byte[Block];
    for (int start = 0; start < values.Length; start += Block)
    {
        var block = values.AsSpan(start, Block);
        float scale = StateCodec.EncodeBlock(block, codes, nonNegative, rounding, new RoundingSeed(step, start));
        StateCodec.DecodeBlock(codes, scale, block, nonNegative);
    }
}

static float Normal(Random random) => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));

internal sealed class Slots(int length)
{
    public float[] M { get; } = new float[length];
    public float[] V { get; } = new float[length];
    public float[] Max { get; } = new float[length];
}

internal enum Rounding { Nearest, Stochastic, MaxNearest, MaxExact, AsKept }
