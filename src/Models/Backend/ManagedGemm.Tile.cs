using System.Runtime.CompilerServices;

namespace AsyncRL.Models.Backend;

internal static unsafe partial class ManagedGemm
{
    /// <summary>
    /// The register tile: C[0..TR, 0..cols) = alpha·A·B + beta·C for TR rows of A and a panel of B that is
    /// TN vectors wide, all accumulators in registers. A element (r, p) is at a[r·rsA + p·csA], read in
    /// place in either orientation and broadcast; B row p is TN vectors at b + p·rsB (zero-padded past cols).
    /// The row and vector counts are type arguments, so each shape compiles to straight-line code.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TS, TV, TR, TN>(int k, float* a, nint rsA, nint csA, float* b, nint rsB,
        float* c, nint ldc, int cols, float alpha, float beta)
        where TS : struct, ISimd<TV> where TV : struct where TR : struct, IConst where TN : struct, IConst
    {
        int w = TS.Width;
        TV c00 = TS.Zero, c01 = TS.Zero;
        TV c10 = TS.Zero, c11 = TS.Zero;
        TV c20 = TS.Zero, c21 = TS.Zero;
        TV c30 = TS.Zero, c31 = TS.Zero;
        TV c40 = TS.Zero, c41 = TS.Zero;
        TV c50 = TS.Zero, c51 = TS.Zero;
        TV c60 = TS.Zero, c61 = TS.Zero;
        TV c70 = TS.Zero, c71 = TS.Zero;
        nint rs2 = 2 * rsA, rs3 = 3 * rsA, rs4 = 4 * rsA, rs5 = 5 * rsA, rs6 = 6 * rsA, rs7 = 7 * rsA;
        for (int p = 0; p < k; p++)
        {
            TV b0 = TS.Load(b);
            TV b1 = TN.Value > 1 ? TS.Load(b + w) : TS.Zero;
            {
                var x = TS.Broadcast(a[0]);
                c00 = TS.Fma(x, b0, c00);
                if (TN.Value > 1) c01 = TS.Fma(x, b1, c01);
            }
            if (TR.Value > 1)
            {
                var x = TS.Broadcast(a[rsA]);
                c10 = TS.Fma(x, b0, c10);
                if (TN.Value > 1) c11 = TS.Fma(x, b1, c11);
            }
            if (TR.Value > 2)
            {
                var x = TS.Broadcast(a[rs2]);
                c20 = TS.Fma(x, b0, c20);
                if (TN.Value > 1) c21 = TS.Fma(x, b1, c21);
            }
            if (TR.Value > 3)
            {
                var x = TS.Broadcast(a[rs3]);
                c30 = TS.Fma(x, b0, c30);
                if (TN.Value > 1) c31 = TS.Fma(x, b1, c31);
            }
            if (TR.Value > 4)
            {
                var x = TS.Broadcast(a[rs4]);
                c40 = TS.Fma(x, b0, c40);
                if (TN.Value > 1) c41 = TS.Fma(x, b1, c41);
            }
            if (TR.Value > 5)
            {
                var x = TS.Broadcast(a[rs5]);
                c50 = TS.Fma(x, b0, c50);
                if (TN.Value > 1) c51 = TS.Fma(x, b1, c51);
            }
            if (TR.Value > 6)
            {
                var x = TS.Broadcast(a[rs6]);
                c60 = TS.Fma(x, b0, c60);
                if (TN.Value > 1) c61 = TS.Fma(x, b1, c61);
            }
            if (TR.Value > 7)
            {
                var x = TS.Broadcast(a[rs7]);
                c70 = TS.Fma(x, b0, c70);
                if (TN.Value > 1) c71 = TS.Fma(x, b1, c71);
            }
            a += csA;
            b += rsB;
        }
        StoreRow<TS, TV, TN>(c + 0 * ldc, c00, c01, cols, alpha, beta);
        if (TR.Value > 1) StoreRow<TS, TV, TN>(c + 1 * ldc, c10, c11, cols, alpha, beta);
        if (TR.Value > 2) StoreRow<TS, TV, TN>(c + 2 * ldc, c20, c21, cols, alpha, beta);
        if (TR.Value > 3) StoreRow<TS, TV, TN>(c + 3 * ldc, c30, c31, cols, alpha, beta);
        if (TR.Value > 4) StoreRow<TS, TV, TN>(c + 4 * ldc, c40, c41, cols, alpha, beta);
        if (TR.Value > 5) StoreRow<TS, TV, TN>(c + 5 * ldc, c50, c51, cols, alpha, beta);
        if (TR.Value > 6) StoreRow<TS, TV, TN>(c + 6 * ldc, c60, c61, cols, alpha, beta);
        if (TR.Value > 7) StoreRow<TS, TV, TN>(c + 7 * ldc, c70, c71, cols, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TS, TV, TN>(float* c, TV v0, TV v1, int cols, float alpha, float beta)
        where TS : struct, ISimd<TV> where TV : struct where TN : struct, IConst
    {
        int w = TS.Width;
        if (alpha != 1)
        {
            var va = TS.Broadcast(alpha);
            v0 = TS.Multiply(v0, va);
            if (TN.Value > 1) v1 = TS.Multiply(v1, va);
        }
        if (cols == TN.Value * w)
        {
            if (beta != 0)
            {
                var vb = TS.Broadcast(beta);
                v0 = TS.Fma(TS.Load(c), vb, v0);
                if (TN.Value > 1) v1 = TS.Fma(TS.Load(c + w), vb, v1);
            }
            TS.Store(c, v0);
            if (TN.Value > 1) TS.Store(c + w, v1);
            return;
        }
        // Edge of the matrix: masked lanes, so nothing past column cols is read or written.
        int first = Math.Min(cols, w);
        if (beta != 0) v0 = TS.Fma(first == w ? TS.Load(c) : TS.LoadPartial(c, first), TS.Broadcast(beta), v0);
        if (first == w) TS.Store(c, v0);
        else TS.StorePartial(c, v0, first);
        int second = cols - w;
        if (TN.Value > 1 && second > 0)
        {
            if (beta != 0) v1 = TS.Fma(TS.LoadPartial(c + w, second), TS.Broadcast(beta), v1);
            TS.StorePartial(c + w, v1, second);
        }
    }

    /// <summary>Dispatches to the tile specialised for this many rows and vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileAny<TS, TV>(int rows, bool twoVectors, int k, float* a, nint rsA, nint csA,
        float* b, nint rsB, float* c, nint ldc, int cols, float alpha, float beta)
        where TS : struct, ISimd<TV> where TV : struct
    {
        if (twoVectors)
        {
            switch (rows)
            {
                case 8: Tile<TS, TV, C8, C2>(k, a, rsA, csA, b, rsB, c, ldc, cols, alpha, beta); break;
                case 7: Tile<TS, TV, C7, C2>(k, a, rsA, csA, b, rsB, c, ldc, cols, alpha, beta); break;
                case 6: Tile<TS, TV, C6, C2>(k, a, rsA, csA, b, rsB, c, ldc, cols, alpha, beta); break;
                case 5: Tile<TS, TV, C5, C2>(k, a, rsA, csA, b, rsB, c, ldc, cols, alpha, beta); break;
                case 4: Tile<TS, TV, C4, C2>(k, a, rsA, csA, b, rsB, c, ldc, cols, alpha, beta); break;
                case 3: Tile<TS, TV, C3, C2>(k, a, rsA, csA, b, rsB, c, ldc, cols, alpha, beta); break;
                case 2: Tile<TS, TV, C2, C2>(k, a, rsA, csA, b, rsB, c, ldc, cols, alpha, beta); break;
                default: Tile<TS, TV, C1, C2>(k, a, rsA, csA, b, rsB, c, ldc, cols, alpha, beta); break;
            }
        }
        else
        {
            switch (rows)
            {
                case 8: Tile<TS, TV, C8, C1>(k, a, rsA, csA, b, rsB, c, ldc, cols, alpha, beta); break;
                case 7: Tile<TS, TV, C7, C1>(k, a, rsA, csA, b, rsB, c, ldc, cols, alpha, beta); break;
                case 6: Tile<TS, TV, C6, C1>(k, a, rsA, csA, b, rsB, c, ldc, cols, alpha, beta); break;
                case 5: Tile<TS, TV, C5, C1>(k, a, rsA, csA, b, rsB, c, ldc, cols, alpha, beta); break;
                case 4: Tile<TS, TV, C4, C1>(k, a, rsA, csA, b, rsB, c, ldc, cols, alpha, beta); break;
                case 3: Tile<TS, TV, C3, C1>(k, a, rsA, csA, b, rsB, c, ldc, cols, alpha, beta); break;
                case 2: Tile<TS, TV, C2, C1>(k, a, rsA, csA, b, rsB, c, ldc, cols, alpha, beta); break;
                default: Tile<TS, TV, C1, C1>(k, a, rsA, csA, b, rsB, c, ldc, cols, alpha, beta); break;
            }
        }
    }
}
