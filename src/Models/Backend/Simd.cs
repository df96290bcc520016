using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AsyncRL.Models.Backend;

/// <summary>
/// The few vector operations the GEMM kernels need, as static abstract members so one kernel source
/// serves every width: the JIT specialises generic code over struct type arguments, so the calls
/// inline to plain intrinsics.
/// </summary>
internal unsafe interface ISimd<TV> where TV : struct
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Width { get; }

    /// <summary>Rows of the register tile (MR): as many as the register file holds without spilling.</summary>
    static abstract int TileRows { get; }

    static abstract TV Zero { get; }

    static abstract TV Load(float* p);

    /// <summary>Loads the first <paramref name="count"/> lanes (less than a vector), zero elsewhere; reads nothing past them.</summary>
    static abstract TV LoadPartial(float* p, int count);

    static abstract void Store(float* p, TV v);

    /// <summary>Stores the first <paramref name="count"/> lanes (less than a vector); writes nothing past them.</summary>
    static abstract void StorePartial(float* p, TV v, int count);

    static abstract TV Broadcast(float value);

    /// <summary>a·b + c.</summary>
    static abstract TV Fma(TV a, TV b, TV c);

    static abstract TV Multiply(TV a, TV b);

    /// <summary>The lane sums of four vectors, in order.</summary>
    static abstract Vector128<float> Sum4(TV a, TV b, TV c, TV d);
}

/// <summary>AVX-512: 16 lanes, 32 registers (16 accumulators in an 8×32 tile).</summary>
internal unsafe struct Simd512 : ISimd<Vector512<float>>
{
    public static int Width => Vector512<float>.Count;

    public static int TileRows => 8;

    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(float* p) => Vector512.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadPartial(float* p, int count) =>
        Avx512F.MaskLoad(p, Mask(count), Vector512<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* p, Vector512<float> v) => v.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StorePartial(float* p, Vector512<float> v, int count) => Avx512F.MaskStore(p, Mask(count), v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
        Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

    // Fold each to 256 bits, then a horizontal-add tree: 13 operations instead of four full reductions.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d) =>
        HorizontalSums.Fold(Avx.HorizontalAdd(
            Avx.HorizontalAdd(a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper()),
            Avx.HorizontalAdd(c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper())));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Mask(int count) =>
        Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();
}

/// <summary>
/// Portable fallback on <see cref="Vector{T}"/>: 8 lanes with AVX2 (16 registers, so a 6-row tile),
/// 4 lanes on Arm64 NEON.
/// </summary>
internal unsafe struct SimdVector : ISimd<Vector<float>>
{
    public static int Width => Vector<float>.Count;

    public static int TileRows => 6;

    public static Vector<float> Zero => Vector<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Load(float* p) => Vector.Load(p);

    public static Vector<float> LoadPartial(float* p, int count)
    {
        var v = Vector<float>.Zero;
        ref float lanes = ref Unsafe.As<Vector<float>, float>(ref v);
        for (int i = 0; i < count; i++) Unsafe.Add(ref lanes, i) = p[i];
        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* p, Vector<float> v) => v.Store(p);

    public static void StorePartial(float* p, Vector<float> v, int count)
    {
        for (int i = 0; i < count; i++) p[i] = v[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Broadcast(float value) => new(value);

    // MultiplyAddEstimate fuses where the hardware has FMA and falls back to multiply + add elsewhere.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Fma(Vector<float> a, Vector<float> b, Vector<float> c) => Vector.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Multiply(Vector<float> a, Vector<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector<float> a, Vector<float> b, Vector<float> c, Vector<float> d)
    {
        if (Avx.IsSupported && Vector<float>.Count == 8)
        {
            return HorizontalSums.Fold(Avx.HorizontalAdd(
                Avx.HorizontalAdd(a.AsVector256(), b.AsVector256()),
                Avx.HorizontalAdd(c.AsVector256(), d.AsVector256())));
        }
        return Vector128.Create(Vector.Sum(a), Vector.Sum(b), Vector.Sum(c), Vector.Sum(d));
    }
}

internal static class HorizontalSums
{
    /// <summary>Adds the two 128-bit halves: after two levels of hadd they hold partial sums of the same four vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Fold(Vector256<float> v) => v.GetLower() + v.GetUpper();
}

/// <summary>A compile-time integer for kernel specialisation (rows of a tile, vectors per row).</summary>
internal interface IConst
{
    static abstract int Value { get; }
}

#pragma warning disable CA1812 // used only as generic arguments
internal readonly struct C1 : IConst { public static int Value => 1; }
internal readonly struct C2 : IConst { public static int Value => 2; }
internal readonly struct C3 : IConst { public static int Value => 3; }
internal readonly struct C4 : IConst { public static int Value => 4; }
internal readonly struct C5 : IConst { public static int Value => 5; }
internal readonly struct C6 : IConst { public static int Value => 6; }
internal readonly struct C7 : IConst { public static int Value => 7; }
internal readonly struct C8 : IConst { public static int Value => 8; }
#pragma warning restore CA1812
