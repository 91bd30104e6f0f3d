namespace TpGen.Formatting;

/// <summary>
/// C division for generated print code. C leaves division by zero undefined; a record can hold
/// a zero the kernel never divided by, so these return 0 instead of throwing.
/// </summary>
public static class CArithmetic
{
    /// <summary><c>a / b</c>, or 0 when <c>b</c> is 0 or the quotient overflows.</summary>
    public static int Divide(int a, int b) => b == 0 || (a == int.MinValue && b == -1) ? 0 : a / b;

    /// <summary><c>a / b</c>, or 0 when <c>b</c> is 0.</summary>
    public static uint Divide(uint a, uint b) => b == 0 ? 0 : a / b;

    /// <summary><c>a / b</c>, or 0 when <c>b</c> is 0 or the quotient overflows.</summary>
    public static long Divide(long a, long b) => b == 0 || (a == long.MinValue && b == -1) ? 0 : a / b;

    /// <summary><c>a / b</c>, or 0 when <c>b</c> is 0.</summary>
    public static ulong Divide(ulong a, ulong b) => b == 0 ? 0 : a / b;

    /// <summary><c>a % b</c>, or 0 when <c>b</c> is 0 or -1.</summary>
    public static int Remainder(int a, int b) => b == 0 || b == -1 ? 0 : a % b;

    /// <summary><c>a % b</c>, or 0 when <c>b</c> is 0.</summary>
    public static uint Remainder(uint a, uint b) => b == 0 ? 0 : a % b;

    /// <summary><c>a % b</c>, or 0 when <c>b</c> is 0 or -1.</summary>
    public static long Remainder(long a, long b) => b == 0 || b == -1 ? 0 : a % b;

    /// <summary><c>a % b</c>, or 0 when <c>b</c> is 0.</summary>
    public static ulong Remainder(ulong a, ulong b) => b == 0 ? 0 : a % b;
}
