/*
 * null-pointers.c -- what NtAllocateVirtualMemory, NtFreeVirtualMemory,
 * NtProtectVirtualMemory and NtQueryVirtualMemory answer when an in/out
 * pointer (BaseAddress, RegionSize, OldProtect, the information buffer,
 * ReturnLength) is NULL, alone and together with an invalid argument (which
 * check comes first).  Built and run as sections.c; answers in
 * results-null-pointers.txt.  Each line is printed and flushed before the
 * next call, so a crash still leaves the lines before it.
 */
#include "sections-probe.h"

static void show(const char *label, LONG st, void *base, SIZE_T size)
{
	printf("%s %08lx base=%p size=%llx\n", label, st, base, (unsigned long long)size);
	fflush(stdout);
}

int main(void)
{
	load_ntdll();
	char *X = (char *)0x100000000000ull;
	void *b;
	SIZE_T s;
	ULONG old;
	LONG st;
	MEMORY_BASIC_INFORMATION m;
	SIZE_T r;
	b = X; s = 0x10000;
	show("setup", AL(P, &b, 0, &s, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE), b, s);
	s = 0x1000;
	show("alloc_base_null", AL(P, NULL, 0, &s, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE), NULL, s);
	s = 0x1000;
	show("alloc_base_null_badprot", AL(P, NULL, 0, &s, MEM_RESERVE, 0), NULL, s);
	s = 0x1000;
	show("alloc_base_null_badtype", AL(P, NULL, 0, &s, 0, PAGE_READWRITE), NULL, s);
	s = 0x1000;
	show("alloc_base_null_zerobits22", AL(P, NULL, 22, &s, MEM_RESERVE, PAGE_READWRITE), NULL, s);
	s = 0;
	show("alloc_base_null_size0", AL(P, NULL, 0, &s, MEM_RESERVE, PAGE_READWRITE), NULL, s);
	b = X + 0x100000;
	show("alloc_size_null", AL(P, &b, 0, NULL, MEM_RESERVE, PAGE_READWRITE), b, 0);
	b = X + 0x100000;
	show("alloc_size_null_badtype", AL(P, &b, 0, NULL, 0, PAGE_READWRITE), b, 0);
	s = 0x1000;
	show("free_base_null", FR(P, NULL, &s, MEM_DECOMMIT), NULL, s);
	s = 0x1000;
	show("free_base_null_badtype", FR(P, NULL, &s, 0), NULL, s);
	b = X;
	show("free_size_null", FR(P, &b, NULL, MEM_DECOMMIT), b, 0);
	b = X;
	show("free_size_null_badtype", FR(P, &b, NULL, 0), b, 0);
	s = 0x1000; old = 0xee;
	st = PR(P, NULL, &s, PAGE_READONLY, &old);
	printf("protect_base_null %08lx size=%llx old=%lx\n", st, (unsigned long long)s, old);
	fflush(stdout);
	b = X; old = 0xee;
	st = PR(P, &b, NULL, PAGE_READONLY, &old);
	printf("protect_size_null %08lx base=%p old=%lx\n", st, b, old);
	fflush(stdout);
	b = X; s = 0x1000; old = 0xee;
	st = PR(P, &b, &s, PAGE_READONLY, &old);
	printf("protect_control %08lx base=%p size=%llx old=%lx\n", st, b, (unsigned long long)s, old);
	fflush(stdout);
	b = X; s = 0x1000; old = 0xee;
	st = PR(P, &b, &s, 0, &old);
	printf("protect_badprot %08lx base=%p size=%llx old=%lx\n", st, b, (unsigned long long)s, old);
	fflush(stdout);
	b = X; s = 0x1000;
	st = PR(P, &b, &s, PAGE_READWRITE, NULL);
	printf("protect_old_null %08lx base=%p size=%llx\n", st, b, (unsigned long long)s);
	fflush(stdout);
	q(X, "after_old_null");
	b = X; s = 0x1000;
	st = PR(P, &b, &s, 0, NULL);
	printf("protect_old_null_badprot %08lx base=%p size=%llx\n", st, b, (unsigned long long)s);
	fflush(stdout);
	r = 0xee;
	st = QU(P, X, 0, &m, sizeof m, NULL);
	printf("query_retlen_null %08lx\n", st);
	fflush(stdout);
	r = 0xee;
	st = QU(P, (void *)0x7fffffff0000ull, 0, NULL, sizeof m, &r);
	printf("query_buffer_null_above_max %08lx ret=%llx\n", st, (unsigned long long)r);
	fflush(stdout);
	r = 0xee;
	st = QU(P, X, 0, NULL, 8, &r);
	printf("query_buffer_null_short %08lx ret=%llx\n", st, (unsigned long long)r);
	fflush(stdout);
	r = 0xee;
	st = QU(P, X, 0, NULL, sizeof m, &r);
	printf("query_buffer_null %08lx ret=%llx\n", st, (unsigned long long)r);
	fflush(stdout);
	return 0;
}
