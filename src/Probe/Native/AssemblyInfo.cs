using System.Runtime.CompilerServices;

// All interop is source-generated (LibraryImport) over blittable structs; with runtime
// marshalling off, a C `bool` field is exactly one byte and nothing is marshalled behind our back.
[assembly: DisableRuntimeMarshalling]
