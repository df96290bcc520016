using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.InteropServices;

namespace AsyncRL.Models.Backend;

internal static unsafe partial class ManagedGemm
{
    // Per-thread packing buffer, pinned so kernels can hold raw pointers; it only grows (to 1 MiB at most
    // in the blocked path), so warmed-up products allocate nothing.
    [ThreadStatic] private static float[]? t_pack;

    private static float* PackBuffer(int length)
    {
        if (t_pack is null || t_pack.Length < length)
            t_pack = GC.AllocateUninitializedArray<float>(Math.Max(length, 4096), pinned: true);
        return (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(t_pack));
    }

    /// <summary>
    /// Packs op(B)[0..kc, 0..nc) into panels of <paramref name="nr"/> columns, each kc rows of nr
    /// contiguous floats, zero-padded past nc so the kernel can always load whole vectors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(float* b, nint rsB, nint csB, int kc, int nc, int nr, float* dest)
    {
        for (int j0 = 0; j0 < nc; j0 += nr)
        {
            int cols = Math.Min(nr, nc - j0);
            float* src = b + j0 * csB;
            if (csB == 1)
            {
                // Row-major op(B): each panel row is a contiguous run.
                for (int p = 0; p < kc; p++)
                {
                    float* d = dest + p * nr;
                    Copy(src + p * rsB, d, cols);
                    for (int j = cols; j < nr; j++) d[j] = 0;
                }
            }
            else
            {
                // Transposed op(B): stored rows of B become panel columns.
                TransposeInto(src, csB, cols, kc, dest, nr);
                for (int p = 0; p < kc && cols < nr; p++)
                    new Span<float>(dest + p * nr + cols, nr - cols).Clear();
            }
            dest += kc * nr;
        }
    }

    /// <summary>Copies a short run (a panel row: up to a few vectors), where a memmove call would cost more than the copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(float* src, float* dest, int count)
    {
        int i = 0;
        for (; i + Vector128<float>.Count <= count; i += Vector128<float>.Count) Vector128.Load(src + i).Store(dest + i);
        for (; i < count; i++) dest[i] = src[i];
    }

    /// <summary>dest[p·ldd + r] = src[r·lds + p] for r &lt; rows, p &lt; cols: 8×8 register transposes where AVX allows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeInto(float* src, nint lds, int rows, int cols, float* dest, nint ldd)
    {
        int r0 = 0;
        if (Avx.IsSupported)
        {
            for (; r0 + 8 <= rows; r0 += 8)
            {
                int p0 = 0;
                for (; p0 + 8 <= cols; p0 += 8) Transpose8x8(src + r0 * lds + p0, lds, dest + p0 * ldd + r0, ldd);
                for (; p0 < cols; p0++)
                {
                    for (int r = r0; r < r0 + 8; r++) dest[p0 * ldd + r] = src[r * lds + p0];
                }
            }
        }
        for (int r = r0; r < rows; r++)
        {
            float* s = src + r * lds;
            for (int p = 0; p < cols; p++) dest[p * ldd + r] = s[p];
        }
    }

    /// <summary>The classic unpack/shuffle/permute 8×8 transpose: dst row c = src column c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, nint lds, float* dst, nint ldd)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + lds);
        var r2 = Avx.LoadVector256(src + 2 * lds);
        var r3 = Avx.LoadVector256(src + 3 * lds);
        var r4 = Avx.LoadVector256(src + 4 * lds);
        var r5 = Avx.LoadVector256(src + 5 * lds);
        var r6 = Avx.LoadVector256(src + 6 * lds);
        var r7 = Avx.LoadVector256(src + 7 * lds);
        // Interleave pairs of rows, then pairs of pairs: each 128-bit lane then holds a 4×4 transpose.
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var s0 = Avx.Shuffle(t0, t2, 0x44);
        var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44);
        var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44);
        var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44);
        var s7 = Avx.Shuffle(t5, t7, 0xEE);
        // Swap 128-bit halves between the top and bottom four rows.
        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2 * ldd, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3 * ldd, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4 * ldd, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5 * ldd, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6 * ldd, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7 * ldd, Avx.Permute2x128(s3, s7, 0x31));
    }
}
