/*
 * replay_driver.c -- a main() that runs a fuzz target's entry point over
 * files and folders (every file below a folder), with no
 * fuzzing engine: how tests and CI replay the corpora, and how a human
 * reproduces a crash file.  Built once per target.  With
 * NTVM_REPLAY_FORK set the inputs run in a child process and the driver
 * goes on after an input that stopped it, naming each such input
 * (scripts/check-incremental.sh learns this way which inputs catch a
 * planted bug); a new child is forked only after a stop.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* NTVM_REPLAY_FORK: the paths are collected first, then run by children. */
static int forking;
static char **list;
static size_t list_len, list_cap;

static int add_path(const char *path)
{
	size_t n = strlen(path) + 1;
	if (list_len == list_cap) {
		size_t cap = list_cap ? list_cap * 2 : 256;
		char **grown = realloc(list, cap * sizeof *grown);
		if (!grown)
			return 1;
		list = grown;
		list_cap = cap;
	}
	if (!(list[list_len] = malloc(n)))
		return 1;
	memcpy(list[list_len++], path, n);
	return 0;
}

static int run_file(const char *path)
{
	if (forking)
		return add_path(path);
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	long size;
	if (!f || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		if (f)
			fclose(f);
		return 1;
	}
	data = malloc(size ? (size_t)size : 1);
	if (!data || fread(data, 1, (size_t)size, f) != (size_t)size) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		free(data);
		fclose(f);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data, (size_t)size);
	free(data);
	return 0;
}

static int run_dir(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int failures = 0;
	if (!d) {
		fprintf(stderr, "replay: cannot open %s\n", dir);
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			failures += run_dir(path, count);
		} else if (S_ISREG(st.st_mode)) {
			failures += run_file(path);
			(*count)++;
		}
	}
	closedir(d);
	return failures;
}

/* Run the collected paths in children; a child that stops is named and
 * the next one starts after its input.  Returns the number of stops. */
static int run_forked(void)
{
	volatile size_t *at = mmap(NULL, sizeof *at, PROT_READ | PROT_WRITE,
	                           MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int stopped = 0;
	if (at == MAP_FAILED)
		return 1;
	forking = 0;
	for (size_t next = 0; next < list_len;) {
		int status = 0;
		pid_t child = fork();
		if (child == 0) {
			for (size_t i = next; i < list_len; i++) {
				*at = i;
				run_file(list[i]);
			}
			_exit(0);
		}
		if (child < 0 || waitpid(child, &status, 0) != child)
			return stopped + 1;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			break;
		printf("replay: stopped on %s\n", list[*at]);
		fflush(stdout);
		stopped++;
		next = *at + 1;
	}
	munmap((void *)at, sizeof *at);
	for (size_t i = 0; i < list_len; i++)
		free(list[i]);
	free(list);
	return stopped;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	int failures = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	forking = getenv("NTVM_REPLAY_FORK") != NULL;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			failures += run_dir(argv[i], &count);
		} else {
			failures += run_file(argv[i]);
			count++;
		}
	}
	if (forking)
		failures += run_forked();
	printf("replayed %zu inputs, %d unreadable%s\n", count, failures,
	       getenv("NTVM_REPLAY_FORK") ? " or stopped" : "");
	return failures ? 1 : 0;
}
