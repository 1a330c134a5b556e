/*
 * A minimal hsdis (HotSpot's disassembler plug-in) over Capstone, for -XX:+PrintAssembly on x86-64: Debian ships no
 * working hsdis for OpenJDK 17. icount.sh builds it (gcc, libcapstone-dev) when it attributes instructions.
 * The entry point and its callbacks are HotSpot's hsdis interface (src/utils/hsdis/hsdis.h in the JDK sources).
 */
#include <stdint.h>
#include <capstone/capstone.h>

typedef void* (*event_callback_t)(void* stream, const char* event, void* arg);
typedef int (*printf_callback_t)(void* stream, const char* format, ...);

void* decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char* buffer, uintptr_t length,
    event_callback_t event_callback, void* event_stream, printf_callback_t printf_callback, void* printf_stream,
    const char* options, int newline)
{
    csh handle;
    cs_insn* insn;
    (void)end_va;
    (void)options;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK)
    {
        return NULL;
    }
    const size_t count = cs_disasm(handle, buffer, length, start_va, 0, &insn);
    for (size_t i = 0; i < count; i++)
    {
        (*event_callback)(event_stream, "insn", (void*)(uintptr_t)insn[i].address);
        (*printf_callback)(printf_stream, "%s\t%s", insn[i].mnemonic, insn[i].op_str);
        (*event_callback)(event_stream, "/insn", (void*)(uintptr_t)(insn[i].address + insn[i].size));
        if (newline)
        {
            (*printf_callback)(printf_stream, "\n");
        }
    }
    if (count > 0)
    {
        cs_free(insn, count);
    }
    cs_close(&handle);
    return (void*)(start_va + length);
}
