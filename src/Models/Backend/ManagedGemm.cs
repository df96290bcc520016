using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AsyncRL.Models.Backend;

/// <summary>
/// Managed SGEMM: a SIMD register tile (8×32 with AVX-512, 6×16 with AVX2) reading A in place and B
/// packed (or in place when it is row-major and small), cache-blocked Goto-style for large problems,
/// dot-product and transposed variants for the thin shapes of small networks, split across cores when it pays.
/// </summary>
internal static unsafe partial class ManagedGemm
{
    /// <summary>Name of the SIMD path in use, for logs.</summary>
    public static string Isa => Vector512.IsHardwareAccelerated ? "avx512" : $"vector{Vector<float>.Count * 32}";

    /// <summary>
    /// Arguments must already be validated (<see cref="Gemm"/> does it). Uses at most <paramref name="maxThreads"/>
    /// threads; <paramref name="portable"/> forces the <see cref="Vector{T}"/> kernels (so tests cover them on AVX-512 hosts).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        int maxThreads = 1, bool portable = false)
    {
        if (m == 0 || n == 0) return;
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            var ops = new Operands(
                pa, transA ? 1 : lda, transA ? lda : 1,
                pb, transB ? 1 : ldb, transB ? ldb : 1,
                pc, ldc, 1, alpha, beta);
            if (k == 0 || alpha == 0) ScaleC(ops, m, n);
            else if (Vector512.IsHardwareAccelerated && !portable) Run<Simd512, Vector512<float>>(ops, m, n, k, maxThreads);
            else Run<SimdVector, Vector<float>>(ops, m, n, k, maxThreads);
        }
    }

    /// <summary>
    /// Pointers and strides of one product: op(A)(i, p) = A[i·RsA + p·CsA], op(B)(p, j) = B[p·RsB + j·CsB],
    /// C(i, j) = C[i·RsC + j·CsC]. Always one of each pair is 1.
    /// </summary>
    private readonly struct Operands(float* a, nint rsA, nint csA, float* b, nint rsB, nint csB, float* c, nint rsC, nint csC, float alpha, float beta)
    {
        public readonly float* A = a;
        public readonly nint RsA = rsA, CsA = csA;
        public readonly float* B = b;
        public readonly nint RsB = rsB, CsB = csB;
        public readonly float* C = c;
        public readonly nint RsC = rsC, CsC = csC;
        public readonly float Alpha = alpha, Beta = beta;

        /// <summary>The block of the product from row i0, column j0 of C.</summary>
        public Operands Sub(int i0, int j0) =>
            new(A + i0 * RsA, RsA, CsA, B + j0 * CsB, RsB, CsB, C + i0 * RsC + j0 * CsC, RsC, CsC, Alpha, Beta);

        /// <summary>The same product as Cᵀ = op(B)ᵀ·op(A)ᵀ (swap m and n).</summary>
        public Operands Transposed() => new(B, CsB, RsB, A, CsA, RsA, C, CsC, RsC, Alpha, Beta);
    }

    /// <summary>Picks the single-threaded algorithm for one product or one thread's block of it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Single<TS, TV>(in Operands ops, int m, int n, int k)
        where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Width;
        bool rowsAlongK = ops.CsA == 1 && ops.CsC == 1;
        if (rowsAlongK && (n < w || (m < TS.TileRows && ops.RsB == 1)))
        {
            // Few columns, or few rows against a transposed B: dot products along k beat padded vectors
            // or a transposing pack. Bᵀ is packed only when it is stored the other way (n·k floats).
            float* bt = ops.B;
            nint ldbt = ops.CsB;
            if (ops.RsB != 1)
            {
                bt = PackBuffer(n * k);
                TransposeInto(ops.B, ops.RsB, k, n, bt, k);
                ldbt = k;
            }
            DotProduct<TS, TV>(ops.A, ops.RsA, bt, ldbt, ops.C, ops.RsC, m, n, k, ops.Alpha, ops.Beta);
        }
        else if (n < w && m > n && ops.RsA == 1)
        {
            // Few columns and A stored transposed (dW = dyᵀ·x): Cᵀ = op(B)ᵀ·op(A)ᵀ puts the long side in the vectors.
            Blocked<TS, TV>(ops.Transposed(), n, m, k);
        }
        else
        {
            Blocked<TS, TV>(ops, m, n, k);
        }
    }

    /// <summary>C = beta·C, never reading C when beta is 0 (it may hold NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaleC(in Operands ops, int m, int n)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(ops.C + i * ops.RsC, n);
            if (ops.Beta == 0) row.Clear();
            else if (ops.Beta != 1) TensorPrimitives.Multiply(row, ops.Beta, row);
        }
    }
}
