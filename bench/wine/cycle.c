/*
 * cycle.c -- ntvm-bench-wine.exe: the `cycle` workload of ntvm-bench
 * (wl_cycle.c) against the real NT calls, run under Wine by ntvm-bench's
 * `wine` workload.  A Windows console program built with mingw-w64.
 *
 *   ntvm-bench-wine.exe LIVE CYCLES REPEATS
 *
 * Makes LIVE reservations of 64 KiB with their first 4 KiB committed, then
 * times REPEATS loops of CYCLES cycles (reserve 64 KiB at a system-chosen
 * base, commit 4 KiB, query, release) and prints the median:
 *   cycle_ns <nanoseconds per cycle>
 * Exit status 0 on success, 1 when a call fails, 2 on bad usage.
 */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>

typedef LONG nt_status;
typedef nt_status(NTAPI *alloc_fn)(HANDLE, PVOID *, ULONG_PTR, PSIZE_T, ULONG, ULONG);
typedef nt_status(NTAPI *free_fn)(HANDLE, PVOID *, PSIZE_T, ULONG);
typedef nt_status(NTAPI *query_fn)(HANDLE, PVOID, int, PVOID, SIZE_T, PSIZE_T);

static alloc_fn nt_alloc;
static free_fn nt_free;
static query_fn nt_query;

#define SELF ((HANDLE) (LONG_PTR) -1)
#define MAX_REPEATS 31

static int reserve_commit(PVOID *base)
{
	SIZE_T size = 0x10000, psize = 0x1000;
	*base = NULL;
	if (nt_alloc(SELF, base, 0, &size, MEM_RESERVE, PAGE_READWRITE) != 0)
		return -1;
	PVOID page = *base;
	return nt_alloc(SELF, &page, 0, &psize, MEM_COMMIT, PAGE_READWRITE) != 0 ? -1 : 0;
}

static int cycle(void)
{
	PVOID base;
	MEMORY_BASIC_INFORMATION mbi;
	SIZE_T zero = 0, len;
	if (reserve_commit(&base) != 0)
		return -1;
	if (nt_query(SELF, base, 0, &mbi, sizeof mbi, &len) != 0 || mbi.State != MEM_COMMIT)
		return -1;
	return nt_free(SELF, &base, &zero, MEM_RELEASE) != 0 ? -1 : 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;
	return x < y ? -1 : x > y;
}

static int load_calls(void)
{
	HMODULE ntdll = GetModuleHandleA("ntdll.dll");
	if (ntdll == NULL)
		return -1;
	nt_alloc = (alloc_fn) (void (*)(void)) GetProcAddress(ntdll, "NtAllocateVirtualMemory");
	nt_free = (free_fn) (void (*)(void)) GetProcAddress(ntdll, "NtFreeVirtualMemory");
	nt_query = (query_fn) (void (*)(void)) GetProcAddress(ntdll, "NtQueryVirtualMemory");
	return nt_alloc && nt_free && nt_query ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	long live = atol(argv[1]), cycles = atol(argv[2]), repeats = atol(argv[3]);
	if (live < 0 || cycles < 1 || repeats < 1 || repeats > MAX_REPEATS || load_calls() != 0)
		return 2;
	for (long i = 0; i < live; i++) {
		PVOID base;
		if (reserve_commit(&base) != 0)
			return 1;
	}
	LARGE_INTEGER freq, t0, t1;
	QueryPerformanceFrequency(&freq);
	double ns[MAX_REPEATS];
	for (long r = 0; r < repeats; r++) {
		QueryPerformanceCounter(&t0);
		for (long i = 0; i < cycles; i++)
			if (cycle() != 0)
				return 1;
		QueryPerformanceCounter(&t1);
		ns[r] = (double) (t1.QuadPart - t0.QuadPart) * 1e9 / (double) freq.QuadPart / (double) cycles;
	}
	qsort(ns, (size_t) repeats, sizeof *ns, cmp_double);
	printf("live %ld\ncycle_ns %.1f\n", live, ns[repeats / 2]);
	return 0;
}
