/*
 * nt_calls.c -- finds NtAllocateVirtualMemory and friends in ntdll.dll and
 * names what the recording comes from: Wine exports wine_get_version from
 * ntdll, real Windows does not.
 */
#include <windows.h>

#include <stdio.h>
#include <string.h>

#include "recorder.h"

typedef const char *(*wine_version_fn)(void);

static FARPROC must_find(HMODULE ntdll, const char *name)
{
	FARPROC p = GetProcAddress(ntdll, name);

	if (!p)
		fprintf(stderr, "ntvm-recorder: ntdll.dll has no %s\n", name);
	return p;
}

int rec_nt_init(struct rec_nt *nt)
{
	HMODULE ntdll = GetModuleHandleA("ntdll.dll");
	FARPROC a, f, p, q, w;

	memset(nt, 0, sizeof *nt);
	if (!ntdll) {
		fprintf(stderr, "ntvm-recorder: ntdll.dll is not loaded\n");
		return -1;
	}
	a = must_find(ntdll, "NtAllocateVirtualMemory");
	f = must_find(ntdll, "NtFreeVirtualMemory");
	p = must_find(ntdll, "NtProtectVirtualMemory");
	q = must_find(ntdll, "NtQueryVirtualMemory");
	if (!a || !f || !p || !q)
		return -1;
	/* Function pointer casts through void (*)(void) keep -Wcast-function-type quiet. */
	nt->allocate = (uint32_t (*)(void *, void **, uintptr_t, size_t *, uint32_t, uint32_t))(void (*)(void))a;
	nt->free = (uint32_t (*)(void *, void **, size_t *, uint32_t))(void (*)(void))f;
	nt->protect = (uint32_t (*)(void *, void **, size_t *, uint32_t, uint32_t *))(void (*)(void))p;
	nt->query = (uint32_t (*)(void *, void *, int, void *, size_t, size_t *))(void (*)(void))q;
	nt->read = rec_probe_read;
	nt->write = rec_probe_write;
	if (rec_nt_sections_init(nt) != 0)
		return -1;
	w = GetProcAddress(ntdll, "wine_get_version");
	if (w)
		snprintf(nt->source, sizeof nt->source, "wine-%s x86_64",
		         ((wine_version_fn)(void (*)(void))w)());
	else
		snprintf(nt->source, sizeof nt->source, "windows-real");
	return 0;
}
