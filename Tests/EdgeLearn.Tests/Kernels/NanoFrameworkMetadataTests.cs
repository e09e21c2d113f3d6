// The nanoFramework build must contain no generics and no multidimensional arrays: nanoFramework's runtime
// cannot load them, and a C# compiler can emit them without any source-level generic (for example through
// a helper it synthesises). The build of Boards/NanoFramework is copied next to the tests by a
// non-referencing ProjectReference; this test reads its metadata with System.Reflection.Metadata and fails
// on every generic type or method definition, generic instantiation (TypeSpec, MethodSpec, or inline in a
// signature), generic parameter, generic type reference, and multidimensional array in any signature,
// member reference, type specification or method-body local. A self-test runs the same checker on this
// test assembly, which has all of those, to prove the checker can fail.
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Kernels;

[TestClass]
public sealed class NanoFrameworkMetadataTests
{
    private const string NanoAssembly = "EdgeLearn.NanoFramework.dll";

    // Probes for the self-test: each is something the checker must report in this assembly.
#pragma warning disable CS0169, CS0649, IDE0051, IDE0052 // present only to appear in metadata
    private static int[,]? s_multidimensionalProbe;
    private static List<int>? s_instantiationProbe;
#pragma warning restore CS0169, CS0649, IDE0051, IDE0052

    [TestMethod]
    public void NanoFrameworkAssembly_Metadata_HasNoGenericsOrMultidimensionalArrays()
    {
        string path = Path.Combine(AppContext.BaseDirectory, NanoAssembly);
        Assert.IsTrue(File.Exists(path), $"{NanoAssembly} was not copied next to the tests ({path}); build the solution or Tests/EdgeLearn.Tests.");
        byte[] image = File.ReadAllBytes(path);

        using (var pe = new PEReader(ImmutableArray.Create(image)))
        {
            MetadataReader md = pe.GetMetadataReader();
            List<string> references = md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name)).ToList();
            CollectionAssert.AreEqual(new[] { "mscorlib" }, references, "the nanoFramework build must reference nanoFramework's mscorlib only");
            List<string> types = md.TypeDefinitions.Select(h => md.GetString(md.GetTypeDefinition(h).Name)).ToList();
            CollectionAssert.Contains(types, "FixedPoint", "not the kernels' nanoFramework build");
        }

        List<string> violations = NanoMetadataChecker.FindViolations(image);
        Assert.AreEqual(0, violations.Count, "nanoFramework cannot run these:\n" + string.Join("\n", violations));
    }

    [TestMethod]
    public void NanoMetadataChecker_OnTestAssemblyWithGenerics_ReportsEveryKind()
    {
        _ = Echo(s_multidimensionalProbe?.Length ?? 0) + (s_instantiationProbe?.Count ?? 0);
        byte[] image = File.ReadAllBytes(typeof(NanoFrameworkMetadataTests).Assembly.Location);
        List<string> violations = NanoMetadataChecker.FindViolations(image);

        AssertReported(violations, "generic type definition", "GenericProbe`1");
        AssertReported(violations, "generic method definition", "Echo");
        AssertReported(violations, "generic method instantiation", "Echo");
        AssertReported(violations, "multidimensional array", nameof(s_multidimensionalProbe));
        AssertReported(violations, "generic instantiation", nameof(s_instantiationProbe));
        AssertReported(violations, "generic type reference", "List`1");
    }

    private static T Echo<T>(T value) => value;

    private static void AssertReported(List<string> violations, string kind, string name)
    {
        Assert.IsTrue(
            violations.Any(v => v.Contains(kind, StringComparison.Ordinal) && v.Contains(name, StringComparison.Ordinal)),
            $"checker missed '{kind}' on {name}; it reported {violations.Count} items, e.g.:\n" + string.Join("\n", violations.Take(20)));
    }

    private sealed class GenericProbe<T>
    {
        public T? Value { get; set; }
    }
}

/// <summary>Finds generics and multidimensional arrays in an assembly's metadata.</summary>
internal static class NanoMetadataChecker
{
    public static List<string> FindViolations(byte[] image)
    {
        var found = new List<string>();
        using var pe = new PEReader(ImmutableArray.Create(image));
        MetadataReader md = pe.GetMetadataReader();
        var provider = new Provider(found);

        foreach (TypeDefinitionHandle typeHandle in md.TypeDefinitions)
        {
            TypeDefinition type = md.GetTypeDefinition(typeHandle);
            string typeName = provider.GetTypeFromDefinition(md, typeHandle, 0);
            if (type.GetGenericParameters().Count > 0)
            {
                found.Add($"generic type definition {typeName}");
            }

            foreach (FieldDefinitionHandle fieldHandle in type.GetFields())
            {
                FieldDefinition field = md.GetFieldDefinition(fieldHandle);
                provider.Context = $"field {typeName}.{md.GetString(field.Name)}";
                field.DecodeSignature(provider, null);
            }

            foreach (PropertyDefinitionHandle propertyHandle in type.GetProperties())
            {
                PropertyDefinition property = md.GetPropertyDefinition(propertyHandle);
                provider.Context = $"property {typeName}.{md.GetString(property.Name)}";
                property.DecodeSignature(provider, null);
            }

            foreach (MethodDefinitionHandle methodHandle in type.GetMethods())
            {
                MethodDefinition method = md.GetMethodDefinition(methodHandle);
                string methodName = $"{typeName}.{md.GetString(method.Name)}";
                if (method.GetGenericParameters().Count > 0)
                {
                    found.Add($"generic method definition {methodName}");
                }

                provider.Context = $"signature of {methodName}";
                method.DecodeSignature(provider, null);
                if (method.RelativeVirtualAddress != 0)
                {
                    MethodBodyBlock body = pe.GetMethodBody(method.RelativeVirtualAddress);
                    if (!body.LocalSignature.IsNil)
                    {
                        provider.Context = $"locals of {methodName}";
                        md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, null);
                    }
                }
            }
        }

