/*
 * wine_pipe.c -- the recorder under Wine as a child process
 * (`ntvm-recorder.exe --serve`, reference/recorder/serve.c): started on
 * first use, fed a script and `end` on its stdin, answered up to a line
 * `end` on its stdout.  Every wait is bounded by poll(); a process that
 * dies or does not answer in time is killed and restarted on the next use.
 * NVW_WINE (the wine binary), NVW_RECORDER (the .exe) and WINEPREFIX come
 * from the environment (scripts/nt_vs_wine.sh sets them).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nt_vs_wine.h"

int nvw_wine_start(struct nvw_wine *w)
{
	int in[2], out[2];
	const char *wine = getenv("NVW_WINE"), *exe = getenv("NVW_RECORDER");

	if (w->pid > 0)
		return 0;
	if (!wine || !exe || pipe(in) != 0)
		return -1;
	if (pipe(out) != 0) {
		close(in[0]), close(in[1]);
		return -1;
	}
	w->pid = fork();
	if (w->pid < 0) {
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		return -1;
	}
	if (w->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		execl(wine, wine, exe, "--serve", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	w->to = in[1];
	w->from = out[0];
	w->len = 0;
	w->starts++;
	return 0;
}

void nvw_wine_stop(struct nvw_wine *w)
{
	if (w->pid <= 0)
		return;
	close(w->to);
	close(w->from);
	kill(w->pid, SIGKILL);
	waitpid(w->pid, NULL, 0);
	w->pid = 0;
	w->len = 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int write_all(struct nvw_wine *w, const char *p, size_t n, long long deadline)
{
	while (n) {
		struct pollfd pfd = { w->to, POLLOUT, 0 };
		long long left = deadline - now_ms();
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0 || (pfd.revents & (POLLERR | POLLHUP)))
			return -1;
		ssize_t k = write(w->to, p, n);
		if (k < 0 && errno != EINTR && errno != EAGAIN)
			return -1;
		if (k > 0)
			p += k, n -= (size_t)k;
	}
	return 0;
}

/* Where the answer's "end\n" line ends in w->buf, or 0 if not there yet. */
static size_t answer_end(const struct nvw_wine *w)
{
	for (size_t i = 0; i + 4 <= w->len; i++)
		if ((i == 0 || w->buf[i - 1] == '\n') && memcmp(w->buf + i, "end\n", 4) == 0)
			return i + 4;
	return 0;
}

static int read_answer(struct nvw_wine *w, long long deadline, char **answer)
{
	size_t end;

	while ((end = answer_end(w)) == 0) {
		struct pollfd pfd = { w->from, POLLIN, 0 };
		long long left = deadline - now_ms();
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return -1;
		if (w->len + 65536 > w->cap) {
			size_t cap = (w->len + 65536) * 2;
			char *p = realloc(w->buf, cap);
			if (!p)
				return -1;
			w->buf = p, w->cap = cap;
		}
		ssize_t k = read(w->from, w->buf + w->len, w->cap - w->len);
		if (k <= 0)
			return -1; /* the process died */
		w->len += (size_t)k;
	}
	*answer = malloc(end - 4 + 1);
	if (!*answer)
		return -1;
	memcpy(*answer, w->buf, end - 4);
	(*answer)[end - 4] = 0;
	memmove(w->buf, w->buf + end, w->len - end);
	w->len -= end;
	return 0;
}

int nvw_wine_record(struct nvw_wine *w, const char *script, int timeout_ms, char **answer)
{
	long long deadline = now_ms() + timeout_ms;

	*answer = NULL;
	signal(SIGPIPE, SIG_IGN);
	if (nvw_wine_start(w) != 0)
		return -1;
	if (write_all(w, script, strlen(script), deadline) != 0 ||
	    write_all(w, "end\n", 4, deadline) != 0 || read_answer(w, deadline, answer) != 0) {
		nvw_wine_stop(w);
		return -1;
	}
	return 0;
}
