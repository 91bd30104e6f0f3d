using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using TpGen.Probes;

namespace TpGen.Build;

/// <summary>
/// After C# compilation: finds the BPF programs the generator put in the assembly
/// (<c>[assembly: BpfProgram(...)]</c>) and compiles each with clang into the intermediate
/// directory (the targets copy them into a bpf folder beside the assembly). Objects are named by
/// the hash of their source, so an unchanged program is never recompiled. Without clang the
/// build warns and the runtime compiles the same source on first use.
/// </summary>
public sealed class CompileBpfPrograms : Microsoft.Build.Utilities.Task
{
    /// <summary>The compiled assembly (obj/…/App.dll).</summary>
    [Required]
    public string Assembly { get; set; } = "";

    /// <summary>Where sources and objects are kept between builds (obj/…/tpgen/bpf).</summary>
    [Required]
    public string IntermediateDirectory { get; set; } = "";

    /// <summary>The clang to use; default <c>clang</c> or the newest <c>clang-NN</c> on PATH.</summary>
    public string? Clang { get; set; }

    /// <summary>
    /// A file that lists the objects, one path a line, written when every program has its object:
    /// the targets' Outputs, so that a build whose assembly did not change skips this task.
    /// </summary>
    public string? ListFile { get; set; }

    /// <summary>The compiled objects, in <see cref="IntermediateDirectory"/>.</summary>
    [Output]
    public ITaskItem[] Objects { get; set; } = Array.Empty<ITaskItem>();

    /// <inheritdoc/>
    public override bool Execute()
    {
        List<(string Name, string Hash, string Source)> programs;
        try
        {
            programs = ReadPrograms(Assembly);
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or InvalidOperationException)
        {
            Log.LogError(null, "TPGEN0102", null, Assembly, 0, 0, 0, 0, "TpGen: cannot read the BPF programs from {0}: {1}", Assembly, e.Message);
            return false;
        }
        if (programs.Count == 0)
        {
            WriteList([]);
            return true;
        }

        WarnWithoutLibbpf();
        string? clang = BpfCompiler.FindClang(Clang);
        var objects = new List<ITaskItem>();
        bool complete = true;
        foreach ((string name, string hash, string source) in programs)
        {
            string fileName = ProbeSetDefinition.ObjectFileNameFor(name, hash);
            string intermediate = Path.Combine(IntermediateDirectory, fileName);
            if (!File.Exists(intermediate))
            {
                if (clang is null)
                {
                    complete = false;
                    Log.LogWarning(null, "TPGEN0101", null, Assembly, 0, 0, 0, 0,
                        "TpGen: no clang to compile the BPF program of {0} (install clang-14, or set TpGenClang); it will be compiled when the application first attaches it, which needs clang there.", name);
                    continue;
                }
                try
                {
                    Directory.CreateDirectory(IntermediateDirectory);
                    File.WriteAllText(Path.ChangeExtension(intermediate, ".c"), source);
                    BpfCompiler.Compile(source, intermediate, clang);
                    Log.LogMessage(MessageImportance.Normal, "TpGen: compiled the BPF program of {0} with {1}.", name, clang);
                }
                catch (ProbeException e)
                {
                    Log.LogError(null, "TPGEN0103", null, Path.ChangeExtension(intermediate, ".c"), 0, 0, 0, 0, "TpGen: {0}", e.Message);
                    return false;
                }
            }
            objects.Add(new TaskItem(Path.GetFullPath(intermediate)));
        }
        Objects = objects.ToArray();
        // Without every object the list is not written, so the next build runs this task (and warns) again.
        if (complete)
            WriteList(objects);
        return true;
    }

    private void WriteList(List<ITaskItem> objects)
    {
        if (string.IsNullOrEmpty(ListFile))
            return;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(ListFile))!);
        var lines = new List<string>();
        foreach (ITaskItem item in objects)
            lines.Add(item.ItemSpec);
        File.WriteAllLines(ListFile, lines);
    }

    /// <summary>
    /// The application needs libbpf where it runs; a build machine without it is usually that
    /// machine too, so say so now rather than at the first attach.
    /// </summary>
    private void WarnWithoutLibbpf()
    {
        if (!NativeDependencies.IsLibbpfInstalled())
        {
            Log.LogWarning(null, "TPGEN0108", null, Assembly, 0, 0, 0, 0,
                "TpGen: libbpf 1.x ({0}) is not installed on this machine; the application builds, but attaching its probes needs libbpf where it runs ({1}).",
                NativeDependencies.Libbpf, NativeDependencies.LibbpfAdvice);
        }
    }

    private static List<(string Name, string Hash, string Source)> ReadPrograms(string assembly)
    {
        var programs = new List<(string, string, string)>();
        using var stream = File.OpenRead(assembly);
        using var pe = new PEReader(stream);
        MetadataReader metadata = pe.GetMetadataReader();
        foreach (CustomAttributeHandle handle in metadata.GetAssemblyDefinition().GetCustomAttributes())
        {
            CustomAttribute attribute = metadata.GetCustomAttribute(handle);
            if (!IsBpfProgramAttribute(metadata, attribute))
                continue;
            CustomAttributeValue<string> value = attribute.DecodeValue(new StringArguments());
            ImmutableArray<CustomAttributeTypedArgument<string>> arguments = value.FixedArguments;
            if (arguments.Length == 3 && arguments[0].Value is string name && arguments[1].Value is string hash && arguments[2].Value is string source)
                programs.Add((name, hash, source));
        }
        return programs;
    }

    private static bool IsBpfProgramAttribute(MetadataReader metadata, CustomAttribute attribute)
    {
        if (attribute.Constructor.Kind != HandleKind.MemberReference)
            return false;
        MemberReference constructor = metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
        if (constructor.Parent.Kind != HandleKind.TypeReference)
            return false;
        TypeReference type = metadata.GetTypeReference((TypeReferenceHandle)constructor.Parent);
        return metadata.GetString(type.Name) == nameof(BpfProgramAttribute) && metadata.GetString(type.Namespace) == "TpGen.Probes";
    }

    /// <summary>Decodes attribute arguments that are all strings (the only kind BpfProgramAttribute has).</summary>
    private sealed class StringArguments : ICustomAttributeTypeProvider<string>
    {
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetSystemType() => "System.Type";

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => "";

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => "";

        public string GetTypeFromSerializedName(string name) => name;

        public PrimitiveTypeCode GetUnderlyingEnumType(string type) => throw new InvalidOperationException("BpfProgramAttribute has no enum arguments.");

        public bool IsSystemType(string type) => type == "System.Type";
    }
}
