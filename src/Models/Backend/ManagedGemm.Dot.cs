using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AsyncRL.Models.Backend;

internal static unsafe partial class ManagedGemm
{
    /// <summary>
    /// C = alpha·A·Bᵀ + beta·C with A rows and Bᵀ rows both contiguous along k, as dot products: for
    /// products with few rows (one observation) or few columns (a policy or value head), where the
    /// broadcast tile would waste lanes or transposing B would cost more than the arithmetic.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotProduct<TS, TV>(float* a, nint lda, float* b, nint ldb, float* c, nint ldc,
        int m, int n, int k, float alpha, float beta)
        where TS : struct, ISimd<TV> where TV : struct
    {
        for (int i0 = 0; i0 < m; i0 += 4)
        {
            int rows = Math.Min(4, m - i0);
            float* ai = a + i0 * lda, ci = c + i0 * ldc;
            int j0 = 0;
            for (; j0 + 4 <= n; j0 += 4) DotRows<TS, TV, C4>(rows, k, ai, lda, b + j0 * ldb, ldb, ci + j0, ldc, alpha, beta);
            for (; j0 + 2 <= n; j0 += 2) DotRows<TS, TV, C2>(rows, k, ai, lda, b + j0 * ldb, ldb, ci + j0, ldc, alpha, beta);
            if (j0 < n) DotRows<TS, TV, C1>(rows, k, ai, lda, b + j0 * ldb, ldb, ci + j0, ldc, alpha, beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotRows<TS, TV, TC>(int rows, int k, float* a, nint lda, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
        where TS : struct, ISimd<TV> where TV : struct where TC : struct, IConst
    {
        switch (rows)
        {
            case 4: DotTile<TS, TV, C4, TC>(k, a, lda, b, ldb, c, ldc, alpha, beta); break;
            case 3: DotTile<TS, TV, C3, TC>(k, a, lda, b, ldb, c, ldc, alpha, beta); break;
            case 2: DotTile<TS, TV, C2, TC>(k, a, lda, b, ldb, c, ldc, alpha, beta); break;
            default: DotTile<TS, TV, C1, TC>(k, a, lda, b, ldb, c, ldc, alpha, beta); break;
        }
    }

    /// <summary>TR×TC dot products of length k, each kept as a vector of partial sums until the end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotTile<TS, TV, TR, TC>(int k, float* a, nint lda, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
        where TS : struct, ISimd<TV> where TV : struct where TR : struct, IConst where TC : struct, IConst
    {
        int w = TS.Width;
        TV s00 = TS.Zero, s01 = TS.Zero, s02 = TS.Zero, s03 = TS.Zero;
        TV s10 = TS.Zero, s11 = TS.Zero, s12 = TS.Zero, s13 = TS.Zero;
        TV s20 = TS.Zero, s21 = TS.Zero, s22 = TS.Zero, s23 = TS.Zero;
        TV s30 = TS.Zero, s31 = TS.Zero, s32 = TS.Zero, s33 = TS.Zero;
        TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero;
        TV b0 = TS.Zero, b1 = TS.Zero, b2 = TS.Zero, b3 = TS.Zero;
        for (int p = 0; p < k; p += w)
        {
            int rest = k - p;
            if (rest >= w)
            {
                b0 = TS.Load(b + p);
                if (TC.Value > 1) b1 = TS.Load(b + ldb + p);
                if (TC.Value > 2) b2 = TS.Load(b + 2 * ldb + p);
                if (TC.Value > 3) b3 = TS.Load(b + 3 * ldb + p);
                a0 = TS.Load(a + p);
                if (TR.Value > 1) a1 = TS.Load(a + lda + p);
                if (TR.Value > 2) a2 = TS.Load(a + 2 * lda + p);
                if (TR.Value > 3) a3 = TS.Load(a + 3 * lda + p);
            }
            else
            {
                // The ragged end of k: zero lanes add nothing.
                b0 = TS.LoadPartial(b + p, rest);
                if (TC.Value > 1) b1 = TS.LoadPartial(b + ldb + p, rest);
                if (TC.Value > 2) b2 = TS.LoadPartial(b + 2 * ldb + p, rest);
                if (TC.Value > 3) b3 = TS.LoadPartial(b + 3 * ldb + p, rest);
                a0 = TS.LoadPartial(a + p, rest);
                if (TR.Value > 1) a1 = TS.LoadPartial(a + lda + p, rest);
                if (TR.Value > 2) a2 = TS.LoadPartial(a + 2 * lda + p, rest);
                if (TR.Value > 3) a3 = TS.LoadPartial(a + 3 * lda + p, rest);
            }
            s00 = TS.Fma(a0, b0, s00);
            if (TC.Value > 1) s01 = TS.Fma(a0, b1, s01);
            if (TC.Value > 2) s02 = TS.Fma(a0, b2, s02);
            if (TC.Value > 3) s03 = TS.Fma(a0, b3, s03);
            if (TR.Value > 1) s10 = TS.Fma(a1, b0, s10);
            if (TR.Value > 1 && TC.Value > 1) s11 = TS.Fma(a1, b1, s11);
            if (TR.Value > 1 && TC.Value > 2) s12 = TS.Fma(a1, b2, s12);
            if (TR.Value > 1 && TC.Value > 3) s13 = TS.Fma(a1, b3, s13);
            if (TR.Value > 2) s20 = TS.Fma(a2, b0, s20);
            if (TR.Value > 2 && TC.Value > 1) s21 = TS.Fma(a2, b1, s21);
            if (TR.Value > 2 && TC.Value > 2) s22 = TS.Fma(a2, b2, s22);
            if (TR.Value > 2 && TC.Value > 3) s23 = TS.Fma(a2, b3, s23);
            if (TR.Value > 3) s30 = TS.Fma(a3, b0, s30);
            if (TR.Value > 3 && TC.Value > 1) s31 = TS.Fma(a3, b1, s31);
            if (TR.Value > 3 && TC.Value > 2) s32 = TS.Fma(a3, b2, s32);
            if (TR.Value > 3 && TC.Value > 3) s33 = TS.Fma(a3, b3, s33);
        }
        // Reduce four accumulators per horizontal-add tree, grouped to match how C is laid out.
        if (TC.Value == 4)
        {
            StoreRow4(c, TS.Sum4(s00, s01, s02, s03), alpha, beta);
            if (TR.Value > 1) StoreRow4(c + ldc, TS.Sum4(s10, s11, s12, s13), alpha, beta);
            if (TR.Value > 2) StoreRow4(c + 2 * ldc, TS.Sum4(s20, s21, s22, s23), alpha, beta);
            if (TR.Value > 3) StoreRow4(c + 3 * ldc, TS.Sum4(s30, s31, s32, s33), alpha, beta);
        }
        else if (TC.Value == 2)
        {
            var top = TS.Sum4(s00, s01, s10, s11);
            Put(c, top.GetElement(0), alpha, beta);
            Put(c + 1, top.GetElement(1), alpha, beta);
            if (TR.Value > 1)
            {
                Put(c + ldc, top.GetElement(2), alpha, beta);
                Put(c + ldc + 1, top.GetElement(3), alpha, beta);
            }
            if (TR.Value > 2)
            {
                var bottom = TS.Sum4(s20, s21, s30, s31);
                Put(c + 2 * ldc, bottom.GetElement(0), alpha, beta);
                Put(c + 2 * ldc + 1, bottom.GetElement(1), alpha, beta);
                if (TR.Value > 3)
                {
                    Put(c + 3 * ldc, bottom.GetElement(2), alpha, beta);
                    Put(c + 3 * ldc + 1, bottom.GetElement(3), alpha, beta);
                }
            }
        }
        else
        {
            var column = TS.Sum4(s00, s10, s20, s30);
            Put(c, column.GetElement(0), alpha, beta);
            if (TR.Value > 1) Put(c + ldc, column.GetElement(1), alpha, beta);
            if (TR.Value > 2) Put(c + 2 * ldc, column.GetElement(2), alpha, beta);
            if (TR.Value > 3) Put(c + 3 * ldc, column.GetElement(3), alpha, beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow4(float* c, Vector128<float> sums, float alpha, float beta)
    {
        sums *= alpha;
        if (beta != 0) sums += Vector128.Load(c) * beta;
        sums.Store(c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* c, float sum, float alpha, float beta) =>
        *c = alpha * sum + (beta != 0 ? beta * *c : 0f);
}
