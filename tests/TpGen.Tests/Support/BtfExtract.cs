using System.Collections.Generic;
using TpGen.Frontends.Btf;

namespace TpGen.Tests.Support;

/// <summary>
/// Copies the types a few roots need out of a real BTF into a small blob: the same records,
/// renumbered, with structs and unions reached only through pointers cut down to forward
/// declarations (so <c>struct sk_buff *</c> does not pull in half the kernel). Schemas read
/// from the copy equal those read from the original.
/// </summary>
internal static class BtfExtract
{
    public static byte[] Closure(BtfData source, IEnumerable<int> roots)
    {
        // Pass 1: the closure, in a fixed order; a node is a type, or a struct seen as a forward.
        var order = new List<(int Id, bool AsForward)>();
        var numbers = new Dictionary<(int, bool), int>();
        var pending = new Queue<(int Id, bool ThroughPointer)>();
        void Visit(int id, bool throughPointer)
        {
            if (id == 0)
                return;
            BtfKind kind = source.KindOf(id);
            bool asForward = throughPointer && kind is BtfKind.Struct or BtfKind.Union;
            if (!numbers.TryAdd((id, asForward), order.Count + 1))
                return;
            order.Add((id, asForward));
            // A forward declaration refers to nothing; typedefs and qualifiers pass "through a pointer" on.
            if (!asForward)
                pending.Enqueue((id, throughPointer && kind is BtfKind.Typedef or BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag));
        }
        foreach (int root in roots)
            Visit(root, false);
        while (pending.Count > 0)
        {
            var (id, throughPointer) = pending.Dequeue();
            BtfType type = source.TypeById(id);
            switch (type.Kind)
            {
                case BtfKind.Pointer:
                    Visit(type.ReferencedType, true);
                    break;
                case BtfKind.Typedef or BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag:
                    Visit(type.ReferencedType, throughPointer);
                    break;
                case BtfKind.Func:
                    Visit(type.ReferencedType, false);
                    break;
                case BtfKind.Array:
                    Visit(type.Array.ElementType, false);
                    Visit(type.Array.IndexType, false);
                    break;
                case BtfKind.Struct or BtfKind.Union:
                    foreach (BtfMember member in type.Members)
                        Visit(member.Type, false);
                    break;
                case BtfKind.FuncProto:
                    Visit(type.ReferencedType, false);
                    foreach (BtfParameter parameter in type.Parameters)
                        Visit(parameter.Type, false);
                    break;
            }
        }

        // Pass 2: write each node with its references renumbered.
        var builder = new BtfBuilder();
        int New(int id)
        {
            if (id == 0)
                return 0;
            return numbers.TryGetValue((id, false), out int number) ? number : numbers[(id, true)];
        }
        foreach (var (id, asForward) in order)
        {
            BtfType type = source.TypeById(id);
            if (asForward)
            {
                builder.Forward(type.Name, type.Kind == BtfKind.Union);
                continue;
            }
            switch (type.Kind)
            {
                case BtfKind.Int:
                    builder.Raw(builder.String(type.Name), BtfBuilder.Info(BtfKind.Int), (uint)type.Size,
                        (type.Int.IsSigned ? 1u << 24 : 0) | (type.Int.IsChar ? 2u << 24 : 0) | (type.Int.IsBool ? 4u << 24 : 0) | (uint)type.Int.BitOffset << 16 | (uint)type.Int.Bits);
                    break;
                case BtfKind.Pointer or BtfKind.Typedef or BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag or BtfKind.Func:
                    builder.Raw(builder.String(type.Name), BtfBuilder.Info(type.Kind, type.Vlen, type.KindFlag), (uint)PointerTarget(type));
                    break;
                case BtfKind.Array:
                    builder.Array(New(type.Array.ElementType), type.Array.Count, New(type.Array.IndexType));
                    break;
                case BtfKind.Struct or BtfKind.Union:
                    var items = new List<uint>();
                    foreach (BtfMember member in type.Members)
                    {
                        items.Add(builder.String(member.Name));
                        items.Add((uint)New(member.Type));
                        items.Add(type.KindFlag ? (uint)member.BitfieldSize << 24 | (uint)member.BitOffset : (uint)member.BitOffset);
                    }
                    builder.Raw(builder.String(type.Name), BtfBuilder.Info(type.Kind, type.Members.Count, type.KindFlag), (uint)type.Size, items.ToArray());
                    break;
                case BtfKind.Enum:
                    var values = new (string, long)[type.Enumerators.Count];
                    for (int i = 0; i < values.Length; i++)
                        values[i] = (type.Enumerators[i].Name, type.Enumerators[i].Value);
                    builder.Enum(type.Name, type.Size, type.KindFlag, values);
                    break;
                case BtfKind.Enum64:
                    var values64 = new (string, long)[type.Enumerators.Count];
                    for (int i = 0; i < values64.Length; i++)
                        values64[i] = (type.Enumerators[i].Name, type.Enumerators[i].Value);
                    builder.Enum64(type.Name, type.KindFlag, values64);
                    break;
                case BtfKind.FuncProto:
                    var parameters = new (string, int)[type.Parameters.Count];
                    for (int i = 0; i < parameters.Length; i++)
                        parameters[i] = (type.Parameters[i].Name, New(type.Parameters[i].Type));
                    builder.FuncProto(New(type.ReferencedType), parameters);
                    break;
                case BtfKind.Forward:
                    builder.Forward(type.Name, type.KindFlag);
                    break;
                case BtfKind.Float:
                    builder.Raw(builder.String(type.Name), BtfBuilder.Info(BtfKind.Float), (uint)type.Size);
                    break;
                default:
                    throw new System.NotSupportedException($"{type} is not copied");
            }
        }
        return builder.Build();

        int PointerTarget(BtfType type) => New(type.ReferencedType);
    }
}
