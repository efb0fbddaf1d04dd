# Toolchain file: cross-compile Windows x86-64 console programs with Debian's
# mingw-w64 (package gcc-mingw-w64-x86-64).  Used by `make reference` to build
# the recorder (reference/recorder), which then runs under wine64.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(NTVM_MINGW_PREFIX x86_64-w64-mingw32)

set(CMAKE_C_COMPILER ${NTVM_MINGW_PREFIX}-gcc)
set(CMAKE_RC_COMPILER ${NTVM_MINGW_PREFIX}-windres)
set(CMAKE_FIND_ROOT_PATH /usr/${NTVM_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
