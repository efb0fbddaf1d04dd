/*
 * replay_files.c -- expanding command-line paths into trace files (POSIX
 * directory reading; the tools run on the build host only).
 */
#define _POSIX_C_SOURCE 200809L
#include "replay_files.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool push(struct replay_files *f, const char *path)
{
	if (f->count == f->capacity) {
		size_t cap = f->capacity ? f->capacity * 2 : 64;
		char **p = realloc(f->paths, cap * sizeof *p);
		if (!p)
			return false;
		f->paths = p;
		f->capacity = cap;
	}
	f->paths[f->count] = strdup(path);
	return f->paths[f->count++] != NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

bool replay_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The sorted entry names of a directory (without . and ..). */
static bool list_dir(const char *dir, struct replay_files *names)
{
	DIR *d = opendir(dir);
	if (!d)
		return false;
	bool ok = true;
	for (struct dirent *e; ok && (e = readdir(d)) != NULL;)
		if (e->d_name[0] != '.')
			ok = push(names, e->d_name);
	closedir(d);
	if (ok && names->count)
		qsort(names->paths, names->count, sizeof *names->paths, cmp_str);
	return ok;
}

static bool add_dir(struct replay_files *f, const char *dir)
{
	struct replay_files names = { 0 };
	bool ok = list_dir(dir, &names);
	for (size_t i = 0; ok && i < names.count; i++) {
		size_t n = strlen(dir) + strlen(names.paths[i]) + 2;
		char *path = malloc(n);
		if (!path) {
			ok = false;
			break;
		}
		snprintf(path, n, "%s%s%s", dir, has_suffix(dir, "/") ? "" : "/", names.paths[i]);
		if (replay_is_dir(path))
			ok = add_dir(f, path);
		else if (has_suffix(path, ".trace"))
			ok = push(f, path);
		free(path);
	}
	replay_files_free(&names);
	return ok;
}

bool replay_files_add(struct replay_files *f, const char *path, char *err, size_t err_size)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		return false;
	}
	bool ok = S_ISDIR(st.st_mode) ? add_dir(f, path) : push(f, path);
	if (!ok)
		snprintf(err, err_size, "%s: cannot list (%s)", path, strerror(errno));
	return ok;
}

void replay_files_free(struct replay_files *f)
{
	for (size_t i = 0; i < f->count; i++)
		free(f->paths[i]);
	free(f->paths);
	memset(f, 0, sizeof *f);
}

const char *replay_basename(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

bool replay_make_dirs(const char *path)
{
	char buf[4096];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof buf) {
		errno = ENAMETOOLONG;
		return false;
	}
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		char c = buf[i];
		buf[i] = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			return false;
		buf[i] = c;
	}
	return replay_is_dir(path);
}
