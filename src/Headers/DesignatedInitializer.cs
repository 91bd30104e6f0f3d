using System.Collections.Generic;
using static Interop.Libclang;

namespace TpGen.Frontends.Headers;

/// <summary>
/// Reads a struct's initializer list as the source wrote it: libclang shows the syntactic form,
/// where <c>.name = value</c> is an unexposed expression holding the designator path (member
/// references) and then the value, and a value without a designator initialises the member
/// after the previous one (<c>__field_struct_ext</c> writes <c>.align = ..., 0, .filter_type = ...</c>).
/// </summary>
internal static class DesignatedInitializer
{
    /// <summary>The value cursor for each member the list initialises, by member name.</summary>
    /// <param name="initList">An <c>InitListExpr</c> cursor.</param>
    /// <param name="memberOrder">The struct's members in declaration order, anonymous members flattened, for positional values; null to ignore those.</param>
    public static Dictionary<string, CXCursor> Read(CXCursor initList, IReadOnlyList<string>? memberOrder)
    {
        var values = new Dictionary<string, CXCursor>();
        int next = 0;
        foreach (CXCursor item in ClangCursors.Children(initList))
        {
            string? member = null;
            CXCursor value = item;
            if (item.Kind == CXCursorKind.UnexposedExpr)
            {
                List<CXCursor> parts = ClangCursors.Children(item);
                if (parts.Count >= 2 && parts[0].Kind == CXCursorKind.MemberRef)
                {
                    // The designator path: anonymous members have empty names; the last named one is the target.
                    for (int i = 0; i < parts.Count - 1; i++)
                    {
                        if (parts[i].Kind == CXCursorKind.MemberRef && GetCursorSpelling(parts[i]) is { Length: > 0 } name)
                            member = name;
                    }
                    value = parts[^1];
                }
            }
            if (member is null)
            {
                if (memberOrder is null || next >= memberOrder.Count)
                    continue;
                member = memberOrder[next];
            }
            values[member] = value;
            if (memberOrder is not null)
            {
                int index = IndexOf(memberOrder, member);
                next = index < 0 ? memberOrder.Count : index + 1;
            }
        }
        return values;
    }

    /// <summary>The members of a struct definition in order, with the members of anonymous structs and unions in place.</summary>
    public static List<string> MemberOrder(CXCursor structDefinition)
    {
        var members = new List<string>();
        AddMembers(structDefinition, members, depth: 0);
        return members;
    }

    private static void AddMembers(CXCursor record, List<string> members, int depth)
    {
        if (depth > 8)
            return;
        foreach (CXCursor child in ClangCursors.Children(record))
        {
            if (child.Kind == CXCursorKind.FieldDecl)
            {
                string name = GetCursorSpelling(child);
                if (name.Length > 0)
                    members.Add(name);
            }
            else if (child.Kind is CXCursorKind.StructDecl or CXCursorKind.UnionDecl && CursorIsAnonymous(child) != 0)
            {
                AddMembers(child, members, depth + 1);
            }
        }
    }

    private static int IndexOf(IReadOnlyList<string> list, string item)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] == item)
                return i;
        }
        return -1;
    }
}
