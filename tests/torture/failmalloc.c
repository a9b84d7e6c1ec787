/* failmalloc.c: an LD_PRELOAD shim for the allocation-failure tests (tests/torture/test_alloc_failure.py).
 * It counts the allocations (malloc, calloc, realloc, aligned forms) a plugin makes once main has started and
 * makes one of them fail, as curl's torture tests do.  Built by the test driver, never installed.
 *
 *   MR_FAIL_ALLOC=N        fail the Nth allocation made after main started (any caller)
 *   MR_FAIL_ALLOC_OWN=N    fail the Nth allocation made directly by the plugin binary (the project's code)
 *   MR_ALLOC_REPORT=PATH   at exit, write "total own failed skipped" to PATH
 *   MR_ALLOC_TRACE=1       print the stack of the failed allocation to stderr (for debugging a finding)
 *
 * An allocation called from a library that does not survive a failed allocation is never failed; the run is
 * reported as "skipped" instead: libglib (g_malloc aborts by design) and libldns (ldns_wire2pkt ->
 * ldns_pkt_new does not check ldns_rr_list_new and crashes: found by this test, ldns 1.8.3).  Allocations go to the next allocator (glibc's, or ASan's in a sanitizer build). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/** The next allocator's functions (glibc or ASan), looked up on first use. */
static void *(*next_malloc)(size_t);
/** See next_malloc. */
static void *(*next_calloc)(size_t, size_t);
/** See next_malloc. */
static void *(*next_realloc)(void *, size_t);
/** See next_malloc. */
static int (*next_memalign)(void **, size_t, size_t);
/** See next_malloc. */
static void (*next_free)(void *);

/** Bytes handed out while dlsym itself allocates (before the next allocator is known). */
static char boot_arena[4096];
/** Bytes of boot_arena used. */
static size_t boot_used;
/** 1 while the next allocator is being looked up. */
static int booting;

/** 1 once main has started: only then are allocations counted. */
static int counting;
/** Allocations counted so far, and those of them made directly by the binary. */
static unsigned long n_total, n_own;
/** The allocation number to fail (0: none), counted over all or over the binary's own. */
static unsigned long fail_at, fail_own_at;
/** 1 once the chosen allocation failed; 1 if it was in a library that cannot fail and so left alone. */
static int failed, skipped;
/** Start and end of the binary's text segment (own-code test). */
static uintptr_t own_lo, own_hi;

/** Read a positive number from environment variable name; 0 if unset or bad. */
static unsigned long env_number(const char *name)
{
	const char *s = getenv(name);
	char *end;
	unsigned long v;

	if (s == NULL || *s == '\0')
		return 0;
	v = strtoul(s, &end, 10);
	return *end == '\0' ? v : 0;
}

/** Look up the next allocator's functions. */
static void lookup(void)
{
	if (next_malloc != NULL || booting)
		return;
	booting = 1;
	next_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
	next_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	next_memalign = (int (*)(void **, size_t, size_t))dlsym(RTLD_NEXT, "posix_memalign");
	next_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
	next_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	booting = 0;
}

/** A block from boot_arena (only while dlsym runs). */
static void *boot_alloc(size_t n)
{
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (boot_used + n > sizeof(boot_arena))
		return NULL;
	p = boot_arena + boot_used;
	boot_used += n;
	return p;
}

/** Whether p points into boot_arena. */
static int is_boot(const void *p)
{
	return (const char *)p >= boot_arena && (const char *)p < boot_arena + sizeof(boot_arena);
}

/** Whether the caller at address ra is a library that cannot survive a failed allocation (see the top). */
static int caller_cannot_fail(const void *ra)
{
	Dl_info info;

	if (dladdr(ra, &info) == 0 || info.dli_fname == NULL)
		return 0;
	return strstr(info.dli_fname, "libglib") != NULL || strstr(info.dli_fname, "libldns") != NULL;
}

/** Count one allocation made from return address ra; 1 if it must fail. */
static int should_fail(const void *ra)
{
	int own;

	if (!counting)
		return 0;
	own = (uintptr_t)ra >= own_lo && (uintptr_t)ra < own_hi;
	n_total++;
	if (own)
		n_own++;
	if (failed || skipped)
		return 0;
	if ((fail_at != 0 && n_total == fail_at) || (fail_own_at != 0 && own && n_own == fail_own_at)) {
		if (caller_cannot_fail(ra)) {
			skipped = 1;
			return 0;
		}
		failed = 1;
		if (getenv("MR_ALLOC_TRACE") != NULL) {
			void *frames[32];

			backtrace_symbols_fd(frames, backtrace(frames, 32), 2);
		}
		return 1;
	}
	return 0;
}

