/*
 * trace_buf.c -- the text buffer behind the writer and the formatters.  A
 * growable buffer collects a whole trace; a fixed one fills a caller's array
 * and, like snprintf, still counts the full length so callers can tell when
 * their array was too small.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_internal.h"

void trace_buf_init(struct trace_buf *b)
{
	memset(b, 0, sizeof *b);
}

void trace_buf_init_fixed(struct trace_buf *b, char *buf, size_t cap)
{
	memset(b, 0, sizeof *b);
	b->data = buf;
	b->cap = cap;
	b->fixed = 1;
	if (cap)
		buf[0] = '\0';
}

void trace_buf_finish_fixed(struct trace_buf *b)
{
	if (!b->fixed || b->cap == 0)
		return;
	b->data[b->len < b->cap ? b->len : b->cap - 1] = '\0';
}

static int trace_buf_grow(struct trace_buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	while (cap < need) {
		if (cap > ((size_t)-1) / 2)
			return -1;
		cap *= 2;
	}
	p = realloc(b->data, cap);
	if (!p)
		return -1;
	b->data = p;
	b->cap = cap;
	return 0;
}

void trace_buf_put(struct trace_buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->fixed) {
		if (b->len < b->cap) {
			size_t room = b->cap - b->len;
			memcpy(b->data + b->len, s, n < room ? n : room);
		}
		b->len += n;
		return;
	}
	if (b->len + n + 1 > b->cap && trace_buf_grow(b, b->len + n + 1) != 0) {
		b->oom = 1;
		return;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void trace_buf_puts(struct trace_buf *b, const char *s)
{
	trace_buf_put(b, s, strlen(s));
}

void trace_buf_printf(struct trace_buf *b, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = 1;
		return;
	}
	if ((size_t)n < sizeof tmp) {
		trace_buf_put(b, tmp, (size_t)n);
		return;
	}
	{
		char *big = malloc((size_t)n + 1);
		if (!big) {
			b->oom = 1;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		trace_buf_put(b, big, (size_t)n);
		free(big);
	}
}

char *trace_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}
