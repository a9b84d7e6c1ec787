/* dnsbl_report.c: builds check_dnsbl's result tree from the outcome: per-target states, summary, long output
 * and perfdata. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dnsbl_report.h"

/** Longest target label, with NUL. */
#define LABEL_MAX 320
/** Runs with at most this many targets show every target. */
#define SHOW_ALL_TARGETS 10

/** Spamhaus's lookup and removal page, when a Spamhaus zone names none. */
#define SPAMHAUS_LOOKUP "https://check.spamhaus.org/"
/** Microsoft's delisting form for its consumer mail (Outlook.com, Hotmail), as check_ms_smtp names it. */
#define MICROSOFT_DELIST "https://olcsupport.office.com/"

/** "s" when n calls for a plural noun, else "". */
#define PLURAL(n) ((n) == 1 ? "" : "s")

/** Why a target has the state it has. */
typedef enum why {
	WHY_LISTED,       /**< listed on at least one block zone */
	WHY_FAILED,       /**< its name did not resolve */
	WHY_NO_ZONE,      /**< no zone applies to it */
	WHY_NO_ANSWER,    /**< no usable answer from any zone */
	WHY_CLEAN         /**< answered and not listed */
} why;

/** Classify target i and return its state; *reason tells why. */
static mr_state target_state(const dnsbl_report_config *rc, uint64_t i, why *reason)
{
	const dnsbl_tstate *ts = dnsbl_outcome_target(rc->o, i);
	const dnsbl_unit *u = dnsbl_units_find(&rc->o->units, i);
	int thresholds = rc->thr->has_warn || rc->thr->has_crit;

	if (u == NULL || u->failed) {
		*reason = WHY_FAILED;
		return MR_UNKNOWN;
	}
	if (u->zones == 0) {
		*reason = WHY_NO_ZONE;
		return MR_UNKNOWN;
	}
	if (ts->listed > 0) {
		*reason = WHY_LISTED;
		return thresholds ? mr_thresholds_state(rc->thr, ts->listed) : (mr_state)ts->severity;
	}
	if (ts->usable == 0) {
		*reason = WHY_NO_ANSWER;
		return rc->o->timed_out ? rc->timeout_state : MR_UNKNOWN;
	}
	*reason = WHY_CLEAN;
	return thresholds ? mr_thresholds_state(rc->thr, 0) : MR_OK;
}

/** Compare details by zone index for a stable long output. */
static int cmp_detail(const void *pa, const void *pb)
{
	const dnsbl_detail *a = *(const dnsbl_detail *const *)pa, *b = *(const dnsbl_detail *const *)pb;

	return a->zone < b->zone ? -1 : a->zone > b->zone;
}

/** Text of one zone line into b; returns the line's state, or -1 if the line is not shown. */
static int zone_line(const dnsbl_report_config *rc, const dnsbl_detail *d, mr_buf *b)
{
	const dnsbl_zone *z = &rc->zones->v[d->zone];

	if (!dnsbl_detail_kept(d->v.kind, rc->o->ntargets, rc->verbose))
		return -1;
	switch (d->v.kind) {
	case DNSBL_LISTED:
		if (z->allow) {
			mr_buf_printf(b, "%s: allow-listed %s", z->name, d->v.reason);
			return MR_OK;
		}
		mr_buf_printf(b, "%s: listed %s", z->name, d->v.reason);
		if (d->txt != NULL)
			mr_buf_printf(b, " \"%s\"", d->txt);
		if (z->delist[0] != '\0')
			mr_buf_printf(b, " delist: %s", z->delist);
		if (z->spamhaus && z->kind == DNSBL_KIND_IP)
			mr_buf_printf(b, " - Microsoft's consumer mail (Outlook.com, Hotmail) refuses mail from every IP that "
			              "Spamhaus lists: request delisting at Spamhaus first (%s), then with Microsoft's form "
			              "(%s)", z->delist[0] != '\0' ? z->delist : SPAMHAUS_LOOKUP, MICROSOFT_DELIST);
		return (int)z->severity;
	case DNSBL_ERROR:
		mr_buf_printf(b, "%s: error: %s", z->name, d->v.reason);
		if (d->v.public_resolver)
			mr_buf_printf(b, " - %s", dnsbl_public_resolver_advice);
		return MR_UNKNOWN;
	case DNSBL_OTHER_CODE:
		mr_buf_printf(b, "%s: answered %s outside the listing codes (not a listing)", z->name, d->v.reason);
		return MR_OK;
	case DNSBL_NOT_LISTED:
		mr_buf_printf(b, "%s: not listed", z->name);
		return MR_OK;
	}
	return -1;
}

