/*
 * replay_files.h -- the trace files named on a command line: files as given,
 * directories searched (recursively) for *.trace, each directory's files in
 * name order so output and reports are stable.
 */
#ifndef NTVM_REPLAY_FILES_H
#define NTVM_REPLAY_FILES_H

#include <stdbool.h>
#include <stddef.h>

struct replay_files {
	char **paths;
	size_t count, capacity;
};

/* Adds path (a file, or every *.trace under a directory).  false: path does
 * not exist or out of memory; err gets the reason. */
bool replay_files_add(struct replay_files *f, const char *path, char *err, size_t err_size);
void replay_files_free(struct replay_files *f);

/* The last component of a path. */
const char *replay_basename(const char *path);
/* mkdir -p; false with errno set on failure. */
bool replay_make_dirs(const char *path);
bool replay_is_dir(const char *path);

#endif /* NTVM_REPLAY_FILES_H */
