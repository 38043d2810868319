namespace AdaptiveLR.Pure.Numerics;

/// <summary>How compressed state (<see cref="StateCodec"/>) rounds a slot's values to its codes.</summary>
public enum StateRounding
{
    /// <summary>To the nearest code (bfloat16: ties to even): what signed slots (momenta) use, whose errors change sign with the gradient.</summary>
    Nearest,

    /// <summary>
    /// Up with probability equal to the fraction of the code step the value lies above the code below it, so that the decoded value's
    /// expectation is the value: what non-negative slots (sums, slow averages) use, whose small increments rounding to nearest would lose.
    /// </summary>
    Stochastic,

    /// <summary>
    /// Toward zero, on 8-bit blocks whose scale is a power of two: what a running maximum (AMSGrad's v_max) uses. A coded value never exceeds
    /// the value, and a value already on a code stays exactly where it is when its block is coded again after its scale grew (a power-of-two
    /// scale only shifts the codes' exponents), so that a non-decreasing slot's coded values never decrease. On a block's largest value
    /// (its scale), rounding to nearest or stochastically would keep a code as the scale grows and so drag the whole block up with its largest
    /// element, or re-draw every element at each rescale, which a running maximum keeps whenever it lands high.
    /// </summary>
    Down,
}
