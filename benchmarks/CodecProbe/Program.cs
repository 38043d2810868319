using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

// What bounds an int8 Adam step at 2²⁰ elements (in cache), on AVX-512 (BW). The first loop is Adam's written as the
// fused kernel's: a signed code for m rounded to nearest and an unsigned one for v rounded stochastically, each decoded
// and coded again on a power-of-two block scale as StateCodec does, the values kept in L1 scratch and their largest
// magnitudes folded. The block scales are fixed, so that the loops time the codec's instructions and not its re-coding.
// The second loop codes 32 elements at a time in 16-bit words (the top half of each float holds every bit a code keeps);
// before timing, both run once on the same data and must leave the same bits. The third is the first without its
// square root and division, the fourth those two alone (with the loads and the store they need). The 16-bit loop's gain
// here did not carry over into the kernel. Not product code: a measurement (benchmarks/results/compressed-state-final.md).
// Usage: dotnet run -c Release --project benchmarks/CodecProbe [ROUNDS]
if (!Avx512BW.IsSupported)
{
    Console.Error.WriteLine("CodecProbe needs AVX-512 BW.");
    return 2;
}
int rounds = 6;
if (args.Length > 1 || (args.Length == 1 && (!int.TryParse(args[0], System.Globalization.CultureInfo.InvariantCulture, out rounds) || rounds < 1)))
{
    Console.Error.WriteLine("usage: CodecProbe [ROUNDS], ROUNDS a whole number from 1 (default 6)");
    return 2;
}
using var first = new AdamState(seed: 1);
using var second = new AdamState(seed: 1);
Loops.AsTheKernelCodes(first);
Loops.InSixteenBitWords(second);
if (!first.SameBitsAs(second))
{
    Console.Error.WriteLine("The two loops left different bits.");
    return 1;
}
Console.WriteLine($"same bits after one step of {AdamState.Length:N0} elements; ms per step, best of 20 blocks of 20 steps:");
for (int round = 0; round < rounds; round++)
{
    Console.WriteLine($"as the kernel codes {Time(Loops.AsTheKernelCodes, first):F3}   16-bit words {Time(Loops.InSixteenBitWords, second):F3}   " +
                      $"as the kernel, no sqrt or division {Time(Loops.WithoutDivider, first):F3}   the sqrt and division alone {Time(Loops.DividerAlone, first):F3}");
}
return 0;

static double Time(Action<AdamState> step, AdamState state)
{
    for (int i = 0; i < 50; i++) step(state);
    double best = double.MaxValue;
    for (int block = 0; block < 20; block++)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < 20; i++) step(state);
        best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMilliseconds / 20);
    }
    return best;
}

/// <summary>Parameters, gradients, the two slots' codes, and what the loops leave besides (scratch, largest magnitudes).</summary>
internal sealed unsafe class AdamState : IDisposable
{
    public const int Length = 1 << 20;
    public readonly float* Parameters, Gradients, Scratch;
    public readonly byte* Momenta, Squares;
    public Vector512<int> Largest;

    public AdamState(int seed)
    {
        Parameters = Allocate<float>(Length);
        Gradients = Allocate<float>(Length);
        Scratch = Allocate<float>(512);
        Momenta = Allocate<byte>(Length);
        Squares = Allocate<byte>(Length);
        var random = new Random(seed);
        for (int i = 0; i < Length; i++)
        {
            Parameters[i] = (float)random.NextDouble();
            // Small enough that every new value stays within its block's scale, as in a block that keeps it.
            Gradients[i] = (float)(random.NextDouble() - 0.5) * 2e-5f;
            Momenta[i] = (byte)random.Next(256);
            Squares[i] = (byte)random.Next(224);
        }
    }

    public bool SameBitsAs(AdamState other) =>
        new ReadOnlySpan<byte>(Parameters, Length * sizeof(float)).SequenceEqual(new ReadOnlySpan<byte>(other.Parameters, Length * sizeof(float)))
        && new ReadOnlySpan<byte>(Momenta, Length).SequenceEqual(new ReadOnlySpan<byte>(other.Momenta, Length))
        && new ReadOnlySpan<byte>(Squares, Length).SequenceEqual(new ReadOnlySpan<byte>(other.Squares, Length))
        && new ReadOnlySpan<byte>(Scratch, 512 * sizeof(float)).SequenceEqual(new ReadOnlySpan<byte>(other.Scratch, 512 * sizeof(float)))
        && Largest == other.Largest;

    private static T* Allocate<T>(int count) where T : unmanaged => (T*)NativeMemory.AlignedAlloc((nuint)(count * sizeof(T)), 64);

    public void Dispose()
    {
        NativeMemory.AlignedFree(Parameters);
        NativeMemory.AlignedFree(Gradients);
        NativeMemory.AlignedFree(Scratch);
        NativeMemory.AlignedFree(Momenta);
        NativeMemory.AlignedFree(Squares);
    }
}

