using System.Runtime.CompilerServices;

namespace AsyncRL.Models.Backend;

internal static unsafe partial class ManagedGemm
{
    // Cache blocking: a KC×NR panel of B is reused by every row tile of an MC-row block of A; a KC×NC
    // block of B (1 MiB packed) is reused by all of A. Varying them ±2× changed little on Zen 4.
    private const int KC = 256;
    private const int NC = 1024;

    /// <summary>
    /// The Goto/BLIS loop nest around <see cref="Tile"/>. B is packed block by block into zero-padded
    /// panels, unless it is row-major and fits one block (then only its ragged last panel is).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Blocked<TS, TV>(in Operands ops, int m, int n, int k)
        where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Width, nr = 2 * w, mr = TS.TileRows, mc = 16 * mr;
        bool directB = ops.CsB == 1 && n <= NC && k <= KC;
        // A transposed C (see Single) goes through a tile-sized buffer.
        float* cTile = stackalloc float[ops.CsC == 1 ? 1 : mr * nr];
        for (int jc = 0; jc < n; jc += NC)
        {
            int ncb = Math.Min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC)
            {
                int kcb = Math.Min(KC, k - pc);
                float beta = pc == 0 ? ops.Beta : 1f;
                float* bBlock = ops.B + pc * ops.RsB + jc * ops.CsB;
                int fullPanels = ncb / nr;
                float* packedB = null;
                if (!directB)
                {
                    packedB = PackBuffer(kcb * (fullPanels + 1) * nr);
                    PackB(bBlock, ops.RsB, ops.CsB, kcb, ncb, nr, packedB);
                }
                else if (fullPanels * nr < ncb)
                {
                    // Direct B still needs its ragged last panel packed, zero-padded for whole-vector loads.
                    packedB = PackBuffer(kcb * nr);
                    PackB(bBlock + fullPanels * nr, ops.RsB, 1, kcb, ncb - fullPanels * nr, nr, packedB);
                }
                for (int ic = 0; ic < m; ic += mc)
                {
                    int mcb = Math.Min(mc, m - ic);
                    // A is read where it lies: packing it measured no faster here, even for strides of 4 KiB
                    // multiples, since a tile touches only TileRows rows of it.
                    float* aBlock = ops.A + ic * ops.RsA + pc * ops.CsA;
                    for (int j0 = 0; j0 < ncb; j0 += nr)
                    {
                        int cols = Math.Min(nr, ncb - j0);
                        bool direct = directB && cols == nr;
                        float* bPanel = direct ? bBlock + j0 : packedB + (directB ? 0 : (nint)(j0 / nr) * kcb * nr);
                        nint rsB = direct ? ops.RsB : nr;
                        float* aPanel = aBlock;
                        for (int i0 = 0; i0 < mcb; i0 += mr, aPanel += mr * ops.RsA)
                        {
                            int rows = Math.Min(mr, mcb - i0);
                            float* c = ops.C + (ic + i0) * ops.RsC + (jc + j0) * ops.CsC;
                            if (ops.CsC == 1)
                            {
                                TileAny<TS, TV>(rows, cols > w, kcb, aPanel, ops.RsA, ops.CsA, bPanel, rsB, c, ops.RsC, cols, ops.Alpha, beta);
                            }
                            else
                            {
                                TileAny<TS, TV>(rows, cols > w, kcb, aPanel, ops.RsA, ops.CsA, bPanel, rsB, cTile, nr, cols, 1f, 0f);
                                MergeTile(cTile, nr, rows, cols, c, ops.RsC, ops.CsC, ops.Alpha, beta);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>C(r, q) = alpha·tile[r, q] + beta·C(r, q) for a C with arbitrary strides.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MergeTile(float* tile, nint ldt, int rows, int cols, float* c, nint rsC, nint csC, float alpha, float beta)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int q = 0; q < cols; q++)
            {
                ref float cv = ref c[r * rsC + q * csC];
                cv = alpha * tile[r * ldt + q] + (beta != 0 ? beta * cv : 0f);
            }
        }
    }
}
