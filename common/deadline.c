/* deadline.c: owns time keeping for a run: the monotonic clock, the soft deadline at which a plugin
 * stops working and renders, and the SIGALRM hard timeout that answers if the plugin hangs anyway. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "util.h"

/** Longest hard-timeout message, prefix included. */
#define TIMEOUT_MSG_MAX 256
/** Longest hard timeout accepted (a day); -t itself is bounded at 3600 s. */
#define TIMEOUT_MAX_SECONDS 86400.0

/*
 * File-scope state is unavoidable here: the SIGALRM handler gets no context argument, and it
 * may only call async-signal-safe functions, so the message is formatted when the timer is
 * armed and the handler merely writes these bytes and exits.
 */
/** Pre-formatted "PREFIX STATE - plugin timed out after N seconds\n". */
static char timeout_msg[TIMEOUT_MSG_MAX];
/** Length of timeout_msg. */
static size_t timeout_msg_len;
/** Exit code of the hard timeout. */
static volatile sig_atomic_t timeout_exit = MR_UNKNOWN;
/** 1 while the hard timeout is armed; a late SIGALRM after cancel is ignored. */
static volatile sig_atomic_t timeout_armed;

/** Seconds on the monotonic clock (0 if it cannot be read). */
double mr_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0.0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/** Milliseconds until deadline, rounded up, within [1, INT_MAX]. */
long mr_ms_until(double deadline)
{
	double ms = (deadline - mr_now()) * 1000.0;
	long whole;

	if (!(ms > 1.0)) /* also NaN */
		return 1;
	if (ms >= (double)INT_MAX)
		return INT_MAX;
	whole = (long)ms;
	if ((double)whole < ms)
		whole++;
	return whole;
}

/** start + t - margin, margin = 10 % of t within [0.2, 1.0] s; never before start. */
double mr_soft_deadline(double start, double t)
{
	double margin = 0.1 * t;
	double deadline;

	if (margin < 0.2)
		margin = 0.2;
	if (margin > 1.0)
		margin = 1.0;
	deadline = start + t - margin;
	/* only a timeout below 0.2 s gets here: never ask for a deadline before the start */
	return deadline < start ? start : deadline;
}

/** SIGALRM handler: write the prepared message to stdout and exit with the timeout state. */
static void on_alarm(int sig)
{
	size_t done = 0;

	(void)sig;
	if (!timeout_armed)
		return;
	while (done < timeout_msg_len) {
		ssize_t n = write(STDOUT_FILENO, timeout_msg + done, timeout_msg_len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	_exit((int)timeout_exit);
}

/** Arm the SIGALRM fallback after seconds; the message names shown seconds. */
int mr_hard_timeout_arm_shown(double seconds, double shown, mr_state st, const char *prefix)
{
	struct sigaction sa;
	struct itimerval it;
	char num[32];
	long usec;

	if (!(seconds > 0.0) || seconds > TIMEOUT_MAX_SECONDS || !(shown > 0.0) ||
	    shown > TIMEOUT_MAX_SECONDS || (unsigned)st > MR_UNKNOWN || prefix == NULL)
		return -1;
	mr_hard_timeout_cancel();
	if (mr_format_double(shown, num, sizeof(num)) != 0)
		return -1;
	if (mr_snprintf(timeout_msg, sizeof(timeout_msg), "%s %s - plugin timed out after %s %s\n", prefix,
	                mr_state_name(st), num, shown == 1.0 ? "second" : "seconds") != 0)
		return -1;
	timeout_msg_len = strlen(timeout_msg);
	timeout_exit = st;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) != 0)
		return -1;

	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = (time_t)seconds;
	usec = (long)((seconds - (double)it.it_value.tv_sec) * 1e6);
	if (usec < 0)
		usec = 0;
	if (usec > 999999)
		usec = 999999;
	it.it_value.tv_usec = (suseconds_t)usec;
	if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
		it.it_value.tv_usec = 1; /* a zero value would disarm the timer */
	timeout_armed = 1;
	if (setitimer(ITIMER_REAL, &it, NULL) != 0) {
		timeout_armed = 0;
		return -1;
	}
	return 0;
}

/** Arm the SIGALRM fallback; the message names the waiting time itself. */
int mr_hard_timeout_arm(double seconds, mr_state st, const char *prefix)
{
	return mr_hard_timeout_arm_shown(seconds, seconds, st, prefix);
}

/** Stop the timer; a SIGALRM already on its way is ignored. */
void mr_hard_timeout_cancel(void)
{
	struct itimerval it;

	timeout_armed = 0;
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
}
