namespace AdaptiveLR.Properties;

/// <summary>
/// Singular values of small dense matrices by one-sided Jacobi (Hestenes): rotate column pairs until every pair is
/// orthogonal; the column norms are then the singular values. Independent of the code under test, accurate to a few
/// units of double rounding on the matrices the properties use (up to 16 × 16).
/// </summary>
public static class SingularValues
{
    /// <summary>The singular values of the row-major <paramref name="rows"/> × <paramref name="columns"/> matrix, descending.</summary>
    public static double[] Of(ReadOnlySpan<double> matrix, int rows, int columns)
    {
        // Work on the orientation with at most as many columns as rows: there are min(rows, columns) values.
        bool transpose = columns > rows;
        int m = transpose ? columns : rows, n = transpose ? rows : columns;
        var a = new double[m, n];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
                if (transpose) a[j, i] = matrix[i * columns + j];
                else a[i, j] = matrix[i * columns + j];
        for (int sweep = 0; sweep < 100; sweep++)
        {
            bool rotated = false;
            for (int p = 0; p < n - 1; p++)
                for (int q = p + 1; q < n; q++)
                {
                    double alpha = 0, beta = 0, gamma = 0;
                    for (int i = 0; i < m; i++)
                    {
                        alpha += a[i, p] * a[i, p];
                        beta += a[i, q] * a[i, q];
                        gamma += a[i, p] * a[i, q];
                    }
                    if (Math.Abs(gamma) <= 1e-15 * Math.Sqrt(alpha * beta)) continue;
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = Math.Sign(zeta == 0 ? 1 : zeta) / (Math.Abs(zeta) + Math.Sqrt(1 + zeta * zeta));
                    double c = 1 / Math.Sqrt(1 + t * t), s = c * t;
                    for (int i = 0; i < m; i++)
                    {
                        double x = a[i, p], y = a[i, q];
                        a[i, p] = c * x - s * y;
                        a[i, q] = s * x + c * y;
                    }
                }
            if (!rotated) break;
        }
        var values = new double[n];
        for (int j = 0; j < n; j++)
        {
            double sum = 0;
            for (int i = 0; i < m; i++) sum += a[i, j] * a[i, j];
            values[j] = Math.Sqrt(sum);
        }
        return [.. values.OrderDescending()];
    }
}
