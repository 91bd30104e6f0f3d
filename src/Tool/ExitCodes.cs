namespace TpGen.Tool;

/// <summary>What <c>tpgen</c> returns to the shell.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
}
