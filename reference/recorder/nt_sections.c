/*
 * nt_sections.c -- the recorder's section calls on Windows and Wine:
 * NtCreateSection, NtMapViewOfSection, NtUnmapViewOfSection, NtExtendSection
 * and NtClose from ntdll, behind the same arguments as ntvm's NT layer.  A
 * section with file bytes gets a real file: the bytes are written to a new
 * file in the temporary folder, opened for reading, writing and execution
 * (what SEC_IMAGE and every page protection need), and that handle is passed
 * and closed right after the call (the section keeps the file).  The files
 * are deleted by rec_sections_cleanup, after the trace's views and handles
 * are gone.  Wine 8.0's ntdll has no NtExtendSection: extend_section stays
 * NULL there and the recorder refuses `extend` statements.
 */
#include <windows.h>

#include <stdio.h>
#include <string.h>

#include "recorder.h"

#define SELF ((HANDLE)(intptr_t)-1)

typedef LONG(NTAPI *create_fn)(HANDLE *, ACCESS_MASK, void *, LARGE_INTEGER *, ULONG, ULONG, HANDLE);
typedef LONG(NTAPI *map_fn)(HANDLE, HANDLE, void **, ULONG_PTR, SIZE_T, LARGE_INTEGER *, SIZE_T *,
                            ULONG, ULONG, ULONG);
typedef LONG(NTAPI *unmap_fn)(HANDLE, void *);
typedef LONG(NTAPI *extend_fn)(HANDLE, LARGE_INTEGER *);
typedef LONG(NTAPI *close_fn)(HANDLE);

static create_fn nt_create;
static map_fn nt_map;
static unmap_fn nt_unmap;
static extend_fn nt_extend;
static close_fn nt_close;

#define MAX_TEMP_FILES 64
static char temp_files[MAX_TEMP_FILES][MAX_PATH];
static unsigned ntemp;

static void cleanup_files(void)
{
	for (unsigned i = 0; i < ntemp; i++)
		DeleteFileA(temp_files[i]);
	ntemp = 0;
}

/* A new temporary file holding the bytes, open for what sections need;
 * INVALID_HANDLE_VALUE if it cannot be made. */
static HANDLE temp_file(const void *bytes, size_t size)
{
	char dir[MAX_PATH], *path;
	DWORD done = 0;
	HANDLE h;

	if (ntemp == MAX_TEMP_FILES || !GetTempPathA(sizeof dir, dir))
		return INVALID_HANDLE_VALUE;
	path = temp_files[ntemp];
	if (!GetTempFileNameA(dir, "ntv", 0, path))
		return INVALID_HANDLE_VALUE;
	ntemp++;
	h = CreateFileA(path, GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE,
	                FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, CREATE_ALWAYS,
	                FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE)
		return h;
	if (!WriteFile(h, bytes, (DWORD)size, &done, NULL) || done != size) {
		CloseHandle(h);
		return INVALID_HANDLE_VALUE;
	}
	return h;
}

static uint32_t w_create(uint64_t *handle, uint32_t access, const uint64_t *max_size,
                         uint32_t protect, uint32_t attributes, const void *file, size_t file_size)
{
	HANDLE h = NULL, fh = NULL;
	LARGE_INTEGER size;
	LONG st;

	if (max_size)
		size.QuadPart = (LONGLONG)*max_size;
	if (file) {
		fh = temp_file(file, file_size);
		if (fh == INVALID_HANDLE_VALUE) {
			fprintf(stderr, "ntvm-recorder: cannot write a temporary file for a section\n");
			return 0xC0000001u; /* STATUS_UNSUCCESSFUL: the recording shows it */
		}
	}
	st = nt_create(&h, access, NULL, max_size ? &size : NULL, protect, attributes, fh);
	if (fh)
		CloseHandle(fh);
	*handle = (uint64_t)(uintptr_t)h;
	return (uint32_t)st;
}

static uint32_t w_map(uint64_t handle, uint64_t *base, uint64_t zero_bits, uint64_t commit,
                      uint64_t *offset, uint64_t *view_size, uint32_t inherit, uint32_t type,
                      uint32_t protect)
{
	void *b = (void *)(uintptr_t)*base;
	SIZE_T vs = (SIZE_T)*view_size;
	LARGE_INTEGER off;
	LONG st;

	if (offset)
		off.QuadPart = (LONGLONG)*offset;
	st = nt_map((HANDLE)(uintptr_t)handle, SELF, &b, (ULONG_PTR)zero_bits, (SIZE_T)commit,
	            offset ? &off : NULL, &vs, inherit, type, protect);
	*base = (uint64_t)(uintptr_t)b;
	*view_size = vs;
	if (offset)
		*offset = (uint64_t)off.QuadPart;
	return (uint32_t)st;
}

static uint32_t w_unmap(uint64_t base)
{
	return (uint32_t)nt_unmap(SELF, (void *)(uintptr_t)base);
}

static uint32_t w_extend(uint64_t handle, uint64_t *size)
{
	LARGE_INTEGER s;
	LONG st;

	s.QuadPart = (LONGLONG)*size;
	st = nt_extend((HANDLE)(uintptr_t)handle, &s);
	*size = (uint64_t)s.QuadPart;
	return (uint32_t)st;
}

static uint32_t w_close(uint64_t handle)
{
	return (uint32_t)nt_close((HANDLE)(uintptr_t)handle);
}

static FARPROC find(HMODULE ntdll, const char *name)
{
	FARPROC p = GetProcAddress(ntdll, name);

	if (!p)
		fprintf(stderr, "ntvm-recorder: ntdll.dll has no %s\n", name);
	return p;
}

int rec_nt_sections_init(struct rec_nt *nt)
{
	HMODULE ntdll = GetModuleHandleA("ntdll.dll");
	FARPROC c, m, u, e, x;

	if (!ntdll)
		return -1;
	c = find(ntdll, "NtCreateSection");
	m = find(ntdll, "NtMapViewOfSection");
	u = find(ntdll, "NtUnmapViewOfSection");
	e = GetProcAddress(ntdll, "NtExtendSection"); /* Wine 8.0 does not export it */
	x = find(ntdll, "NtClose");
	if (!c || !m || !u || !x)
		return -1;
	nt_create = (create_fn)(void (*)(void))c;
	nt_map = (map_fn)(void (*)(void))m;
	nt_unmap = (unmap_fn)(void (*)(void))u;
	nt_extend = e ? (extend_fn)(void (*)(void))e : NULL;
	nt_close = (close_fn)(void (*)(void))x;
	nt->create_section = w_create;
	nt->map_view = w_map;
	nt->unmap_view = w_unmap;
	nt->extend_section = e ? w_extend : NULL;
	nt->close = w_close;
	nt->section_cleanup = cleanup_files;
	return 0;
}