internal static unsafe class Loops
{
    private const float Beta1 = 0.9f, Beta2 = 0.999f, Rate = 1e-3f, Correction = 1.2f, Epsilon = 1e-8f;
    // A block scale of 2⁻¹⁶ for m and 2⁻³² for v: the exponent a code's pattern gains as it decodes, and what a value's
    // pattern gains as it codes (the map's offset less the scale's exponent, plus half a code step for m's rounding to nearest).
    // Each is a multiple of 2¹⁶, so that the same constants shifted right by 16 code the top halves of the floats.
    private const int MomentumExponent = (127 - 16 - 15) << 23, SquareExponent = (127 - 32 - 31) << 23;
    private const int MomentumBias = -MomentumExponent + (1 << 19), SquareBias = -SquareExponent;
    private const int GoldenRatio = unchecked((int)0x9E3779B9);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void AsTheKernelCodes(AdamState state) => Step(state, divide: true);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void WithoutDivider(AdamState state) => Step(state, divide: false);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void DividerAlone(AdamState state)
    {
        float* parameters = state.Parameters, gradients = state.Gradients;
        for (nuint i = 0; i < AdamState.Length; i += 16)
        {
            var g = Vector512.Load(gradients + i);
            (g / (Vector512.Sqrt(Vector512.Abs(g)) + Vector512.Create(Epsilon))).Store(parameters + i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(AdamState state, bool divide)
    {
        float* parameters = state.Parameters, gradients = state.Gradients, scratch = state.Scratch;
        sbyte* momenta = (sbyte*)state.Momenta;
        byte* squares = state.Squares;
        var magnitude = Vector512.Create(0x7FFFFFFF);
        var stride = Vector512.Create(unchecked(16 * GoldenRatio));
        var spread = Vector512<int>.Indices * GoldenRatio;
        Vector512<int> largestMomentum = default, largestSquare = default;
        for (nuint i = 0; i < AdamState.Length; i += 16)
        {
            var code = Avx512F.ConvertToVector512Int32(Vector128.Load(momenta + i));
            var pattern = (code << 20) & Vector512.Create(unchecked((int)0x87FFFFFF));
            var m = Vector512.ConditionalSelect(~Vector512.Equals(code & Vector512.Create(127), Vector512<int>.Zero), pattern + Vector512.Create(MomentumExponent), pattern).AsSingle();
            var squareCode = Avx512F.ConvertToVector512Int32(Vector128.Load(squares + i)) << 20;
            var v = Vector512.ConditionalSelect(~Vector512.Equals(squareCode, Vector512<int>.Zero), squareCode + Vector512.Create(SquareExponent), squareCode).AsSingle();
            var g = Vector512.Load(gradients + i);
            m = m * Vector512.Create(Beta1) + g * Vector512.Create(1 - Beta1);
            v = v * Vector512.Create(Beta2) + g * g * Vector512.Create(1 - Beta2);
            var p = Vector512.Load(parameters + i);
            p -= divide
                ? Vector512.Create(Rate) * m / (Vector512.Sqrt(v) * Vector512.Create(Correction) + Vector512.Create(Epsilon))
                : Vector512.Create(Rate) * m * (v * Vector512.Create(Correction) + Vector512.Create(Epsilon));
            p.Store(parameters + i);
            m.Store(scratch + (i & 255));
            v.Store(scratch + 256 + (i & 255));

            var mPattern = m.AsInt32();
            var mMagnitude = mPattern & magnitude;
            var mCode = Vector512.Max(Vector512.ShiftRightArithmetic(mMagnitude + Vector512.Create(MomentumBias), 20), Vector512<int>.Zero);
            mCode = Vector512.ConditionalSelect(Vector512.Create(0x80), Vector512.ShiftRightLogical(mPattern, 24), mCode);
            Avx512F.ConvertToVector128Byte(mCode).Store((byte*)momenta + i);
            largestMomentum = Vector512.Max(largestMomentum, mMagnitude);

            var vPattern = v.AsInt32();
            var vMagnitude = vPattern & magnitude;
            var draw = Vector512.ShiftRightLogical(vPattern + spread, 12);
            var vCode = Vector512.Max(Vector512.ShiftRightArithmetic(vMagnitude + draw + Vector512.Create(SquareBias), 20), Vector512<int>.Zero);
            Avx512F.ConvertToVector128ByteWithSaturation(vCode.AsUInt32()).Store(squares + i);
            largestSquare = Vector512.Max(largestSquare, vMagnitude);
            spread += stride;
        }
        state.Largest = largestMomentum + largestSquare;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void InSixteenBitWords(AdamState state)
    {
        float* parameters = state.Parameters, gradients = state.Gradients, scratch = state.Scratch;
        sbyte* momenta = (sbyte*)state.Momenta;
        byte* squares = state.Squares;
        // Word i of a pair of float vectors: the top half of element i (0–15 from the first, 16–31 from the second); and
        // back: element i's top half from word i (0–15, or 16–31), its bottom half zero (word 32, the zero vector's).
        Vector512<short> topHalves = default, lowerWidened = default, upperWidened = default;
        for (int i = 0; i < 32; i++) topHalves = topHalves.WithElement(i, (short)(2 * i + 1));
        for (int i = 0; i < 16; i++)
        {
            lowerWidened = lowerWidened.WithElement(2 * i, (short)32).WithElement(2 * i + 1, (short)i);
            upperWidened = upperWidened.WithElement(2 * i, (short)32).WithElement(2 * i + 1, (short)(16 + i));
        }
        var magnitude = Vector512.Create(0x7FFFFFFF);
        var stride = Vector512.Create(unchecked(16 * GoldenRatio));
        var spread = Vector512<int>.Indices * GoldenRatio;
        Vector512<int> largestMomentum = default, largestSquare = default;
        for (nuint i = 0; i < AdamState.Length; i += 32)
        {
            var code = Avx512BW.ConvertToVector512Int16(Vector256.Load(momenta + i));
            var pattern = (code << 4) & Vector512.Create(unchecked((short)0x87FF));
            pattern = Vector512.ConditionalSelect(~Vector512.Equals(code & Vector512.Create((short)127), Vector512<short>.Zero), pattern + Vector512.Create((short)(MomentumExponent >> 16)), pattern);
            var squareCode = Avx512BW.ConvertToVector512Int16(Vector256.Load(squares + i)).AsInt16() << 4;
            var squarePattern = Vector512.ConditionalSelect(~Vector512.Equals(squareCode, Vector512<short>.Zero), squareCode + Vector512.Create((short)(SquareExponent >> 16)), squareCode);
            var m0 = Avx512BW.PermuteVar32x16x2(pattern, lowerWidened, Vector512<short>.Zero).AsSingle();
            var m1 = Avx512BW.PermuteVar32x16x2(pattern, upperWidened, Vector512<short>.Zero).AsSingle();
            var v0 = Avx512BW.PermuteVar32x16x2(squarePattern, lowerWidened, Vector512<short>.Zero).AsSingle();
            var v1 = Avx512BW.PermuteVar32x16x2(squarePattern, upperWidened, Vector512<short>.Zero).AsSingle();
            var g0 = Vector512.Load(gradients + i);
            var g1 = Vector512.Load(gradients + i + 16);
            m0 = m0 * Vector512.Create(Beta1) + g0 * Vector512.Create(1 - Beta1);
            m1 = m1 * Vector512.Create(Beta1) + g1 * Vector512.Create(1 - Beta1);
            v0 = v0 * Vector512.Create(Beta2) + g0 * g0 * Vector512.Create(1 - Beta2);
            v1 = v1 * Vector512.Create(Beta2) + g1 * g1 * Vector512.Create(1 - Beta2);
            var p0 = Vector512.Load(parameters + i) - Vector512.Create(Rate) * m0 / (Vector512.Sqrt(v0) * Vector512.Create(Correction) + Vector512.Create(Epsilon));
            var p1 = Vector512.Load(parameters + i + 16) - Vector512.Create(Rate) * m1 / (Vector512.Sqrt(v1) * Vector512.Create(Correction) + Vector512.Create(Epsilon));
            p0.Store(parameters + i);
            p1.Store(parameters + i + 16);
            nuint inBlock = i & 255;
            m0.Store(scratch + inBlock);
            m1.Store(scratch + inBlock + 16);
            v0.Store(scratch + 256 + inBlock);
            v1.Store(scratch + 256 + inBlock + 16);

            largestMomentum = Vector512.Max(largestMomentum, Vector512.Max(m0.AsInt32() & magnitude, m1.AsInt32() & magnitude));
            var mTop = Avx512BW.PermuteVar32x16x2(m0.AsInt16(), topHalves, m1.AsInt16());
            var mCode = Vector512.Max(Vector512.ShiftRightArithmetic((mTop & Vector512.Create((short)0x7FFF)) + Vector512.Create((short)(MomentumBias >> 16)), 4), Vector512<short>.Zero);
            mCode = Vector512.ConditionalSelect(Vector512.Create((short)0x80), Vector512.ShiftRightLogical(mTop, 8), mCode);
            Avx512BW.ConvertToVector256SByte(mCode).Store(momenta + i);

            var vMagnitude0 = v0.AsInt32() & magnitude;
            var vMagnitude1 = v1.AsInt32() & magnitude;
            largestSquare = Vector512.Max(largestSquare, Vector512.Max(vMagnitude0, vMagnitude1));
            // The draw is added to the whole pattern before its top half is taken, so that its carry is the same.
            var rounded0 = vMagnitude0 + Vector512.ShiftRightLogical(v0.AsInt32() + spread, 12);
            spread += stride;
            var rounded1 = vMagnitude1 + Vector512.ShiftRightLogical(v1.AsInt32() + spread, 12);
            spread += stride;
            var vTop = Avx512BW.PermuteVar32x16x2(rounded0.AsInt16(), topHalves, rounded1.AsInt16());
            var vCode = Vector512.Max(Vector512.ShiftRightArithmetic(vTop + Vector512.Create((short)(SquareBias >> 16)), 4), Vector512<short>.Zero);
            Avx512BW.ConvertToVector256ByteWithSaturation(vCode.AsUInt16()).Store(squares + i);
        }
        state.Largest = largestMomentum + largestSquare;
    }
}
