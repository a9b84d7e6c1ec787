/* dnsbl_outcome.c: what one check_dnsbl run found: counting verdicts per target and per zone, keeping the
 * details the output shows within a memory bound, and freeing it all. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "../../common/state.h"
#include "dnsbl_outcome.h"

/** Size the counters for the targets in o->units and nzones zones; see the header. */
int dnsbl_outcome_start(dnsbl_outcome *o, size_t nzones)
{
	o->ntargets = o->units.total;
	o->asked = o->ntargets;
	o->nzones = nzones;
	o->ntb = (size_t)((o->ntargets + DNSBL_TBLOCK - 1) / DNSBL_TBLOCK);
	o->tb = calloc(o->ntb ? o->ntb : 1, sizeof(*o->tb));
	o->z = calloc(o->nzones ? o->nzones : 1, sizeof(*o->z));
	return o->tb != NULL && o->z != NULL ? 0 : -1;
}

/** Counters of target i of o (all zero if it got no verdict). */
const dnsbl_tstate *dnsbl_outcome_target(const dnsbl_outcome *o, uint64_t i)
{
	static const dnsbl_tstate none;
	const dnsbl_tstate *b = o->tb != NULL ? o->tb[i / DNSBL_TBLOCK] : NULL;

	return b != NULL ? &b[i % DNSBL_TBLOCK] : &none;
}

/** Number of targets in block b of o (DNSBL_TBLOCK, or fewer in the last block). */
static size_t block_len(const dnsbl_outcome *o, size_t b)
{
	uint64_t left = o->ntargets - (uint64_t)b * DNSBL_TBLOCK;

	return left < DNSBL_TBLOCK ? (size_t)left : DNSBL_TBLOCK;
}

/** Writable counters of target i, allocating its block on first use; NULL (and oom set) when out of memory. */
static dnsbl_tstate *target_state(dnsbl_outcome *o, uint64_t i)
{
	dnsbl_tstate **b = &o->tb[i / DNSBL_TBLOCK];

	if (*b == NULL) {
		*b = calloc(block_len(o, (size_t)(i / DNSBL_TBLOCK)), sizeof(**b));
		if (*b == NULL) {
			o->oom = 1;
			return NULL;
		}
	}
	return &(*b)[i % DNSBL_TBLOCK];
}

/** 1 if a (target, zone) result of this kind is kept and shown, in a run of ntargets at -v level verbose. */
int dnsbl_detail_kept(dnsbl_verdict_kind kind, uint64_t ntargets, int verbose)
{
	switch (kind) {
	case DNSBL_LISTED:
	case DNSBL_ERROR:
		return 1;
	case DNSBL_OTHER_CODE:
		return verbose >= 1;
	case DNSBL_NOT_LISTED:
		return ntargets == 1 || verbose >= 2;
	}
	return 0;
}

/** Keep a detail in ts if the output shows it and the memory bound allows; returns it or NULL. */
static dnsbl_detail *store_detail(dnsbl_outcome *o, dnsbl_tstate *ts, uint32_t zone, const dnsbl_verdict *v,
                                  int verbose, size_t max_stored)
{
	dnsbl_detail *d;

	if (!dnsbl_detail_kept(v->kind, o->ntargets, verbose))
		return NULL;
	if (o->stored >= max_stored) {
		o->dropped++;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		o->oom = 1;
		return NULL;
	}
	d->zone = zone;
	d->v = *v;
	if (ts->last != NULL)
		ts->last->next = d;
	else
		ts->first = d;
	ts->last = d;
	o->stored++;
	return d;
}

/** Count verdict v of zone z (index zi) for target i and maybe keep it; see the header. */
dnsbl_detail *dnsbl_outcome_record(dnsbl_outcome *o, const dnsbl_zone *z, uint32_t zi, uint64_t i,
                                   const dnsbl_verdict *v, int verbose, size_t max_stored)
{
	dnsbl_tstate *ts = target_state(o, i);
	dnsbl_zstat *zs = &o->z[zi];

	if (ts == NULL)
		return NULL;
	switch (v->kind) {
	case DNSBL_LISTED:
		if (z->allow) {
			ts->allowed++;
			ts->usable++;
		} else {
			if (ts->listed == 0)
				o->targets_listed++;
			ts->listed++;
			ts->usable++;
			zs->listed++;
			o->listed_pairs++;
			ts->severity = (uint8_t)mr_state_worst((mr_state)ts->severity, z->severity);
		}
		break;
	case DNSBL_ERROR:
		ts->errors++;
		zs->errors++;
		o->error_pairs++;
		if (zs->first_error[0] == '\0')
			mr_snprintf(zs->first_error, sizeof(zs->first_error), "%s", v->reason);
		break;
	case DNSBL_OTHER_CODE:
		ts->other++;
		ts->usable++;
		break;
	case DNSBL_NOT_LISTED:
		/* an allow-list's "not listed" is an answer too: a run of allow-lists alone can be OK */
		ts->usable++;
		break;
	}
	return store_detail(o, ts, zi, v, verbose, max_stored);
}

/** Free everything an outcome owns. */
void dnsbl_outcome_free(dnsbl_outcome *o)
{
	for (size_t b = 0; o->tb != NULL && b < o->ntb; b++) {
		if (o->tb[b] == NULL)
			continue;
		for (size_t k = 0; k < block_len(o, b); k++) {
			dnsbl_detail *d = o->tb[b][k].first;
			while (d != NULL) {
				dnsbl_detail *next = d->next;
				free(d->txt);
				free(d);
				d = next;
			}
		}
		free(o->tb[b]);
	}
	free(o->tb);
	free(o->z);
	dnsbl_units_free(&o->units);
	memset(o, 0, sizeof(*o));
}
