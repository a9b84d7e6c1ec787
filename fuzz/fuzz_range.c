/* fuzz_range.c: libFuzzer target for guideline ranges and thresholds (common/range) and perfdata labels and
 * formatting (common/perfdata): parse, format, re-parse (the canonical form must read back the same), judge. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <assert.h>
#include <math.h>

#include "../common/perfdata.h"
#include "../common/range.h"
#include "fuzz.h"

/** Parse the input as a range; check the canonical form round-trips; evaluate and format perfdata with it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	mr_range r, back;
	mr_thresholds t;
	mr_perf p;
	mr_buf out;
	char txt[128];
	static const double probes[] = { -1e300, -1, 0, 0.5, 1, 10, 1e300, NAN, INFINITY };
	size_t i;

	mr_buf_init(&out, 4096);
	if (mr_range_parse(s, &r) == 0) {
		if (mr_range_format(&r, txt, sizeof(txt)) == 0) {
			assert(mr_range_parse(txt, &back) == 0);
			assert(back.inside == r.inside && back.start_inf == r.start_inf && back.end_inf == r.end_inf);
		}
		memset(&t, 0, sizeof(t));
		t.warn = r;
		t.has_warn = 1;
		t.crit = r;
		t.has_crit = size & 1;
		for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
			(void)mr_range_alerts(&r, probes[i]);
			(void)mr_thresholds_state(&t, probes[i]);
		}
		if (mr_perf_set(&p, "fuzz", r.start_inf ? 0 : r.start, "s") == 0) {
			p.thr = t;
			p.has_min = 1;
			p.min = r.end_inf ? 0 : r.end;
			(void)mr_perf_format(&p, &out);
		}
	}
	/* the input as a label */
	if (mr_perf_label_valid(s)) {
		assert(mr_perf_set(&p, s, 1.5, "%") == 0);
		(void)mr_perf_format(&p, &out);
		(void)mr_perf_set_undefined(&p, s, "B");
		(void)mr_perf_format(&p, &out);
	}
	mr_buf_free(&out);
	free(s);
	return 0;
}