/** malloc: the next allocator's, unless this is the allocation to fail. */
void *malloc(size_t n)
{
	lookup();
	if (next_malloc == NULL)
		return boot_alloc(n);
	if (should_fail(__builtin_return_address(0)))
		return NULL;
	return next_malloc(n);
}

/** calloc: see malloc. */
void *calloc(size_t n, size_t size)
{
	void *p;

	lookup();
	if (next_calloc == NULL) {
		if (size != 0 && n > SIZE_MAX / size)
			return NULL;
		p = boot_alloc(n * size);
		if (p != NULL)
			memset(p, 0, n * size);
		return p;
	}
	if (should_fail(__builtin_return_address(0)))
		return NULL;
	return next_calloc(n, size);
}

/** realloc: see malloc (realloc(p, 0) and boot blocks are passed on / copied, never failed). */
void *realloc(void *old, size_t n)
{
	void *p;

	lookup();
	if (is_boot(old)) {
		p = malloc(n);
		if (p != NULL)
			memcpy(p, old, n < 64 ? n : 64);
		return p;
	}
	if (next_realloc == NULL)
		return boot_alloc(n);
	if (n != 0 && should_fail(__builtin_return_address(0)))
		return NULL;
	return next_realloc(old, n);
}

/** Allocate n bytes for a caller at ra (strdup and strndup, counted as their caller's). */
static void *alloc_for(size_t n, const void *ra)
{
	lookup();
	if (next_malloc == NULL)
		return boot_alloc(n);
	if (should_fail(ra))
		return NULL;
	return next_malloc(n);
}

/** strdup: counted as an allocation of its caller. */
char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = alloc_for(n, __builtin_return_address(0));

	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

/** strndup: counted as an allocation of its caller. */
char *strndup(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	char *p = alloc_for(n + 1, __builtin_return_address(0));

	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/** posix_memalign: see malloc. */
int posix_memalign(void **out, size_t align, size_t n)
{
	lookup();
	if (next_memalign == NULL)
		return 12;
	if (should_fail(__builtin_return_address(0)))
		return 12; /* ENOMEM */
	return next_memalign(out, align, n);
}

/** free: the next allocator's; blocks of boot_arena are never freed. */
void free(void *p)
{
	if (p == NULL || is_boot(p))
		return;
	lookup();
	if (next_free != NULL)
		next_free(p);
}

/** Write the counts to $MR_ALLOC_REPORT at exit. */
static void report(void)
{
	const char *path = getenv("MR_ALLOC_REPORT");
	char line[128];
	int fd, n;

	if (path == NULL || *path == '\0')
		return;
	n = snprintf(line, sizeof(line), "%lu %lu %d %d\n", n_total, n_own, failed, skipped);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return;
	if (n > 0 && write(fd, line, (size_t)n) < 0)
		n = 0;
	close(fd);
}

/** The plugin's real main, called by main_wrapper. */
static int (*real_main)(int, char **, char **);

/** Start counting, then run the plugin's main. */
static int main_wrapper(int argc, char **argv, char **envp)
{
	Dl_info info;

	if (dladdr((void *)real_main, &info) != 0) {
		/* The binary is mapped from its base; its code lies well within the first 64 MiB. */
		own_lo = (uintptr_t)info.dli_fbase;
		own_hi = own_lo + ((uintptr_t)64 << 20);
	}
	fail_at = env_number("MR_FAIL_ALLOC");
	fail_own_at = env_number("MR_FAIL_ALLOC_OWN");
	atexit(report);
	counting = 1;
	return real_main(argc, argv, envp);
}

/** glibc's entry point: run main through main_wrapper. */
int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv, void (*init)(void),
                      void (*fini)(void), void (*rtld_fini)(void), void *stack_end)
{
	int (*next)(int (*)(int, char **, char **), int, char **, void (*)(void), void (*)(void),
	            void (*)(void), void *);

	next = (int (*)(int (*)(int, char **, char **), int, char **, void (*)(void), void (*)(void),
	                void (*)(void), void *))dlsym(RTLD_NEXT, "__libc_start_main");
	real_main = main;
	return next(main_wrapper, argc, argv, init, fini, rtld_fini, stack_end);
}
