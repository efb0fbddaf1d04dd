/*
 * sections-probe.h -- what sections.c and sections-2.c share: the ntdll
 * entry points they call, looked up at run time (mingw's import libraries
 * lack some), and helpers that make a call and print one line per result.
 */
#ifndef SECTIONS_PROBE_H
#define SECTIONS_PROBE_H
#include <windows.h>
#include <winternl.h>
#include <stdio.h>
typedef LONG (NTAPI *cs_t)(HANDLE*, ULONG, void*, LARGE_INTEGER*, ULONG, ULONG, HANDLE);
typedef LONG (NTAPI *mv_t)(HANDLE, HANDLE, PVOID*, ULONG_PTR, SIZE_T, LARGE_INTEGER*, SIZE_T*, ULONG, ULONG, ULONG);
typedef LONG (NTAPI *uv_t)(HANDLE, PVOID);
typedef LONG (NTAPI *al_t)(HANDLE, PVOID*, ULONG_PTR, SIZE_T*, ULONG, ULONG);
typedef LONG (NTAPI *fr_t)(HANDLE, PVOID*, SIZE_T*, ULONG);
typedef LONG (NTAPI *pr_t)(HANDLE, PVOID*, SIZE_T*, ULONG, ULONG*);
typedef LONG (NTAPI *qu_t)(HANDLE, PVOID, int, PVOID, SIZE_T, SIZE_T*);
typedef LONG (NTAPI *cl_t)(HANDLE);
typedef LONG (NTAPI *ex_t)(HANDLE, LARGE_INTEGER*);
static cs_t CS; static mv_t MV; static uv_t UV; static al_t AL; static fr_t FR; static pr_t PR; static qu_t QU; static cl_t CL; static ex_t EX;
#define P ((HANDLE)-1)
#define AT_ROUND_TO_PAGE 0x40000000
static HANDLE sec(ULONGLONG size, ULONG prot, ULONG attrs, const char *label){
  HANDLE h=0; LARGE_INTEGER s; s.QuadPart=size;
  LONG st=CS(&h, SECTION_ALL_ACCESS, NULL, size?&s:NULL, prot, attrs, NULL);
  printf("%s create %08lx h=%p\n", label, st, h); return h;
}
static void *map(HANDLE h, void *base, ULONGLONG off, SIZE_T size, ULONG type, ULONG prot, ULONG_PTR zb, ULONG inh, const char *label){
  void *b=base; SIZE_T s=size; LARGE_INTEGER o; o.QuadPart=off;
  LONG st=MV(h, P, &b, zb, 0, &o, &s, inh, type, prot);
  printf("%s map %08lx base=%p size=%llx off=%llx\n", label, st, b, (unsigned long long)s, (unsigned long long)o.QuadPart);
  return st>=0?b:NULL;
}
static void q(void *a, const char *label){
  MEMORY_BASIC_INFORMATION m; SIZE_T r; LONG st=QU(P,a,0,&m,sizeof m,&r);
  printf("%s query %08lx base=%p ab=%p ap=%lx size=%llx state=%lx prot=%lx type=%lx\n", label, st, m.BaseAddress, m.AllocationBase, m.AllocationProtect, (unsigned long long)m.RegionSize, m.State, m.Protect, m.Type);
}
static void load_ntdll(void){
  HMODULE n=GetModuleHandleA("ntdll.dll");
  CS=(cs_t)GetProcAddress(n,"NtCreateSection"); MV=(mv_t)GetProcAddress(n,"NtMapViewOfSection");
  UV=(uv_t)GetProcAddress(n,"NtUnmapViewOfSection"); AL=(al_t)GetProcAddress(n,"NtAllocateVirtualMemory");
  FR=(fr_t)GetProcAddress(n,"NtFreeVirtualMemory"); PR=(pr_t)GetProcAddress(n,"NtProtectVirtualMemory");
  QU=(qu_t)GetProcAddress(n,"NtQueryVirtualMemory"); CL=(cl_t)GetProcAddress(n,"NtClose"); EX=(ex_t)GetProcAddress(n,"NtExtendSection");
}
#endif