/** Add the zone lines of target i under node t; 0 or -1. */
static int add_zone_lines(const dnsbl_report_config *rc, mr_check *c, mr_sub *t, uint64_t i)
{
	const dnsbl_tstate *ts = dnsbl_outcome_target(rc->o, i);
	dnsbl_detail **v = NULL;
	size_t n = 0, k = 0;
	int rc_ = -1;
	mr_buf b;

	mr_buf_init(&b, 2048);
	for (const dnsbl_detail *d = ts->first; d != NULL; d = d->next)
		n++;
	if (n == 0)
		return 0;
	v = calloc(n, sizeof(*v));
	if (v == NULL)
		goto out;
	for (dnsbl_detail *d = ts->first; d != NULL; d = d->next)
		v[k++] = d;
	qsort(v, n, sizeof(*v), cmp_detail);
	for (k = 0; k < n; k++) {
		int st;
		mr_buf_reset(&b);
		st = zone_line(rc, v[k], &b);
		if (st < 0)
			continue;
		if (mr_sub_add_info(c, t, (mr_state)st, "%s", mr_buf_str(&b)) == NULL)
			goto out;
	}
	rc_ = 0;
out:
	mr_buf_free(&b);
	free(v);
	return rc_;
}

/** Zones asked about target i (those that apply to it and are not broken). */
static unsigned zones_asked(const dnsbl_report_config *rc, uint64_t i)
{
	const dnsbl_unit *u = dnsbl_units_find(&rc->o->units, i);

	return u != NULL ? u->zones : 0;
}

/** Queries of target i that got no answer before the deadline (zones asked minus those that answered). */
static unsigned unanswered(const dnsbl_report_config *rc, uint64_t i)
{
	const dnsbl_tstate *ts = dnsbl_outcome_target(rc->o, i);
	unsigned asked = zones_asked(rc, i), answered = (unsigned)ts->usable + ts->errors;

	return asked > answered ? asked - answered : 0;
}

/** Append "E zone error(s), U quer(y|ies) unanswered" for target i, nonzero parts only, so that the numbers add
 *  up to what the 'errors' perfdata counts for it; nothing when both are 0. */
static void errors_text(const dnsbl_report_config *rc, uint64_t i, mr_buf *b)
{
	unsigned e = dnsbl_outcome_target(rc->o, i)->errors, u = unanswered(rc, i);

	if (e > 0)
		mr_buf_printf(b, "%u zone error%s", e, PLURAL(e));
	if (u > 0)
		mr_buf_printf(b, "%s%u quer%s unanswered", e > 0 ? ", " : "", u, u == 1 ? "y" : "ies");
}

