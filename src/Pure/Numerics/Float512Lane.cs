using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AdaptiveLR.Pure.Numerics;

/// <summary>16 floats in an AVX-512 register.</summary>
public readonly record struct Float512Lane(Vector512<float> Value) : IFloatLane<Float512Lane>
{
    public static int Count => Vector512<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane Load(ref float source, nuint offset) => new(Vector512.LoadUnsafe(ref source, offset));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Float512Lane value, ref float destination, nuint offset) => value.Value.StoreUnsafe(ref destination, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane Broadcast(double value) => new(Vector512.Create((float)value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane Sqrt(Float512Lane x) => new(Vector512.Sqrt(x.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane Max(Float512Lane left, Float512Lane right) => new(Vector512.Max(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane Abs(Float512Lane x) => new(Vector512.Abs(x.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane Sign(Float512Lane x) =>
        new(Vector512.ConditionalSelect(Vector512.GreaterThan(x.Value, Vector512<float>.Zero), Vector512<float>.One, Vector512<float>.Zero)
            - Vector512.ConditionalSelect(Vector512.LessThan(x.Value, Vector512<float>.Zero), Vector512<float>.One, Vector512<float>.Zero));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane operator +(Float512Lane left, Float512Lane right) => new(left.Value + right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane operator -(Float512Lane left, Float512Lane right) => new(left.Value - right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane operator *(Float512Lane left, Float512Lane right) => new(left.Value * right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane operator /(Float512Lane left, Float512Lane right) => new(left.Value / right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane operator -(Float512Lane x) => new(-x.Value);
}
