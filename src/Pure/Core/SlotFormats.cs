using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Core;

/// <summary>What continues once a slot's <see cref="ISlotFormat"/> is chosen: the next slot's choice, or the loop.</summary>
internal interface IFormatChoice
{
    void With<TFormat>() where TFormat : struct, ISlotFormat;
}

/// <summary>The <see cref="ISlotFormat"/> of a slot's storage: its precision, its sign and its rounding, as one type.</summary>
internal static class SlotFormats
{
    public static void Choose<TNext>(SlotStorage slot, ref TNext next) where TNext : struct, IFormatChoice
    {
        if (slot.Values == IntPtr.Zero)
        {
            next.With<Unused>();
            return;
        }
        switch (slot.Precision, slot.NonNegative, slot.Rounding)
        {
            case (StatePrecision.Float32, _, _): next.With<Floats>(); break;
            case (StatePrecision.BFloat16, _, StateRounding.Nearest): next.With<BFloat16s<ToNearest>>(); break;
            case (StatePrecision.BFloat16, _, StateRounding.Stochastic): next.With<BFloat16s<Stochastically>>(); break;
            case (StatePrecision.BFloat16, _, _): next.With<BFloat16s<Downward>>(); break;
            case (_, false, StateRounding.Nearest): next.With<EightBitCodes<Signed, ToNearest>>(); break;
            case (_, false, StateRounding.Stochastic): next.With<EightBitCodes<Signed, Stochastically>>(); break;
            case (_, false, _): next.With<EightBitCodes<Signed, Downward>>(); break;
            case (_, true, StateRounding.Nearest): next.With<EightBitCodes<Unsigned, ToNearest>>(); break;
            case (_, true, StateRounding.Stochastic): next.With<EightBitCodes<Unsigned, Stochastically>>(); break;
            default: next.With<EightBitCodes<Unsigned, Downward>>(); break;
        }
    }
}
