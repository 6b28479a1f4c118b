#!/usr/bin/env python3
"""Where the bytes of the native-AOT binary go, from ILC's map file.

  bench/footprint/binary-size.py NATIVE_DIR [BINARY] [--top N]

NATIVE_DIR is obj/<cfg>/<tfm>/<rid>/native of a publish run with -p:IlcGenerateMapFile=true (bench/footprint/
binary-size.sh does that). The map lists every node ILC emitted (method code, GC info, type descriptors, statics,
frozen strings, reflection metadata...) with its length. Each node is charged to an assembly by the mangled name's
prefix (ILC mangles "System.Net.Security" as "System_Net_Security_", System.Private.X as "S_P_X_"), and within
an assembly to an approximate namespace (the first three name parts after the assembly: mangling turns both '.'
and '_' into '_', so this is a grouping, not a parse). What the map does not hold (the native runtime, libc glue,
ELF headers and section padding) is the binary's size minus the map's total.
Prints markdown tables.
"""
import html
import os
import re
import sys
from collections import defaultdict

args = [a for a in sys.argv[1:] if not a.startswith("--")]
top = 40
if "--top" in sys.argv:
    top = int(sys.argv[sys.argv.index("--top") + 1])
    args = [a for a in args if a != str(top)]
native = args[0]
binary = args[1] if len(args) > 1 else None

rsp = [f for f in os.listdir(native) if f.endswith(".ilc.rsp")][0]
assemblies = {}
with open(os.path.join(native, rsp)) as f:
    for line in f:
        line = line.strip()
        path = line[3:] if line.startswith("-r:") else (line if line.endswith(".dll") and not line.startswith("-") else None)
        if not path:
            continue
        name = os.path.basename(path)[:-4]
        mangled = name.replace(".", "_")
        if name.startswith("System.Private."):
            mangled = "S_P_" + name[len("System.Private."):].replace(".", "_")
        assemblies[mangled + "_"] = name
prefixes = sorted(assemblies, key=len, reverse=True)

# leading decorations ILC puts before a mangled symbol name
strip = re.compile(r"^(?:_ZTV\d+|__writableData|__GCStaticBase_|__NonGCStaticBase_|__GCStaticEEType_\w*?_|"
                   r"__GenericDict_|__fatpointer_|unbox_|__ThreadStaticBase_|__Str_|__FieldRvaData_|"
                   r"__RuntimeMethodHandle_|__RuntimeFieldHandle_|__InterfaceDispatchMap_|__SealedVTable_|"
                   r"__GenericComposition_|__GCStaticsPreInitData_|__NonGCStaticsPreInitData_|__tentative_|"
                   r"__Canonical_|__MethodAssociatedData_|__EHInfo_|__GCInfo_|__dictionary_|_+)")
node = re.compile(r'^\s*<(\w+) Name="([^"]*)" Length="(\d+)"')

by_asm = defaultdict(int)
by_ns = defaultdict(int)
by_kind = defaultdict(int)
total = 0
with open(os.path.join(native, [f for f in os.listdir(native) if f.endswith(".map.xml")][0])) as f:
    for line in f:
        m = node.match(line)
        if not m:
            continue
        kind, name, length = m.group(1), html.unescape(m.group(2)), int(m.group(3))
        by_kind[kind] += length
        if kind == "DehydratedData":
            continue  # the type descriptors below, compressed: counted once, by type
        total += length
        bare = name
        for _ in range(3):
            s = strip.match(bare)
            if not s or not s.group(0):
                break
            bare = bare[s.end():]
        asm = next((p for p in prefixes if bare.startswith(p)), None)
        if asm is None:
            owner = "(runtime tables: " + kind + ")" if kind not in ("MethodCode", "GCInfo", "ConstructedEEType", "EEType") else "(other)"
            by_asm[owner] += length
            continue
        by_asm[assemblies[asm]] += length
        rest = bare[len(asm):].split("_")
        # a namespace repeats the assembly name in most framework assemblies: skip that copy
        asm_parts = assemblies[asm].split(".")
        if rest[:len(asm_parts)] == asm_parts:
            ns = asm_parts + [p for p in rest[len(asm_parts):len(asm_parts) + 1] if p]
        else:
            ns = [p for p in rest[:3] if p]
        by_ns[assemblies[asm] + " : " + ".".join(ns)] += length


def kib(n):
    return f"{n / 1024:,.0f}"


size = os.path.getsize(binary) if binary else None
print(f"map total: {kib(total)} KiB (type descriptors uncompressed; in the file they are the "
      f"{kib(by_kind.get('DehydratedData', 0))} KiB of dehydrated data)"
      + (f"; binary {size:,} bytes ({size / 1048576:.2f} MiB)" if size else ""))
print()
print("| assembly | KiB | share |")
print("|---|---:|---:|")
for k, v in sorted(by_asm.items(), key=lambda kv: -kv[1])[:top]:
    print(f"| {k} | {kib(v)} | {100 * v / total:.1f} % |")
print()
print("| assembly : namespace (approx.) | KiB |")
print("|---|---:|")
for k, v in sorted(by_ns.items(), key=lambda kv: -kv[1])[:top]:
    print(f"| {k} | {kib(v)} |")
print()
print("| node kind | KiB |")
print("|---|---:|")
for k, v in sorted(by_kind.items(), key=lambda kv: -kv[1])[:15]:
    print(f"| {k} | {kib(v)} |")