/** Text of a target line for target i with state reason r into b. */
static void target_text(const dnsbl_report_config *rc, uint64_t i, why r, const char *label, mr_buf *b)
{
	const dnsbl_tstate *ts = dnsbl_outcome_target(rc->o, i);
	const dnsbl_unit *u = dnsbl_units_find(&rc->o->units, i);
	unsigned asked = u != NULL ? u->zones : 0;

	switch (r) {
	case WHY_LISTED:
		mr_buf_printf(b, "%s: listed on %u of %u zone%s", label, ts->listed, asked, PLURAL(asked));
		break;
	case WHY_FAILED:
		mr_buf_printf(b, "%s", u != NULL ? u->fail : label);
		break;
	case WHY_NO_ZONE:
		if (u != NULL && u->is_domain)
			mr_buf_printf(b, "%s: no domain-based zone is configured", label);
		else
			mr_buf_printf(b, "%s: no configured zone lists %s addresses", label,
			              u != NULL && u->cidr.base.family == AF_INET6 ? "IPv6" : "IPv4");
		break;
	case WHY_NO_ANSWER:
		mr_buf_printf(b, "%s: no usable answer from any zone (", label);
		errors_text(rc, i, b);
		mr_buf_puts(b, ")");
		break;
	case WHY_CLEAN:
		if (ts->usable < asked)
			mr_buf_printf(b, "%s: not listed on %u of %u zone%s", label, ts->usable, asked, PLURAL(asked));
		else
			mr_buf_printf(b, "%s: not listed on %u zone%s", label, asked, asked == 1 ? "" : "s");
		if (ts->allowed > 0)
			mr_buf_printf(b, ", allow-listed on %u", ts->allowed);
		break;
	}
	if (r != WHY_NO_ANSWER && r != WHY_FAILED && r != WHY_NO_ZONE && (ts->errors > 0 || unanswered(rc, i) > 0)) {
		mr_buf_puts(b, " (");
		errors_text(rc, i, b);
		mr_buf_puts(b, ")");
	}
}

/** First listing detail of target i (for the summary), or NULL. */
static const dnsbl_detail *first_listing(const dnsbl_report_config *rc, uint64_t i)
{
	const dnsbl_detail *best = NULL;

	for (const dnsbl_detail *d = dnsbl_outcome_target(rc->o, i)->first; d != NULL; d = d->next) {
		const dnsbl_zone *z = &rc->zones->v[d->zone];
		if (d->v.kind != DNSBL_LISTED || z->allow)
			continue;
		if (best == NULL || z->severity > rc->zones->v[best->zone].severity ||
		    (z->severity == rc->zones->v[best->zone].severity && d->zone < best->zone))
			best = d;
	}
	return best;
}

/** First error detail of target i, or NULL. */
static const dnsbl_detail *first_error(const dnsbl_report_config *rc, uint64_t i)
{
	for (const dnsbl_detail *d = dnsbl_outcome_target(rc->o, i)->first; d != NULL; d = d->next)
		if (d->v.kind == DNSBL_ERROR)
			return d;
	return NULL;
}

/** Write the summary of the worst target w (state st, reason r) into b. */
static void summary(const dnsbl_report_config *rc, uint64_t w, mr_state st, why r, mr_buf *b)
{
	const dnsbl_outcome *o = rc->o;
	char label[LABEL_MAX];
	const dnsbl_tstate *ts;
	unsigned asked;

	if (o->ntargets == 0) {
		mr_buf_puts(b, "no targets");
		return;
	}
	ts = dnsbl_outcome_target(o, w);
	asked = zones_asked(rc, w);
	if (dnsbl_target_label(&rc->o->units, w, label, sizeof(label)) != 0)
		mr_snprintf(label, sizeof(label), "target %llu", (unsigned long long)w);
	if (r == WHY_LISTED) {
		const dnsbl_detail *d = first_listing(rc, w);
		if (d != NULL) {
			mr_buf_printf(b, "%s listed on %s (%s)", label, rc->zones->v[d->zone].name, d->v.reason);
			if (ts->listed > 1)
				mr_buf_printf(b, " and %u more zone%s", ts->listed - 1, ts->listed == 2 ? "" : "s");
		} else {
			mr_buf_printf(b, "%s listed on %u zone%s", label, ts->listed, PLURAL(ts->listed));
		}
		if (o->ntargets > 1)
			mr_buf_printf(b, "; %llu of %llu targets listed", (unsigned long long)o->targets_listed,
			              (unsigned long long)o->ntargets);
	} else if (st != MR_OK || r != WHY_CLEAN) {
		target_text(rc, w, r, label, b);
		if (r == WHY_NO_ANSWER) {
			const dnsbl_detail *d = first_error(rc, w);
			if (d != NULL)
				mr_buf_printf(b, ", e.g. %s: %s", rc->zones->v[d->zone].name, d->v.reason);
		}
	} else if (o->ntargets == 1 && ts->usable < asked) {
		mr_buf_printf(b, "%s not listed on %u of %u zone%s", label, ts->usable, asked, PLURAL(asked));
	} else if (o->ntargets == 1) {
		mr_buf_printf(b, "%s not listed on %u zone%s", label, asked, asked == 1 ? "" : "s");
	} else {
		mr_buf_printf(b, "%llu targets not listed on %zu zone%s", (unsigned long long)o->ntargets, o->zones_used,
		              o->zones_used == 1 ? "" : "s");
	}
	if (o->error_pairs > 0 && r != WHY_NO_ANSWER)
		mr_buf_printf(b, "; %llu zone error%s", (unsigned long long)o->error_pairs, o->error_pairs == 1 ? "" : "s");
	if (o->timed_out)
		mr_buf_printf(b, "; timed out with %llu quer%s unanswered", (unsigned long long)o->unfinished,
		              o->unfinished == 1 ? "y" : "ies");
}

