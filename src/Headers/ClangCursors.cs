using System.Collections.Generic;
using System.Runtime.InteropServices;
using static Interop.Libclang;

namespace TpGen.Frontends.Headers;

/// <summary>Small, safe helpers over libclang's cursor functions.</summary>
internal static class ClangCursors
{
    /// <summary>The direct children of <paramref name="parent"/>, in source order.</summary>
    public static unsafe List<CXCursor> Children(CXCursor parent)
    {
        var children = new List<CXCursor>();
        GCHandle handle = GCHandle.Alloc(children);
        try
        {
            VisitChildren(parent, &CollectChild, GCHandle.ToIntPtr(handle));
        }
        finally
        {
            handle.Free();
        }
        return children;
    }

    // Runs under libclang's frames: it must not throw, so it only appends.
    [UnmanagedCallersOnly]
    private static CXChildVisitResult CollectChild(CXCursor cursor, CXCursor parent, nint clientData)
    {
        var children = (List<CXCursor>)GCHandle.FromIntPtr(clientData).Target!;
        children.Add(cursor);
        return CXChildVisitResult.Continue;
    }

    /// <summary>Whether the cursor is a real one (not a null or invalid cursor).</summary>
    public static bool IsValid(CXCursor cursor) =>
        cursor.Kind is not (>= CXCursorKind.FirstInvalid and <= CXCursorKind.LastInvalid) && cursor.Kind != 0;

    /// <summary>The first cursor of <paramref name="kind"/> at or below <paramref name="cursor"/> (depth first), if any.</summary>
    public static CXCursor? FindFirst(CXCursor cursor, CXCursorKind kind)
    {
        var pending = new Stack<CXCursor>();
        pending.Push(cursor);
        while (pending.Count > 0)
        {
            CXCursor current = pending.Pop();
            if (current.Kind == kind)
                return current;
            List<CXCursor> children = Children(current);
            for (int i = children.Count - 1; i >= 0; i--)
                pending.Push(children[i]);
        }
        return null;
    }

    /// <summary>The integer value of a constant expression (or a variable's initializer), if clang can evaluate it.</summary>
    public static long? EvaluateInteger(CXCursor cursor)
    {
        nint result = CursorEvaluate(cursor);
        if (result == 0)
            return null;
        try
        {
            if (EvalResultGetKind(result) != CXEvalResultKind.Int)
                return null;
            return EvalResultIsUnsignedInt(result) != 0 ? unchecked((long)EvalResultGetAsUnsigned(result)) : EvalResultGetAsLongLong(result);
        }
        finally
        {
            EvalResultDispose(result);
        }
    }

    /// <summary>The value of a string literal (or a variable initialised with one), with escapes decoded and adjacent literals joined.</summary>
    public static string? EvaluateString(CXCursor cursor)
    {
        nint result = CursorEvaluate(cursor);
        if (result == 0)
            return null;
        try
        {
            if (EvalResultGetKind(result) != CXEvalResultKind.StrLiteral)
                return null;
            nint text = EvalResultGetAsStr(result);
            return text == 0 ? null : Marshal.PtrToStringUTF8(text);
        }
        finally
        {
            EvalResultDispose(result);
        }
    }
}
