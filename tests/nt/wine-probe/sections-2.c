/*
 * sections-2.c -- follow-ups of sections.c under Wine 8.0: view protections
 * beyond the section's, AT_ROUND_TO_PAGE at a 64 KiB and a page base,
 * NOACCESS and GUARD sections, MEM_RESERVE views, a commit size, a write to
 * a WRITECOPY view, NtFreeVirtualMemory on views.  Built and run as
 * sections.c; answers in results-sections-2.txt.
 */
#include "sections-probe.h"
int main(void){
  load_ntdll();
  char *X=(char*)0x100000000000ull;
  HANDLE cm=sec(0x2000, PAGE_READWRITE, SEC_COMMIT, "commit");
  char *e1=map(cm, X, 0, 0, 0, PAGE_EXECUTE_READWRITE, 0, 2, "erw_on_rw"); if(e1) q(e1,"erw_q");
  HANDLE ro=sec(0x2000, PAGE_READONLY, SEC_COMMIT, "ro");
  char *e2=map(ro, X+0x10000, 0, 0, 0, PAGE_READWRITE, 0, 2, "rw_on_ro"); if(e2) q(e2,"rw_on_ro_q");
  char *e3=map(cm, X+0x20000, 0, 0, 0x40000000, PAGE_READWRITE, 0, 2, "atr_base"); if(e3) q(e3,"atr_base_q");
  char *e4=map(cm, X+0x31000, 0, 0, 0x40000000, PAGE_READWRITE, 0, 2, "atr_base1000"); if(e4) q(e4,"atr_base1000_q");
  char *e5=map(cm, X+0x41000, 0, 0, 0, PAGE_READWRITE, 0, 2, "base1000_noatr");
  HANDLE na=sec(0x2000, PAGE_NOACCESS, SEC_COMMIT, "na");
  char *e6=map(na, X+0x50000, 0, 0, 0, PAGE_READONLY, 0, 2, "ro_on_na"); if(e6) q(e6,"ro_on_na_q");
  char *e6b=map(na, X+0x58000+0x8000, 0, 0, 0, PAGE_NOACCESS, 0, 2, "na_on_na"); if(e6b) q(e6b,"na_on_na_q");
  HANDLE gd=sec(0x2000, PAGE_READWRITE|PAGE_GUARD, SEC_COMMIT, "guard");
  char *e7=map(gd, X+0x70000, 0, 0, 0, PAGE_READWRITE, 0, 2, "rw_on_guard"); if(e7) q(e7,"rw_on_guard_q");
  char *e8=map(cm, X+0x80000, 0, 0, MEM_RESERVE, PAGE_READWRITE, 0, 2, "memreserve"); if(e8) q(e8,"memreserve_q");
  HANDLE rs=sec(0x4000, PAGE_READWRITE, SEC_RESERVE, "rs");
  char *e9=map(rs, X+0x90000, 0, 0, MEM_RESERVE, PAGE_READWRITE, 0, 2, "memreserve_rs"); if(e9) q(e9,"memreserve_rs_q");
  { void *b=X+0xA0000; SIZE_T s=0; LARGE_INTEGER o; o.QuadPart=0; LONG st=MV(rs,P,&b,0,0x2001,&o,&s,2,0,PAGE_READWRITE); printf("commitsize map %08lx\n", st); q(X+0xA0000,"cs_q0"); q(X+0xA2000,"cs_q2"); q(X+0x90000,"other_after_cs"); }
  char *f=map(cm, X+0xB0000, 0, 0, 0, PAGE_WRITECOPY, 0, 2, "F");
  f[0x10]=1; q(f, "F0"); q(f+0x1000,"F1"); printf("X0 byte %d\n", X[0x10]);
  { void *p=X+0xB0000; SIZE_T s=0; LONG st=FR(P,&p,&s,MEM_RELEASE); printf("release_view_base %08lx\n", st); }
  { void *p=X+0xB1000; SIZE_T s=0; LONG st=FR(P,&p,&s,MEM_RELEASE); printf("release_view_notbase %08lx\n", st); }
  { void *p=X+0xB1000; SIZE_T s=0x100000; LONG st=FR(P,&p,&s,MEM_DECOMMIT); printf("decommit_view_past %08lx\n", st); }
  return 0;
}