/** Add perfdata in the fixed order; 0 or -1. */
static int add_perfdata(const dnsbl_report_config *rc, mr_check *c)
{
	const dnsbl_outcome *o = rc->o;
	struct {
		const char *label;
		double value;
		const char *uom;
	} m[] = {
		{ "listed", (double)o->listed_pairs, "" },
		{ "targets_listed", (double)o->targets_listed, "" },
		{ "targets", (double)o->ntargets, "" },
		{ "zones", (double)o->zones_used, "" },
		{ "errors", (double)(o->error_pairs + o->unfinished), "" },
		{ "queries", (double)o->queries, "" },
		{ "time", rc->elapsed, "s" },
	};

	for (size_t k = 0; k < sizeof(m) / sizeof(m[0]); k++) {
		mr_perf p;
		if (mr_perf_set(&p, m[k].label, m[k].value, m[k].uom) != 0 || mr_check_add_perf(c, &p) != 0)
			return -1;
	}
	return 0;
}

/** Add informational lines for zones that failed the self-test, and aggregated zone errors of large runs; 0 or -1. */
static int add_zone_notes(const dnsbl_report_config *rc, mr_check *c)
{
	const dnsbl_outcome *o = rc->o;
	int aggregate = o->ntargets > SHOW_ALL_TARGETS || o->dropped > 0;

	for (size_t zi = 0; zi < o->nzones; zi++) {
		const dnsbl_zstat *zs = &o->z[zi];
		mr_sub *s = NULL;
		if (zs->broken)
			s = mr_sub_add_info(c, NULL, MR_UNKNOWN, "%s: broken, not queried: %s", rc->zones->v[zi].name,
			                    zs->broken_reason);
		else if (aggregate && zs->errors > 0)
			s = mr_sub_add_info(c, NULL, MR_UNKNOWN, "%s: %llu target%s without usable answer (first: %s)",
			                    rc->zones->v[zi].name, (unsigned long long)zs->errors, PLURAL(zs->errors),
			                    zs->first_error);
		else
			continue;
		if (s == NULL)
			return -1;
	}
	return 0;
}

/** The running choice of the target that decides the state and the summary. */
typedef struct worst_pick {
	mr_state overall;   /**< worst state so far */
	uint64_t target;    /**< the target that has it */
	why reason;         /**< and why */
	int have;           /**< a target was picked */
	int any_checked;    /**< some target has a zone to ask */
} worst_pick;

/** Weigh target i (state st, reason r); 1 if it counts for the state, 0 if it is only informational. */
static int pick_worst(worst_pick *w, uint64_t i, mr_state st, why r)
{
	/* An address no zone can check (say IPv6 with IPv4-only zones) is shown, but only decides the
	 * state when nothing at all could be checked. */
	if (r == WHY_NO_ZONE && w->any_checked)
		return 0;
	if (!w->have || mr_state_worst(w->overall, st) != w->overall) {
		w->overall = mr_state_worst(w->overall, st);
		w->target = i;
		w->reason = r;
		w->have = 1;
	}
	return 1;
}

/** Targets from i on were never asked and no more lines fit: each unit's are alike, so weigh the first
 * of each unit only; returns how many targets are left unshown. */