        foreach (TypeReferenceHandle referenceHandle in md.TypeReferences)
        {
            string name = provider.GetTypeFromReference(md, referenceHandle, 0);
            if (name.Contains('`'))
            {
                found.Add($"generic type reference {name}");
            }
        }

        for (int row = 1; row <= md.GetTableRowCount(TableIndex.TypeSpec); row++)
        {
            provider.Context = $"type specification 0x{MetadataTokens.GetToken(MetadataTokens.TypeSpecificationHandle(row)):x8}";
            md.GetTypeSpecification(MetadataTokens.TypeSpecificationHandle(row)).DecodeSignature(provider, null);
        }

        for (int row = 1; row <= md.GetTableRowCount(TableIndex.MethodSpec); row++)
        {
            MethodSpecification spec = md.GetMethodSpecification(MetadataTokens.MethodSpecificationHandle(row));
            found.Add($"generic method instantiation (MethodSpec) of {MemberName(md, spec.Method)}");
        }

        foreach (MemberReferenceHandle memberHandle in md.MemberReferences)
        {
            MemberReference member = md.GetMemberReference(memberHandle);
            provider.Context = $"member reference {MemberName(md, memberHandle)}";
            if (member.GetKind() == MemberReferenceKind.Method)
            {
                member.DecodeMethodSignature(provider, null);
            }
            else
            {
                member.DecodeFieldSignature(provider, null);
            }
        }

        for (int row = 1; row <= md.GetTableRowCount(TableIndex.StandAloneSig); row++)
        {
            StandaloneSignature signature = md.GetStandaloneSignature(MetadataTokens.StandaloneSignatureHandle(row));
            provider.Context = $"standalone signature {row}";
            if (signature.GetKind() == StandaloneSignatureKind.LocalVariables)
            {
                signature.DecodeLocalSignature(provider, null);
            }
            else
            {
                signature.DecodeMethodSignature(provider, null);
            }
        }

        return found.Distinct().ToList();
    }

    private static string MemberName(MetadataReader md, EntityHandle handle)
    {
        switch (handle.Kind)
        {
            case HandleKind.MethodDefinition:
                return md.GetString(md.GetMethodDefinition((MethodDefinitionHandle)handle).Name);
            case HandleKind.MemberReference:
                return md.GetString(md.GetMemberReference((MemberReferenceHandle)handle).Name);
            default:
                return handle.Kind.ToString();
        }
    }

    /// <summary>Renders signature types as names and records every generic or multidimensional construct.</summary>
    private sealed class Provider : ISignatureTypeProvider<string, object?>
    {
        private readonly List<string> _found;

        public Provider(List<string> found)
        {
            _found = found;
        }

        public string Context { get; set; } = string.Empty;

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            TypeDefinition type = reader.GetTypeDefinition(handle);
            string name = reader.GetString(type.Name);
            TypeDefinitionHandle declaring = type.GetDeclaringType();
            return declaring.IsNil
                ? Join(reader.GetString(type.Namespace), name)
                : GetTypeFromDefinition(reader, declaring, rawTypeKind) + "+" + name;
        }

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            TypeReference type = reader.GetTypeReference(handle);
            return Join(reader.GetString(type.Namespace), reader.GetString(type.Name));
        }

        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetArrayType(string elementType, ArrayShape shape)
        {
            string name = $"{elementType}[{new string(',', shape.Rank - 1)}]";
            _found.Add($"multidimensional array {name} in {Context}");
            return name;
        }

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments)
        {
            string name = $"{genericType}<{string.Join(",", typeArguments)}>";
            _found.Add($"generic instantiation {name} in {Context}");
            return name;
        }

        public string GetGenericTypeParameter(object? genericContext, int index)
        {
            _found.Add($"generic type parameter !{index} in {Context}");
            return "!" + index;
        }

        public string GetGenericMethodParameter(object? genericContext, int index)
        {
            _found.Add($"generic method parameter !!{index} in {Context}");
            return "!!" + index;
        }

        public string GetByReferenceType(string elementType) => elementType + "&";

        public string GetPointerType(string elementType) => elementType + "*";

        public string GetPinnedType(string elementType) => elementType + " pinned";

        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;

        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";

        private static string Join(string ns, string name) => ns.Length == 0 ? name : ns + "." + name;
    }
}
