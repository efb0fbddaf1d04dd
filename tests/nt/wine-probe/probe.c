/*
 * probe.c -- the "probe" cited by core/src/nt_profile.c and docs: a mingw
 * program that reads call lines on stdin and makes the real NT calls under
 * Wine, printing status, out values and fault codes.  Not part of the CMake
 * build (it is a Windows program); build and run it with
 *
 *   x86_64-w64-mingw32-gcc -O1 probe.c -o probe.exe
 *   WINEPREFIX=/tmp/ntvm-wine-nt WINEDEBUG=-all /usr/lib/wine/wine64 probe.exe < calls-1.txt
 *
 * Lines: "alloc BASE SIZE TYPE PROT [ZERO_BITS]", "free BASE SIZE TYPE",
 * "protect BASE SIZE PROT", "query ADDR [LENGTH [CLASS]]", "read ADDR",
 * "write ADDR BYTE"; numbers in C notation.  The calls-N.txt files are the
 * inputs used for the NT layer, results-N.txt what Debian's Wine 8.0
 * answered (arena 0x100000000000, which Wine leaves free).
 */
#include <windows.h>
#include <winternl.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
typedef LONG (NTAPI *alloc_t)(HANDLE, PVOID*, ULONG_PTR, SIZE_T*, ULONG, ULONG);
typedef LONG (NTAPI *free_t)(HANDLE, PVOID*, SIZE_T*, ULONG);
typedef LONG (NTAPI *prot_t)(HANDLE, PVOID*, SIZE_T*, ULONG, ULONG*);
typedef LONG (NTAPI *query_t)(HANDLE, PVOID, int, PVOID, SIZE_T, SIZE_T*);
static alloc_t pA; static free_t pF; static prot_t pP; static query_t pQ;
static volatile int fault_code; static void *fault_addr_v;
static LONG CALLBACK veh(EXCEPTION_POINTERS *e){
  extern char probe_ld[], probe_st[], probe_rec_ld[], probe_rec_st[];
  void *ip=(void*)e->ContextRecord->Rip;
  if(ip==probe_ld){fault_code=e->ExceptionRecord->ExceptionCode; if(e->ExceptionRecord->NumberParameters>=2) fault_addr_v=(void*)e->ExceptionRecord->ExceptionInformation[1]; e->ContextRecord->Rip=(DWORD64)probe_rec_ld; return EXCEPTION_CONTINUE_EXECUTION;}
  if(ip==probe_st){fault_code=e->ExceptionRecord->ExceptionCode; if(e->ExceptionRecord->NumberParameters>=2) fault_addr_v=(void*)e->ExceptionRecord->ExceptionInformation[1]; e->ContextRecord->Rip=(DWORD64)probe_rec_st; return EXCEPTION_CONTINUE_EXECUTION;}
  return EXCEPTION_CONTINUE_SEARCH;
}
__asm__(".globl probe_load\nprobe_load:\n.globl probe_ld\nprobe_ld: movzbl (%rcx),%eax\n.globl probe_rec_ld\nprobe_rec_ld: ret\n"
        ".globl probe_store\nprobe_store:\n.globl probe_st\nprobe_st: movb %dl,(%rcx)\n.globl probe_rec_st\nprobe_rec_st: ret\n");
int probe_load(void*); void probe_store(void*, int);
int main(int argc,char**argv){
  HMODULE n=GetModuleHandleA("ntdll.dll");
  pA=(alloc_t)GetProcAddress(n,"NtAllocateVirtualMemory");pF=(free_t)GetProcAddress(n,"NtFreeVirtualMemory");
  pP=(prot_t)GetProcAddress(n,"NtProtectVirtualMemory");pQ=(query_t)GetProcAddress(n,"NtQueryVirtualMemory");
  AddVectoredExceptionHandler(1,veh);
  char line[512];
  setvbuf(stdout,NULL,_IONBF,0);
  while(fgets(line,sizeof line,stdin)){
    char op[32]; unsigned long long a=0,b=0,c=0,d=0,e=0; int k;
    if(line[0]=='#'||line[0]=='\n'){continue;}
    {char *t=line; int n=0; k=0; if(sscanf(line,"%31s%n",op,&n)<1) continue; k=1; t+=n; unsigned long long *vals[5]={&a,&b,&c,&d,&e};
      for(int i=0;i<5;i++){char *end; while(*t==' ')t++; if(!*t||*t=='\n'||*t=='#')break; *vals[i]=strtoull(t,&end,0); if(end==t)break; t=end; k++;}}
    if(k<1)continue;
    line[strcspn(line,"\n")]=0;
    if(!strcmp(op,"alloc")){PVOID p=(PVOID)a;SIZE_T s=b;LONG st=pA(GetCurrentProcess(),&p,e,&s,(ULONG)c,(ULONG)d);printf("%-50s => %08lx %p %llx\n",line,st,p,(unsigned long long)s);}
    else if(!strcmp(op,"free")){PVOID p=(PVOID)a;SIZE_T s=b;LONG st=pF(GetCurrentProcess(),&p,&s,(ULONG)c);printf("%-50s => %08lx %p %llx\n",line,st,p,(unsigned long long)s);}
    else if(!strcmp(op,"protect")){PVOID p=(PVOID)a;SIZE_T s=b;ULONG old=0xdead;LONG st=pP(GetCurrentProcess(),&p,&s,(ULONG)c,&old);printf("%-50s => %08lx %p %llx old=%lx\n",line,st,p,(unsigned long long)s,old);}
    else if(!strcmp(op,"query")){MEMORY_BASIC_INFORMATION m;memset(&m,0xcc,sizeof m);SIZE_T rl=0xdead;SIZE_T len=k>=3?b:sizeof m;int cls=k>=4?(int)c:0;char buf[256];memset(buf,0xcc,sizeof buf);
      LONG st=pQ(GetCurrentProcess(),(PVOID)a,cls,cls?buf:(void*)&m,len,&rl);
      if(cls==0)printf("%-50s => %08lx rl=%llx base=%p ab=%p ap=%lx size=%llx state=%lx prot=%lx type=%lx\n",line,st,(unsigned long long)rl,m.BaseAddress,m.AllocationBase,m.AllocationProtect,(unsigned long long)m.RegionSize,m.State,m.Protect,m.Type);
      else {printf("%-50s => %08lx rl=%llx:",line,st,(unsigned long long)rl);for(int i=0;i<(int)(len<64?len:64);i++)printf("%02x",(unsigned char)buf[i]);printf("\n");}}
    else if(!strcmp(op,"read")){fault_code=0;fault_addr_v=0;int v=probe_load((void*)a);printf("%-50s => %08x fa=%p v=%x\n",line,fault_code,fault_addr_v,fault_code?0:v);}
    else if(!strcmp(op,"write")){fault_code=0;fault_addr_v=0;probe_store((void*)a,(int)b);printf("%-50s => %08x fa=%p\n",line,fault_code,fault_addr_v);}
    else printf("?? %s\n",line);
  }
  return 0;
}