static uint64_t weigh_unasked(const dnsbl_report_config *rc, uint64_t i, worst_pick *w)
{
	const dnsbl_units *t = &rc->o->units;
	const dnsbl_unit *u = dnsbl_units_find(t, i);
	uint64_t left = 0;

	if (u == NULL)
		return 0;
	for (size_t k = (size_t)(u - t->unit); k < t->nunit; k++) {
		uint64_t j = i > t->unit[k].first ? i : t->unit[k].first;
		why r;
		mr_state st = target_state(rc, j, &r);
		(void)pick_worst(w, j, st, r);
		left += t->unit[k].first + t->unit[k].size - j;
	}
	return left;
}

/** Fill c from the outcome; 0, or -1 on allocation failure. */
int dnsbl_report(const dnsbl_report_config *rc, mr_check *c)
{
	const dnsbl_outcome *o = rc->o;
	worst_pick w;
	uint64_t shown = 0, hidden = 0;
	int rc_ = -1;
	mr_buf b;

	memset(&w, 0, sizeof(w));
	w.overall = MR_OK;
	w.reason = WHY_CLEAN;
	mr_buf_init(&b, 8192);
	for (size_t k = 0; k < o->units.nunit && !w.any_checked; k++)
		w.any_checked = o->units.unit[k].zones > 0;
	for (uint64_t i = 0; i < o->ntargets; i++) {
		why r;
		mr_state st;
		const dnsbl_tstate *ts = dnsbl_outcome_target(o, i);
		int notable, counts;

		if (i >= o->asked && shown >= rc->max_details) {
			/* a run cut off early in a large range: no work per target left */
			hidden += weigh_unasked(rc, i, &w);
			break;
		}
		st = target_state(rc, i, &r);
		notable = st != MR_OK || ts->listed || ts->allowed || ts->errors || r != WHY_CLEAN ||
		          (ts->other && dnsbl_detail_kept(DNSBL_OTHER_CODE, o->ntargets, rc->verbose));
		counts = pick_worst(&w, i, st, r);
		if (!notable && o->ntargets > SHOW_ALL_TARGETS && rc->verbose < 2)
			continue;
		if (shown >= rc->max_details) {
			hidden++;
			continue;
		}
		{
			char label[LABEL_MAX];
			mr_sub *t;
			if (dnsbl_target_label(&rc->o->units, i, label, sizeof(label)) != 0)
				mr_snprintf(label, sizeof(label), "target %llu", (unsigned long long)i);
			mr_buf_reset(&b);
			target_text(rc, i, r, label, &b);
			t = mr_sub_add(c, NULL, st, "%s", mr_buf_str(&b));
			if (t == NULL || add_zone_lines(rc, c, t, i) != 0)
				goto out;
			if (!counts)
				mr_sub_set_informational(t);
			shown++;
		}
	}
	if (hidden > 0) {
		if (mr_sub_add_info(c, NULL, MR_OK, "%llu more target%s not shown (--max-details)",
		                    (unsigned long long)hidden, PLURAL(hidden)) == NULL)
			goto out;
	}
	if (add_zone_notes(rc, c) != 0)
		goto out;
	if (o->timed_out) {
		if (mr_sub_add_info(c, NULL, rc->timeout_state, "timeout: %llu quer%s not answered within %g second%s (-t)",
		                    (unsigned long long)o->unfinished, o->unfinished == 1 ? "y" : "ies", rc->timeout,
		                    PLURAL(rc->timeout)) == NULL)
			goto out;
		w.overall = mr_state_worst(w.overall, rc->timeout_state);
	}
	if (o->zones_used == 0 && o->nzones > 0)
		w.overall = MR_UNKNOWN;
	mr_buf_reset(&b);
	if (o->zones_used == 0 && o->nzones > 0)
		mr_buf_puts(&b, "every zone failed the self-test; nothing was checked");
	else
		summary(rc, w.target, w.overall, w.reason, &b);
	if (mr_check_set_summary(c, "%s", mr_buf_str(&b)) != 0 || add_perfdata(rc, c) != 0)
		goto out;
	mr_check_set_state(c, w.overall);
	rc_ = 0;
out:
	mr_buf_free(&b);
	return rc_;
}
