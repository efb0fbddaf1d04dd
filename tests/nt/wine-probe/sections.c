/*
 * sections.c -- the sections probe cited by core/src/nt_profile.c (rows
 * SECTION_CREATE_*, MAP_*, FREE_VIEW, VIEW_PROTECT_INCOMPATIBLE): NT section
 * calls made directly under Wine 8.0, one line per call (label, status,
 * values).  sections-2.c asks the follow-up questions.  Build and run:
 *
 *   x86_64-w64-mingw32-gcc -O1 sections.c -o sections.exe
 *   WINEPREFIX=/tmp/ntvm-wine-nt WINEDEBUG=-all /usr/lib/wine/wine64 sections.exe
 *
 * Debian's Wine 8.0 answered results-sections.txt (results-sections-2.txt).
 */
#include "sections-probe.h"
int main(void){
  load_ntdll();
  char *X=(char*)0x100000000000ull;
  /* SEC_RESERVE: commit through one view, look at another */
  HANDLE r=sec(0x4000, PAGE_READWRITE, SEC_RESERVE, "reserve");
  char *a=map(r, X, 0, 0, 0, PAGE_READWRITE, 0, 2, "A");
  char *b=map(r, X+0x10000, 0, 0, 0, PAGE_READONLY, 0, 2, "B");
  q(a, "A0"); q(b, "B0");
  { void *p=a+0x1800; SIZE_T s=0x1000; LONG st=AL(P,&p,0,&s,MEM_COMMIT,PAGE_READWRITE); printf("commitA %08lx %p %llx\n", st, p, (unsigned long long)s); }
  q(a+0x1000,"A1"); q(b+0x1000,"B1");
  { void *p=b; SIZE_T s=0x1000; LONG st=AL(P,&p,0,&s,MEM_COMMIT,PAGE_READWRITE); printf("commitB_rw %08lx\n", st); }
  { void *p=b; SIZE_T s=0x1000; LONG st=AL(P,&p,0,&s,MEM_COMMIT,PAGE_READONLY); printf("commitB_ro %08lx\n", st); }
  q(b, "B2"); q(a, "A2");
  char *c=map(r, X+0x20000, 0, 0, 0, PAGE_READONLY, 0, 2, "C-late");
  q(c, "C0"); q(c+0x1000, "C1");
  { void *p=a; SIZE_T s=0x1000; LONG st=FR(P,&p,&s,MEM_DECOMMIT); printf("decommit_view %08lx\n", st); }
  { void *p=a; SIZE_T s=0; LONG st=FR(P,&p,&s,MEM_RELEASE); printf("release_view %08lx\n", st); }
  /* SEC_COMMIT view READONLY: protect RW, WC */
  HANDLE cm=sec(0x2000, PAGE_READWRITE, SEC_COMMIT, "commit");
  char *d=map(cm, X+0x30000, 0, 0, 0, PAGE_READONLY, 0, 2, "D");
  { void *p=d; SIZE_T s=0x1000; ULONG old=0; LONG st=PR(P,&p,&s,PAGE_READWRITE,&old); printf("protect_ro_view_rw %08lx old=%lx\n", st, old); }
  { void *p=d; SIZE_T s=0x1000; ULONG old=0; LONG st=PR(P,&p,&s,PAGE_WRITECOPY,&old); printf("protect_ro_view_wc %08lx old=%lx\n", st, old); }
  { void *p=d; SIZE_T s=0x1000; ULONG old=0; LONG st=PR(P,&p,&s,PAGE_EXECUTE_READ,&old); printf("protect_ro_view_rx %08lx old=%lx\n", st, old); }
  { void *p=d; SIZE_T s=0x1000; LONG st=AL(P,&p,0,&s,MEM_COMMIT,PAGE_READONLY); printf("commit_in_commit_view %08lx\n", st); }
  /* map statuses */
  map(cm, 0, 0, 0, AT_ROUND_TO_PAGE, PAGE_READWRITE, 0, 2, "at_round");
  map(cm, 0, 0, 0, MEM_COMMIT, PAGE_READWRITE, 0, 2, "type_commit");
  map(cm, 0, 0, 0, MEM_RESERVE, PAGE_READWRITE, 0, 2, "type_reserve");
  map(cm, 0, 0, 0, 0, PAGE_READWRITE, 0, 3, "inherit3");
  map(cm, 0, 0, 0, 0, PAGE_READWRITE, 22, 2, "zb22");
  map(cm, 0, 0, 0, 0, PAGE_READWRITE, 21, 2, "zb21");
  map(cm, 0, 0, 0, 0, PAGE_EXECUTE_READWRITE, 0, 2, "prot_erw");
  map(cm, 0, 0, 0, 0, PAGE_READWRITE|PAGE_READONLY, 0, 2, "prot_bad");
  map(cm, 0, 0, 0, 0, PAGE_READWRITE|PAGE_WRITECOMBINE, 0, 2, "prot_wc");
  map(cm, 0, 0x10000, 0, 0, PAGE_READWRITE, 0, 2, "off_end");
  map(cm, 0, 0, 0x3000, 0, PAGE_READWRITE, 0, 2, "size_big");
  map(cm, 0, 1, 0, 0, PAGE_READWRITE, 0, 2, "off_1");
  map(cm, 0, 0x1000, 0, 0, PAGE_READWRITE, 0, 2, "off_1000");
  map(cm, X+0x40042, 0, 0, 0, PAGE_READWRITE, 0, 2, "base_42");
  map(cm, (char*)0x800000000000ull, 0, 0, 0, PAGE_READWRITE, 0, 2, "base_high");
  map(cm, X+0x50000, 0, 0x1001, 0, PAGE_READWRITE, 0, 2, "size_1001");
  map((HANDLE)0x1230, 0, 0, 0, 0, PAGE_READWRITE, 0, 2, "bad_handle");
  map(cm, X+0x100000, 0, 0, 0, PAGE_READWRITE, 1, 2, "zb1_explicit");
  /* commit size with SEC_RESERVE */
  char *e=map(r, X+0x60000, 0, 0, 0, PAGE_READWRITE, 0, 2, "E");
  q(e+0x3000, "E3");
  /* unmap / close */
  { LONG st=UV(P, X+0x30800); printf("unmap_inside %08lx\n", st); }
  { LONG st=UV(P, X+0x30000); printf("unmap_again %08lx\n", st); }
  { void *p=X+0x200000; SIZE_T s=0x1000; AL(P,&p,0,&s,MEM_RESERVE|MEM_COMMIT,PAGE_READWRITE); LONG st=UV(P,p); printf("unmap_private %08lx\n", st); }
  { LONG st=CL((HANDLE)0x1230); printf("close_bad %08lx\n", st); }
  /* create statuses */
  sec(0x1000, PAGE_READWRITE, 0, "attr0");
  sec(0x1000, PAGE_READWRITE, SEC_COMMIT|SEC_RESERVE, "attr_cr");
  sec(0x1000, PAGE_NOACCESS, SEC_COMMIT, "prot_na");
  sec(0x1000, PAGE_READWRITE|PAGE_GUARD, SEC_COMMIT, "prot_guard");
  sec(0, PAGE_READWRITE, SEC_COMMIT, "size0");
  sec(0x1000, PAGE_READONLY, SEC_IMAGE, "image_nofile");
  sec(0x1000, PAGE_READWRITE, SEC_COMMIT|1, "attr_bit0");
  /* NtExtendSection is not exported by Wine 8.0's ntdll (EX is NULL): not probed */
  /* writecopy */
  char *f=map(cm, X+0x70000, 0, 0, 0, PAGE_WRITECOPY, 0, 2, "F");
  f[0x10]=1; q(f, "F0");
  return 0;
}
